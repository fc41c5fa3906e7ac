"""The provider's configuration: which firewall, which API key, how to trust its TLS."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from mcp_iac.core import ConfigError

ENV_URL = "OPNSENSE_URL"
ENV_API_KEY = "OPNSENSE_API_KEY"
ENV_API_SECRET = "OPNSENSE_API_SECRET"
ENV_CA_BUNDLE = "OPNSENSE_CA_BUNDLE"
ENV_VERIFY_TLS = "OPNSENSE_VERIFY_TLS"
ENV_TIMEOUT = "OPNSENSE_TIMEOUT"

DEFAULT_TIMEOUT = 30.0

_ENV_OF = {
    "url": ENV_URL,
    "api_key": ENV_API_KEY,
    "api_secret": ENV_API_SECRET,
    "ca_bundle": ENV_CA_BUNDLE,
    "verify_tls": ENV_VERIFY_TLS,
    "timeout": ENV_TIMEOUT,
}


class Settings(BaseModel):
    """How to reach one OPNsense firewall's REST API.

    ``url`` is the firewall's base URL (``https://fw.example.net`` or with a port; the API lives
    under ``/api``). ``api_key``/``api_secret`` are an API key pair made under System → Access →
    Users. TLS is verified against the system's trust store, or ``ca_bundle`` (a PEM file) when
    given; ``verify_tls=False`` turns verification off (never do that across a network you do
    not control). ``timeout`` bounds every request, in seconds.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(description="Base URL of the firewall, e.g. https://fw.example.net:8443.")
    api_key: SecretStr = Field(description="API key (the 'key' of the pair).")
    api_secret: SecretStr = Field(description="API secret (the 'secret' of the pair).")
    ca_bundle: Path | None = Field(
        default=None, description="PEM file of the CA(s) that signed the firewall's certificate."
    )
    verify_tls: bool = Field(default=True, description="Verify the firewall's TLS certificate.")
    timeout: float = Field(
        default=DEFAULT_TIMEOUT, gt=0, description="Seconds each request may take."
    )

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(
                f"{value!r} is not an http(s) URL; write the firewall's address like "
                "https://fw.example.net or https://198.18.0.1:8443"
            )
        if parts.query or parts.fragment:
            raise ValueError(f"{value!r}: the URL takes no query or fragment")
        path = parts.path.rstrip("/")
        if path.endswith("/api"):  # a common slip: the client adds /api itself
            path = path[: -len("/api")]
        return f"{parts.scheme}://{parts.netloc}{path}"

    @field_validator("api_key", "api_secret")
    @classmethod
    def _not_blank(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        return value

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Settings from ``OPNSENSE_*`` environment variables.

        ``OPNSENSE_URL``, ``OPNSENSE_API_KEY`` and ``OPNSENSE_API_SECRET`` are required;
        ``OPNSENSE_CA_BUNDLE`` (a PEM path), ``OPNSENSE_VERIFY_TLS`` (true/false, default true)
        and ``OPNSENSE_TIMEOUT`` (seconds, default 30) are optional.

        Raises:
            ConfigError: a required variable is missing or a value is invalid; the message
                names the variable.
        """
        missing = [v for v in (ENV_URL, ENV_API_KEY, ENV_API_SECRET) if not env.get(v)]
        if missing:
            raise ConfigError(
                f"the opnsense provider needs {', '.join(missing)} in its environment",
                hint=(
                    f"set {ENV_URL} (https://<firewall>), and {ENV_API_KEY}/{ENV_API_SECRET} to "
                    "an API key pair from System > Access > Users > API keys"
                ),
            )
        raw: dict[str, object] = {
            "url": env[ENV_URL],
            "api_key": env[ENV_API_KEY],
            "api_secret": env[ENV_API_SECRET],
        }
        if env.get(ENV_CA_BUNDLE):
            raw["ca_bundle"] = Path(env[ENV_CA_BUNDLE])
        if env.get(ENV_VERIFY_TLS):
            raw["verify_tls"] = env[ENV_VERIFY_TLS]  # pydantic reads true/false/1/0/yes/no
        if env.get(ENV_TIMEOUT):
            raw["timeout"] = env[ENV_TIMEOUT]
        try:
            settings = cls.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{_ENV_OF.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}"
                for e in exc.errors(include_url=False, include_input=False)
            )
            raise ConfigError(f"invalid opnsense provider settings: {problems}") from exc
        if settings.ca_bundle is not None and not settings.ca_bundle.is_file():
            raise ConfigError(
                f"{ENV_CA_BUNDLE}: {settings.ca_bundle} is not a file",
                hint="point it at a PEM file holding the CA certificate(s) of the firewall",
            )
        return settings
