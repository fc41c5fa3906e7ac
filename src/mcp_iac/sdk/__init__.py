"""The provider SDK: typed resource handlers in, an iac/1 MCP server out.

::

    provider = IacProvider("notes", version="1.0.0")

    @provider.resource("notes:note", properties=NoteProperties, outputs=NoteOutputs)
    class Notes: ...               # async create, read, update, delete, list

    provider.serve()               # stdio, or serve(transport="http", port=8080)

Also here: :class:`ProviderClient` (typed iac/1 calls over any MCP client) and the contract
suite every provider must pass (:func:`run_contract`). See docs/writing-a-provider.md.
"""

from typing import TYPE_CHECKING

from mcp_iac.core import lazy_exports

from ._provider import IacProvider
from ._report import TITLES, CheckStatus, ContractCheck, ContractReport, Sample
from ._service import ProviderService
from ._types import (
    CreateContext,
    Created,
    Example,
    FunctionHandler,
    HealthCheck,
    LogLevel,
    Observed,
    ResourceHandler,
    TransactionHandler,
    Transport,
    TypeSpec,
)

if TYPE_CHECKING:
    from ._client import ProviderClient, ToolSession
    from ._contract import run_contract
    from ._serve import MCP_PATH, serve, serve_async, serve_main

# Names that need the MCP SDK load it on first use (PEP 562): importing the SDK takes ~0.6 s,
# which handler modules (and the engine's CLI) should not pay for the data types alone.
_LAZY = {
    "ProviderClient": "_client",
    "ToolSession": "_client",
    "run_contract": "_contract",
    "MCP_PATH": "_serve",
    "serve": "_serve",
    "serve_async": "_serve",
    "serve_main": "_serve",
}


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "MCP_PATH",
    "TITLES",
    "CheckStatus",
    "ContractCheck",
    "ContractReport",
    "CreateContext",
    "Created",
    "Example",
    "FunctionHandler",
    "HealthCheck",
    "IacProvider",
    "LogLevel",
    "Observed",
    "ProviderClient",
    "ProviderService",
    "ResourceHandler",
    "Sample",
    "ToolSession",
    "TransactionHandler",
    "Transport",
    "TypeSpec",
    "run_contract",
    "serve",
    "serve_async",
    "serve_main",
]
