"""The provider SDK: typed resource handlers in, an iac/1 MCP server out.

::

    provider = IacProvider("notes", version="1.0.0")

    @provider.resource("notes:note", properties=NoteProperties, outputs=NoteOutputs)
    class Notes: ...               # async create, read, update, delete, list

    provider.serve()               # stdio, or serve(transport="http", port=8080)

Also here: :class:`ProviderClient` (typed iac/1 calls over any MCP client) and the contract
suite every provider must pass (:func:`run_contract`). See docs/writing-a-provider.md.
"""

from ._client import ProviderClient, ToolSession
from ._contract import run_contract
from ._mcp import LogLevel
from ._provider import IacProvider
from ._report import TITLES, CheckStatus, ContractCheck, ContractReport, Sample
from ._serve import MCP_PATH, Transport, serve, serve_async
from ._service import ProviderService
from ._types import (
    CreateContext,
    Created,
    Example,
    FunctionHandler,
    HealthCheck,
    Observed,
    ResourceHandler,
    TransactionHandler,
    TypeSpec,
)

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
]
