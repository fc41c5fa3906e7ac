"""The ``local`` provider as an iac/1 MCP server, built with the provider SDK from the same
handlers ``LocalProvider`` dispatches to."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mcp_iac.sdk import IacProvider, LogLevel

from ._provider import PROVIDER_NAME, PROVIDER_VERSION, make_handlers, resolve_dirs

if TYPE_CHECKING:
    from mcp.server import MCPServer  # a return type only: build() imports the SDK

DESCRIPTION = "Files, JSON values and commands on the machine running the provider."


def build_provider(root: Path, data_dir: Path | None = None) -> IacProvider:
    """The ``local`` provider's SDK definition: its three types and their handlers.

    ``root`` and ``data_dir`` mean what they mean for ``LocalProvider``.
    """
    provider = IacProvider(PROVIDER_NAME, version=PROVIDER_VERSION, description=DESCRIPTION)
    root, data = resolve_dirs(root, data_dir)
    for handler in make_handlers(root, data):
        provider.add(handler.spec, handler)
    return provider


def build_server(
    root: Path, data_dir: Path | None = None, *, log_level: LogLevel = "WARNING"
) -> MCPServer:
    """The ``local`` provider as an ``MCPServer`` (serve it, or connect ``mcp.Client`` to it)."""
    return build_provider(root, data_dir).build(log_level=log_level)
