"""Built-in providers: the catalog of those that ship with mcp-iac (served in-process over
MCP, or by ``mcp-iac provider serve NAME``).

Every built-in but ``local`` is configured from environment variables (a server's ``env:`` in
mcp-iac.yaml, on top of the process environment); each provider's docs page lists them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mcp_iac.core import ConfigError

from ._config import BUILTINS

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
