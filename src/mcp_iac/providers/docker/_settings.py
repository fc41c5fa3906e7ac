"""``Settings``: how the docker provider reaches its engine, read from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mcp_iac.core import ConfigError

ENV_VARS: dict[str, str] = {
    "docker_host": "DOCKER_HOST",
    "tls_verify": "DOCKER_TLS_VERIFY",
    "cert_path": "DOCKER_CERT_PATH",
    "project_dir": "MCP_IAC_DOCKER_PROJECT_DIR",
    "data_dir": "MCP_IAC_DOCKER_DATA_DIR",
    "timeout": "MCP_IAC_DOCKER_TIMEOUT",
    "build_timeout": "MCP_IAC_DOCKER_BUILD_TIMEOUT",
    "stop_timeout": "MCP_IAC_DOCKER_STOP_TIMEOUT",
    "concurrency": "MCP_IAC_DOCKER_CONCURRENCY",
}
"""Settings field -> the environment variable it is read from."""


class Settings(BaseModel):
    """Configuration of the docker provider (docs/providers/docker.md, "Configuration").

    - ``docker_host``: the engine's URL (``unix:///path/docker.sock``, ``tcp://127.0.0.1:2375``);
      None means the docker SDK's default, ``unix:///var/run/docker.sock``.
    - ``tls_verify``, ``cert_path``: TLS to a ``tcp://`` engine, as the docker CLI reads them.
    - ``project_dir``: build contexts and bind-mount sources are confined to it.
    - ``data_dir``: the provider's idempotency-key records for the types that cannot carry a
      label (``docker:image:pull``, ``docker:registry:push``); default
      ``<project_dir>/.mcp-iac/docker``; relative means relative to ``project_dir``.
    - ``timeout``: seconds each engine call may take; ``build_timeout`` the same for builds,
      pulls and pushes; ``stop_timeout`` seconds a container gets to stop before it is killed.
    - ``concurrency``: engine calls running at once (each takes a worker thread).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    docker_host: str | None = None
    tls_verify: bool = False
    cert_path: Path | None = None
    project_dir: Path = Field(default_factory=Path.cwd)
    data_dir: Path | None = None
    timeout: float = Field(default=60.0, gt=0)
    build_timeout: float = Field(default=1800.0, gt=0)
    stop_timeout: int = Field(default=10, ge=0)
    concurrency: int = Field(default=4, ge=1, le=64)

    @property
    def project_path(self) -> Path:
        """``project_dir`` made absolute (symlinks left as they are)."""
        return Path(os.path.abspath(self.project_dir))

    @property
    def data_path(self) -> Path:
        """The absolute data directory."""
        default = Path(".mcp-iac") / "docker"
        return Path(os.path.abspath(self.project_path / (self.data_dir or default)))

    @property
    def engine(self) -> str:
        """The engine's URL as reported in messages."""
        return self.docker_host or "unix:///var/run/docker.sock"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Settings from environment variables (``ENV_VARS``); unset or empty ones keep their
        defaults. ``DOCKER_TLS_VERIFY`` is on when set to anything but ``""`` or ``0``.

        Raises:
            ConfigError: a variable holds a value of the wrong kind, naming the variable.
        """
        raw: dict[str, object] = {}
        for field, var in ENV_VARS.items():
            value = env.get(var, "")
            if value == "":
                continue
            raw[field] = value not in ("0", "false") if field == "tls_verify" else value
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{ENV_VARS.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}"
                for e in exc.errors(include_url=False)
            )
            raise ConfigError(f"docker provider settings: {problems}") from exc
