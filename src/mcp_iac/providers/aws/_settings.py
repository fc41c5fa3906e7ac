"""``Settings``: where the AWS provider connects and how long it waits, from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from mcp_iac.core import ConfigError

ENV_VARS: dict[str, str] = {
    "AWS_REGION": "region (AWS_DEFAULT_REGION is read when it is unset)",
    "AWS_DEFAULT_REGION": "region, when AWS_REGION is unset",
    "AWS_PROFILE": "named profile of ~/.aws/config and ~/.aws/credentials",
    "AWS_ACCESS_KEY_ID": "access key (with AWS_SECRET_ACCESS_KEY); else the standard chain",
    "AWS_SECRET_ACCESS_KEY": "secret key",
    "AWS_SESSION_TOKEN": "session token of temporary credentials",
    "MCP_IAC_AWS_ENDPOINT_URL": "endpoint of every service, e.g. a moto server (wins)",
    "AWS_ENDPOINT_URL": "endpoint of every service, when MCP_IAC_AWS_ENDPOINT_URL is unset",
    "MCP_IAC_AWS_WAIT_TIMEOUT": "seconds a create/update/delete waits for AWS to settle (240)",
    "MCP_IAC_AWS_POLL_INTERVAL": "longest pause between two polls while waiting, seconds (5)",
    "MCP_IAC_AWS_MAX_CONCURRENCY": "AWS calls in flight at once (8)",
}
"""The environment variables :meth:`Settings.from_env` reads, and what each means."""


class Settings(BaseModel):
    """How the AWS provider reaches AWS (or a stand-in such as moto) and how long it waits.

    Unset fields fall back to boto3's own resolution: the region and credentials of the
    profile, the standard credential chain (environment, shared files, SSO, instance role).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    region: str | None = Field(default=None, description="AWS region, e.g. 'eu-west-1'.")
    profile: str | None = Field(default=None, description="Named profile to use.")
    endpoint_url: str | None = Field(
        default=None, description="One endpoint for every service (moto, LocalStack)."
    )
    access_key_id: str | None = Field(default=None, description="Explicit access key id.")
    secret_access_key: SecretStr | None = Field(default=None, description="Its secret key.")
    session_token: SecretStr | None = Field(default=None, description="Session token.")
    wait_timeout: float = Field(
        default=240.0,
        gt=0,
        description="Seconds an operation waits for AWS to settle (instance running, RDS "
        "available...) before it answers TIMEOUT (retryable: a retried create resumes waiting).",
    )
    poll_interval: float = Field(
        default=5.0, gt=0, description="Longest pause between polls while waiting, seconds."
    )
    max_concurrency: int = Field(
        default=8, ge=1, le=64, description="AWS calls running at once (worker threads)."
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Settings from environment variables (see :data:`ENV_VARS`); empty values count as
        unset.

        Raises:
            ConfigError: a numeric variable is not a number, or out of range.
        """

        def get(*names: str) -> str | None:
            for name in names:
                value = env.get(name, "").strip()
                if value:
                    return value
            return None

        raw: dict[str, Any] = {
            "region": get("AWS_REGION", "AWS_DEFAULT_REGION"),
            "profile": get("AWS_PROFILE"),
            "endpoint_url": get("MCP_IAC_AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL"),
            "access_key_id": get("AWS_ACCESS_KEY_ID"),
            "secret_access_key": get("AWS_SECRET_ACCESS_KEY"),
            "session_token": get("AWS_SESSION_TOKEN"),
        }
        numeric = {
            "wait_timeout": "MCP_IAC_AWS_WAIT_TIMEOUT",
            "poll_interval": "MCP_IAC_AWS_POLL_INTERVAL",
            "max_concurrency": "MCP_IAC_AWS_MAX_CONCURRENCY",
        }
        for field, name in numeric.items():
            value = get(name)
            if value is not None:
                raw[field] = value
        try:
            return cls.model_validate({k: v for k, v in raw.items() if v is not None})
        except ValidationError as exc:
            problems = []
            for error in exc.errors(include_url=False):
                field = str(error["loc"][0]) if error["loc"] else ""
                problems.append(f"{numeric.get(field, field)}: {error['msg']}")
            raise ConfigError(
                "invalid AWS provider settings: " + "; ".join(problems),
                hint="see docs/providers/aws.md#configuration",
            ) from exc

    @property
    def explicit_credentials(self) -> bool:
        """True when an access key pair is configured (otherwise boto3's chain decides)."""
        return self.access_key_id is not None and self.secret_access_key is not None
