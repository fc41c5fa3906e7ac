"""Where provider servers come from: ``mcp-iac.yaml``, the environment, Claude Desktop's config.

``mcp-iac.yaml`` follows the ``mcpServers`` convention::

    servers:
      fw1:    {command: mcp-iac, args: [provider, serve, opnsense],
               env: {OPNSENSE_URL: "https://fw1"}}
      k8s:    {url: "http://127.0.0.1:8080/mcp",
               headers: {Authorization: "Bearer ${env:K8S_TOKEN}"}}
      memory: {command: npx, args: ["-y", "@modelcontextprotocol/server-memory"],
               mapping: mappings/memory.yaml}
      local:  {builtin: local}

Precedence, lowest first: the built-in ``local``, ``mcp-iac.yaml``, ``MCP_IAC_SERVERS`` (a JSON
object of name to config), ``MCP_IAC_SERVER_<NAME>`` (a JSON object, a URL or a command line).
``${env:VAR}`` in any string of a server's config is replaced from the environment when the
config is used.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import sys
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mcp_iac.core import ConfigError, Location, valid_name

PROJECT_FILE = "mcp-iac.yaml"
SERVERS_ENV = "MCP_IAC_SERVERS"
SERVER_ENV_PREFIX = "MCP_IAC_SERVER_"
BUILTINS = ("local", "opnsense", "aws", "docker")
"""Providers that ship with mcp-iac (``builtin: NAME`` in mcp-iac.yaml)."""
DEFAULT_SERVERS = ("local",)
"""Built-ins configured without being asked for (the others need settings)."""
_ENV_REF = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")


class ServerConfig(BaseModel):
    """One provider server: exactly one of ``command`` (stdio), ``url`` (streamable HTTP) or
    ``builtin`` (in-process)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    command: str | None = None
    args: tuple[str, ...] = ()
    env: dict[str, str] = Field(default_factory=dict)
    cwd: str | None = None
    url: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    builtin: str | None = None
    mapping: str | None = None
    """A mapping file that makes a foreign (non-iac/1) MCP server usable as a provider."""
    timeout_seconds: float = Field(default=120.0, gt=0, alias="timeoutSeconds")
    """Limit for each call to the server."""
    max_concurrency: int = Field(default=10, ge=1, le=1000, alias="maxConcurrency")
    """How many calls may run at once against the server."""
    mode: Literal["auto", "legacy"] = "auto"
    """MCP protocol era: ``auto`` (the current protocol, falling back to the ``initialize``
    handshake) or ``legacy`` (always ``initialize``: for servers that need a session)."""
    source: str = Field(default="", exclude=True)
    """Where this config came from (file path or environment variable), for messages."""

    @model_validator(mode="after")
    def _one_transport(self) -> ServerConfig:
        given = [k for k in ("command", "url", "builtin") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of 'command' (a stdio server), 'url' (streamable HTTP) or "
                f"'builtin' (in-process); got {', '.join(given) or 'none'}"
            )
        if self.builtin is not None and self.builtin not in BUILTINS:
            raise ValueError(f"unknown builtin '{self.builtin}' (built in: {', '.join(BUILTINS)})")
        return self

    @property
    def transport(self) -> Literal["stdio", "http", "builtin"]:
        if self.command:
            return "stdio"
        return "http" if self.url else "builtin"

    def expanded(self, name: str, environ: Mapping[str, str]) -> ServerConfig:
        """This config with every ``${env:VAR}`` replaced; raises ConfigError naming it."""

        def expand(value: str, field: str) -> str:
            def one(match: re.Match[str]) -> str:
                var = match.group(1)
                if var not in environ:
                    raise ConfigError(
                        f"server '{name}': {field} uses ${{env:{var}}} but {var} is not set",
                        location=Location(file=self.source or None),
                        hint=f"export {var}=... before running",
                    )
                return environ[var]

            return _ENV_REF.sub(one, value)

        return self.model_copy(
            update={
                "command": expand(self.command, "command") if self.command else None,
                "args": tuple(expand(a, f"args[{i}]") for i, a in enumerate(self.args)),
                "env": {k: expand(v, f"env.{k}") for k, v in self.env.items()},
                "cwd": expand(self.cwd, "cwd") if self.cwd else None,
                "url": expand(self.url, "url") if self.url else None,
                "headers": {k: expand(v, f"headers.{k}") for k, v in self.headers.items()},
            }
        )


def _parse_server(name: str, raw: Any, source: str) -> ServerConfig:
    where = Location(file=source, property=f"servers.{name}")
    if not valid_name(name):
        raise ConfigError(
            f"server name '{name}' is invalid: use letters, digits, '-' and '_'", location=where
        )
    if not isinstance(raw, dict):
        raise ConfigError(
            "a server is a mapping (command/args/env, url/headers or builtin)", location=where
        )
    try:
        return ServerConfig.model_validate({**raw, "source": source})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        msg = first["msg"].removeprefix("Value error, ")
        hint = None
        if first["type"] == "extra_forbidden":
            known = [f.alias or n for n, f in ServerConfig.model_fields.items() if n != "source"]
            close = difflib.get_close_matches(str(first["loc"][-1]), known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(known)
        raise ConfigError(
            msg,
            location=Location(
                file=source, property=f"servers.{name}{'.' + field if field else ''}"
            ),
            hint=hint,
        ) from None


def load_project_file(path: Path) -> dict[str, ServerConfig]:
    """The servers of an ``mcp-iac.yaml``; raises ConfigError naming file and server."""
    import yaml  # noqa: PLC0415  # only when a YAML file is read

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read '{path}': {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"invalid YAML{where}", location=Location(file=str(path))) from None
    if not isinstance(doc, dict):
        raise ConfigError("expected a mapping with 'servers'", location=Location(file=str(path)))
    unknown = set(doc) - {"servers", "patterns", "policies", "state", "serve"}
    if unknown:
        raise ConfigError(
            f"unknown top-level key(s): {', '.join(sorted(unknown))}",
            location=Location(file=str(path)),
            hint="mcp-iac.yaml holds 'servers' (see docs/providers.md)",
        )
    servers = doc.get("servers") or {}
    if not isinstance(servers, dict):
        raise ConfigError(
            "'servers' must map names to server configs",
            location=Location(file=str(path), property="servers"),
        )
    return {str(n): _parse_server(str(n), raw, str(path)) for n, raw in servers.items()}


def env_name(variable: str) -> str:
    """``MCP_IAC_SERVER_AWS_EU`` names the server ``aws-eu``."""
    return variable[len(SERVER_ENV_PREFIX) :].lower().replace("_", "-")


def servers_from_env(environ: Mapping[str, str]) -> dict[str, ServerConfig]:
    """Servers from ``MCP_IAC_SERVERS`` and ``MCP_IAC_SERVER_<NAME>``."""
    found: dict[str, ServerConfig] = {}
    if environ.get(SERVERS_ENV):
        try:
            doc = json.loads(environ[SERVERS_ENV])
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{SERVERS_ENV} is not JSON: {exc.msg}",
                hint='e.g. {"files": {"command": "mcp-iac", '
                '"args": ["provider", "serve", "local"]}}',
            ) from None
        if not isinstance(doc, dict):
            raise ConfigError(f"{SERVERS_ENV} must be a JSON object of name to server config")
        for name, raw in doc.items():
            found[str(name)] = _parse_server(str(name), raw, SERVERS_ENV)
    for variable, value in sorted(environ.items()):
        if not variable.startswith(SERVER_ENV_PREFIX) or not value.strip():
            continue
        name = env_name(variable)
        given: Any
        if value.lstrip().startswith("{"):
            try:
                given = json.loads(value)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{variable} is not JSON: {exc.msg}") from None
        elif value.startswith(("http://", "https://")):
            given = {"url": value}
        else:
            argv = shlex.split(value)
            given = {"command": argv[0], "args": argv[1:]}
        found[name] = _parse_server(name, given, variable)
    return found


def discover(
    root: Path, environ: Mapping[str, str] | None = None, *, file: Path | None = None
) -> dict[str, ServerConfig]:
    """All configured servers: built-ins, then the project file, then the environment."""
    env = os.environ if environ is None else environ
    servers: dict[str, ServerConfig] = {
        name: ServerConfig(builtin=name, source="built in") for name in DEFAULT_SERVERS
    }
    path = file or root / PROJECT_FILE
    if file is not None and not path.exists():
        raise ConfigError(f"server config '{path}' does not exist")
    if path.exists():
        servers.update(load_project_file(path))
    servers.update(servers_from_env(env))
    return servers


def claude_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where Claude Desktop keeps ``claude_desktop_config.json`` on this system."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME", str(Path.home())))
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "Claude" / "claude_desktop_config.json"
    if sys.platform == "win32":
        return Path(env.get("APPDATA", str(home))) / "Claude" / "claude_desktop_config.json"
    config_home = Path(env.get("XDG_CONFIG_HOME") or str(home / ".config"))
    return config_home / "Claude" / "claude_desktop_config.json"


def import_claude(path: Path) -> dict[str, ServerConfig]:
    """The servers of a Claude Desktop config (``mcpServers``), as mcp-iac server configs."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"Claude Desktop config '{path}' does not exist",
            hint="pass its path: mcp-iac servers import-claude PATH",
        ) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"'{path}' is not JSON: {exc.msg} (line {exc.lineno})") from None
    servers = doc.get("mcpServers") if isinstance(doc, dict) else None
    if not isinstance(servers, dict):
        raise ConfigError(
            f"'{path}' has no 'mcpServers' object",
            hint="this is the file Claude Desktop's Developer settings open",
        )
    found: dict[str, ServerConfig] = {}
    for name, raw in servers.items():
        if not isinstance(raw, dict):
            raise ConfigError(
                "a server is a mapping",
                location=Location(file=str(path), property=f"mcpServers.{name}"),
            )
        # Claude's format: {command, args, env} or {url, headers} (or type: "http"/"sse")
        keep = {
            k: v for k, v in raw.items() if k in ("command", "args", "env", "url", "headers", "cwd")
        }
        safe = re.sub(r"[^A-Za-z0-9_-]", "-", str(name))
        found[safe] = _parse_server(safe, keep, str(path))
    return found


def merge_servers(
    path: Path, servers: Mapping[str, ServerConfig], *, replace: bool
) -> tuple[list[str], list[str]]:
    """Write ``servers`` into the project file at ``path`` (created if missing), keeping every
    other key and server; servers already there are kept unless ``replace``.

    Returns the names written and the names kept. Raises ConfigError if the file is not a
    mapping.
    """
    import yaml  # noqa: PLC0415  # only when a YAML file is read

    doc: dict[str, Any] = {}
    if path.exists():
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(doc, dict):
            raise ConfigError(f"'{path}' is not a mapping; fix or remove it first")
    existing = doc.get("servers") or {}
    doc["servers"] = existing
    added, kept = [], []
    for name, data in dump_servers(servers).items():
        if name in existing and not replace:
            kept.append(name)
            continue
        existing[name] = data
        added.append(name)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return added, kept


def remove_servers(path: Path, names: Collection[str]) -> list[str]:
    """Remove servers ``names`` from the project file at ``path``; returns those removed."""
    import yaml  # noqa: PLC0415  # only when a YAML file is read

    if not path.exists():
        return []
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(doc, dict) or not isinstance(doc.get("servers"), dict):
        return []
    removed = [n for n in names if doc["servers"].pop(n, None) is not None]
    if removed:
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return removed


def dump_servers(servers: Mapping[str, ServerConfig]) -> dict[str, Any]:
    """Server configs as they are written in ``mcp-iac.yaml`` (defaults left out)."""
    return {
        name: cfg.model_dump(by_alias=True, exclude_defaults=True, exclude={"source"}, mode="json")
        for name, cfg in servers.items()
    }
