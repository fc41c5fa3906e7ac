"""The built-in ``local`` provider: files, data values and commands on this machine.

Types: ``local:file``, ``local:data``, ``local:command`` (see docs/providers/local.md).
:class:`LocalProvider` speaks iac/1 to the engine in process; :func:`build_server` serves the
same handlers as an MCP server built with the provider SDK (``python -m
mcp_iac.providers.local`` runs it over stdio or HTTP). Each type is a :class:`TypeSpec`
(pydantic property and output models) plus a :class:`Handler`.
"""

from typing import TYPE_CHECKING, Any

from mcp_iac.sdk import CreateContext, Created, Observed, TypeSpec

from ._base import Handler
from ._command import CommandHandler, CommandOutputs, CommandProperties
from ._data import DataHandler, DataOutputs, DataProperties
from ._file import FileHandler, FileOutputs, FileProperties
from ._provider import PROVIDER_NAME, PROVIDER_VERSION, LocalProvider

if TYPE_CHECKING:
    from ._server import build_provider, build_server


def __getattr__(name: str) -> Any:
    # The MCP server side loads the MCP SDK (~0.6 s to import): only when it is asked for.
    if name in ("build_provider", "build_server"):
        from . import _server  # noqa: PLC0415  # lazy on purpose, see above

        value = getattr(_server, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mcp_iac.providers.local' has no attribute '{name}'")


__all__ = [
    "PROVIDER_NAME",
    "PROVIDER_VERSION",
    "CommandHandler",
    "CommandOutputs",
    "CommandProperties",
    "CreateContext",
    "Created",
    "DataHandler",
    "DataOutputs",
    "DataProperties",
    "FileHandler",
    "FileOutputs",
    "FileProperties",
    "Handler",
    "LocalProvider",
    "Observed",
    "TypeSpec",
    "build_provider",
    "build_server",
]
