"""Built-in providers: the catalog of those that ship with mcp-iac (served in-process over
MCP, or by ``mcp-iac provider serve NAME``), and the service each server wraps, for the answers
asked without a server (see ``_inline``).

Every built-in but ``local`` is configured from environment variables (a server's ``env:`` in
mcp-iac.yaml, on top of the process environment); each provider's docs page lists them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mcp_iac.core import ConfigError

from ._config import BUILTINS

if TYPE_CHECKING:
    from mcp_iac.sdk import ProviderService

BuiltinFactory = Callable[[Mapping[str, str]], Any]
"""Makes a built-in's ``MCPServer`` from its environment."""


def builtin_server(name: str, root: Path, env: Mapping[str, str]) -> Any:
    """The ``MCPServer`` of built-in provider ``name`` (its module is imported on first use).

    Raises:
        ConfigError: ``name`` is not built in, or its settings in ``env`` are invalid.
    """
    module, argument = _definition(name, root, env)
    return module.build_server(argument)


def builtin_service(name: str, root: Path, env: Mapping[str, str]) -> ProviderService:
    """The iac/1 operations of built-in provider ``name`` without MCP: the ``ProviderService``
    its server wraps, from the same definition (the provider's ``build_provider``).

    Building it starts nothing and contacts no backend: every built-in connects on its first
    call. The MCP SDK is not imported for it, unless the provider's module imports it.

    Raises:
        ConfigError: ``name`` is not built in, or its settings in ``env`` are invalid.
    """
    module, argument = _definition(name, root, env)
    service: ProviderService = module.build_provider(argument).service()
    return service


def _definition(name: str, root: Path, env: Mapping[str, str]) -> tuple[Any, object]:
    """The module of built-in ``name`` and what its ``build_provider`` and ``build_server``
    take: the project directory for ``local``, the settings read from ``env`` for the rest."""
    if name not in BUILTINS:
        raise ConfigError(f"no built-in provider '{name}'", hint="built in: " + ", ".join(BUILTINS))
    module = importlib.import_module(f"mcp_iac.providers.{name}")
    if name == "local":
        return module, root
    try:
        settings = module.Settings.from_env(env)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise ConfigError(
            f"built-in provider '{name}': invalid settings: {exc}",
            hint=f"see docs/providers/{name}.md for its environment variables",
        ) from None
    return module, settings


def builtin_factories(root: Path) -> dict[str, BuiltinFactory]:
    """A factory per built-in provider, rooted at ``root`` (the project directory)."""
    return {name: _factory(name, root) for name in BUILTINS}


def _factory(name: str, root: Path) -> BuiltinFactory:
    return lambda env: builtin_server(name, root, env)
