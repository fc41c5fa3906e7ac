"""Built-in providers: the catalog of those that ship with mcp-iac (served in-process over
MCP, or by ``mcp-iac provider serve NAME``), and ``InProcessProviders`` for engine-level use
without MCP.

Every built-in but ``local`` is configured from environment variables (a server's ``env:`` in
mcp-iac.yaml, on top of the process environment); each provider's docs page lists them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mcp_iac.core import ConfigError
from mcp_iac.engine import Provider
from mcp_iac.providers.local import LocalProvider

from ._config import BUILTINS
from ._errors import unknown_server

DEFAULT_LIMIT = 10

BuiltinFactory = Callable[[Mapping[str, str]], Any]
"""Makes a built-in's ``MCPServer`` from its environment."""


def builtin_server(name: str, root: Path, env: Mapping[str, str]) -> Any:
    """The ``MCPServer`` of built-in provider ``name`` (its module is imported on first use).

    Raises:
        ConfigError: ``name`` is not built in, or its settings in ``env`` are invalid.
    """
    if name not in BUILTINS:
        raise ConfigError(f"no built-in provider '{name}'", hint="built in: " + ", ".join(BUILTINS))
    module = importlib.import_module(f"mcp_iac.providers.{name}")
    if name == "local":
        return module.build_server(root)
    try:
        settings = module.Settings.from_env(env)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise ConfigError(
            f"built-in provider '{name}': invalid settings: {exc}",
            hint=f"see docs/providers/{name}.md for its environment variables",
        ) from None
    return module.build_server(settings)


def builtin_factories(root: Path) -> dict[str, BuiltinFactory]:
    """A factory per built-in provider, rooted at ``root`` (the project directory)."""
    return {name: _factory(name, root) for name in BUILTINS}


def _factory(name: str, root: Path) -> BuiltinFactory:
    return lambda env: builtin_server(name, root, env)


class InProcessProviders:
    """A ProviderSource of providers living in this process (no MCP hop).

    ``providers`` maps server names to provider objects; ``limits`` caps concurrent calls per
    server (default 10).
    """

    def __init__(
        self,
        providers: Mapping[str, Provider],
        *,
        limits: Mapping[str, int] | None = None,
    ) -> None:
        self._providers = dict(providers)
        self._limits = dict(limits or {})

    async def __aenter__(self) -> InProcessProviders:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def servers(self) -> list[str]:
        return sorted(self._providers)

    async def get(self, server: str) -> Provider:
        try:
            return self._providers[server]
        except KeyError:
            raise unknown_server(server, self._providers) from None

    def limit(self, server: str) -> int:
        return self._limits.get(server, DEFAULT_LIMIT)


def builtin_providers(root: Path, *, data_dir: Path | None = None) -> InProcessProviders:
    """The providers that ship with mcp-iac, running in-process, rooted at ``root``."""
    return InProcessProviders({"local": LocalProvider(root, data_dir=data_dir)})
