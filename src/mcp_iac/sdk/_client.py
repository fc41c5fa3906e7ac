"""``ProviderClient``: typed iac/1 calls over a connected MCP client.

The place where MCP client failures become ``ProviderError``: a timeout is ``TIMEOUT``, a lost
connection ``UNAVAILABLE``, anything else the transport or the server's MCP layer reports
``INTERNAL``; an error envelope becomes the ``ProviderError`` it describes.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from typing import Any, Protocol, TypeVar

import anyio
from mcp import ClientSession, MCPError
from mcp_types import (
    CONNECTION_CLOSED,
    REQUEST_TIMEOUT,
    CallToolRequest,
    CallToolRequestParams,
    CallToolResult,
    ListToolsResult,
    TextContent,
    Tool,
)

from mcp_iac.core import ProviderError
from mcp_iac.protocol import (
    IAC_BEGIN,
    IAC_COMMIT,
    IAC_CREATE,
    IAC_DELETE,
    IAC_DESCRIBE,
    IAC_DIFF,
    IAC_HEALTH,
    IAC_LIST,
    IAC_READ,
    IAC_ROLLBACK,
    IAC_UPDATE,
    IAC_VALIDATE,
    CreateResult,
    DeleteResult,
    DiffResult,
    Envelope,
    HealthResult,
    ListItem,
    ListResult,
    ProviderSchema,
    ReadResult,
    TransactionResult,
    UpdateResult,
    ValidateResult,
    ValidationIssue,
    parse_envelope,
)

T = TypeVar("T")


class ToolSession(Protocol):
    """What ``ProviderClient`` needs of an MCP connection; ``mcp.Client`` has it."""

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        read_timeout_seconds: float | None = None,
    ) -> CallToolResult: ...

    async def list_tools(self) -> ListToolsResult: ...


def _payload(tool: str, result: CallToolResult, server: str | None) -> object:
    if result.structured_content is not None:
        return result.structured_content
    text = "".join(c.text for c in result.content if isinstance(c, TextContent))
    try:
        return json.loads(text)
    except ValueError:
        # Not an envelope at all: an MCP-level tool error ("Unknown tool: ...") or a server
        # that does not speak iac/1.
        raise ProviderError(
            "INTERNAL",
            f"{tool} answered without an iac/1 envelope: {text or '(no content)'}",
            server=server,
        ) from None


class ProviderClient:
    """iac/1 operations on one provider, over an entered MCP session (``mcp.Client``).

    Method signatures match the engine's ``Provider`` port, so a ``ProviderClient`` can stand
    wherever the engine wants a provider. ``server`` names the provider in errors;
    ``timeout`` (seconds) bounds every call.

    Every method raises ``ProviderError`` and nothing else on purpose.
    """

    def __init__(
        self, session: ToolSession, *, server: str | None = None, timeout: float | None = None
    ) -> None:
        self.session = session
        self.server = server
        self.timeout = timeout
        self._raw: ClientSession | None = None

    def _raw_session(self) -> ClientSession | None:
        """The ``ClientSession`` under an entered ``mcp.Client``, if that is what we hold."""
        if self._raw is None:
            try:
                inner = getattr(self.session, "session", None)
            except RuntimeError:  # mcp.Client not entered yet: its own call_tool will say so
                return None
            if isinstance(inner, ClientSession):
                self._raw = inner
        return self._raw

    async def _call_iac(self, tool: str, arguments: dict[str, Any]) -> CallToolResult:
        """One iac/1 ``tools/call``.

        On an ``mcp.Client`` the request goes straight to its session and skips the SDK's
        generic JSON-Schema check of the result: ``parse_envelope`` validates the same
        structured content against the typed models the published output schemas are
        generated from, so the check would run twice (it was a quarter of a step's cost).
        Foreign tools (``call_tool``) keep the SDK's check.
        """
        raw = self._raw_session()
        if raw is None:
            return await self.session.call_tool(tool, arguments, read_timeout_seconds=self.timeout)
        request = CallToolRequest(params=CallToolRequestParams(name=tool, arguments=arguments))
        return await raw.send_request(
            request, CallToolResult, request_read_timeout_seconds=self.timeout
        )

    async def envelope(
        self, tool: str, arguments: Mapping[str, Any], data_type: type[T]
    ) -> Envelope[T]:
        """Call ``tool`` and return its envelope as is (failures included).

        Raises:
            ProviderError: ``TIMEOUT``, ``UNAVAILABLE`` or ``INTERNAL`` when no envelope came
                back.
        """
        with self._translated(tool):
            result = await self._call_iac(tool, dict(arguments))
        return parse_envelope(_payload(tool, result, self.server), data_type, server=self.server)

    async def call_tool(self, tool: str, arguments: Mapping[str, Any]) -> CallToolResult:
        """Call any tool of the server and return its result as is (``isError`` included);
        for servers that do not speak iac/1 (mapping files).

        Raises:
            ProviderError: ``TIMEOUT``, ``UNAVAILABLE`` or ``INTERNAL`` when no result came back.
        """
        with self._translated(tool):
            return await self.session.call_tool(
                tool, dict(arguments), read_timeout_seconds=self.timeout
            )

    @contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        """Bound the block by ``timeout`` and turn MCP client failures into ProviderError.

        An ``mcp.Client`` session bounds each request itself (``read_timeout_seconds``), so
        a second cancel scope is only opened around other sessions.
        """
        bound = self.timeout is not None and self._raw_session() is None
        try:
            with anyio.fail_after(self.timeout) if bound else nullcontext():
                yield
        except MCPError as exc:
            code = {REQUEST_TIMEOUT: "TIMEOUT", CONNECTION_CLOSED: "UNAVAILABLE"}.get(
                exc.code, "INTERNAL"
            )
            raise ProviderError(code, f"{what}: {exc.message}", server=self.server) from exc
        except TimeoutError as exc:
            raise ProviderError(
                "TIMEOUT", f"{what}: no answer within {self.timeout} s", server=self.server
            ) from exc
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream) as exc:
            raise ProviderError(
                "UNAVAILABLE", f"{what}: the connection is closed", server=self.server
            ) from exc
        except OSError as exc:
            raise ProviderError("UNAVAILABLE", f"{what}: {exc}", server=self.server) from exc
        except RuntimeError as exc:
            # mcp.Client raises RuntimeError when structured content breaks the tool's
            # published output schema.
            raise ProviderError("INTERNAL", f"{what}: {exc}", server=self.server) from exc

    async def _data(self, tool: str, arguments: Mapping[str, Any], data_type: type[T]) -> T:
        envelope = await self.envelope(tool, arguments, data_type)
        return envelope.unwrap(server=self.server)

    async def describe(self) -> ProviderSchema:
        """The provider, its protocol version and resource types."""
        return await self._data(IAC_DESCRIBE, {}, ProviderSchema)

    async def validate(self, type_: str, properties: dict[str, Any]) -> list[ValidationIssue]:
        """What is wrong with ``properties`` for ``type_`` ([] when valid)."""
        result = await self._data(
            IAC_VALIDATE, {"type": type_, "properties": properties}, ValidateResult
        )
        return list(result.errors)

    async def diff(
        self, type_: str, id_: str, *, old: dict[str, Any], new: dict[str, Any]
    ) -> DiffResult:
        """Changed paths between ``old`` and ``new`` and whether they need a replace."""
        arguments = {"type": type_, "id": id_, "old": old, "new": new}
        return await self._data(IAC_DIFF, arguments, DiffResult)

    async def create(
        self,
        type_: str,
        *,
        name: str,
        urn: str,
        idempotency_key: str,
        properties: dict[str, Any],
    ) -> CreateResult:
        """Create an object (idempotent on ``idempotency_key``)."""
        arguments = {
            "type": type_,
            "name": name,
            "urn": urn,
            "idempotency_key": idempotency_key,
            "properties": properties,
        }
        return await self._data(IAC_CREATE, arguments, CreateResult)

    async def read(self, type_: str, id_: str, properties: dict[str, Any]) -> ReadResult:
        """The object as it is now."""
        arguments = {"type": type_, "id": id_, "properties": properties}
        return await self._data(IAC_READ, arguments, ReadResult)

    async def update(
        self, type_: str, id_: str, *, old: dict[str, Any], new: dict[str, Any]
    ) -> UpdateResult:
        """Change the object in place."""
        arguments = {"type": type_, "id": id_, "old": old, "new": new}
        return await self._data(IAC_UPDATE, arguments, UpdateResult)

    async def delete(self, type_: str, id_: str, properties: dict[str, Any]) -> None:
        """Delete the object; ``NOT_FOUND`` counts as deleted."""
        arguments = {"type": type_, "id": id_, "properties": properties}
        try:
            await self._data(IAC_DELETE, arguments, DeleteResult)
        except ProviderError as exc:
            if exc.code != "NOT_FOUND":
                raise

    async def list(self, type_: str, filter_: dict[str, Any]) -> builtins.list[ListItem]:
        """Objects of ``type_``; ``{"idempotency_key": k}`` selects the one key ``k`` made."""
        result = await self._data(IAC_LIST, {"type": type_, "filter": filter_}, ListResult)
        return list(result.items)

    async def health(self) -> HealthResult:
        """Status, latency and backend version."""
        return await self._data(IAC_HEALTH, {}, HealthResult)

    async def begin(self) -> str:
        """Open a backend transaction; its id."""
        return (await self._data(IAC_BEGIN, {}, TransactionResult)).transaction_id

    async def commit(self, transaction_id: str) -> None:
        """Keep the transaction's changes."""
        await self._data(IAC_COMMIT, {"transaction_id": transaction_id}, TransactionResult)

    async def rollback(self, transaction_id: str) -> None:
        """Undo the transaction's changes."""
        await self._data(IAC_ROLLBACK, {"transaction_id": transaction_id}, TransactionResult)

    async def tools(self) -> builtins.list[Tool]:
        """The tools the server lists (name, input and output schema, annotations).

        Raises:
            ProviderError: ``TIMEOUT``, ``UNAVAILABLE`` or ``INTERNAL`` when the listing fails.
        """
        try:
            with anyio.fail_after(self.timeout):
                listing = await self.session.list_tools()
        except MCPError as exc:
            raise ProviderError(
                "INTERNAL", f"tools/list: {exc.message}", server=self.server
            ) from exc
        except TimeoutError as exc:
            raise ProviderError("TIMEOUT", "tools/list: no answer", server=self.server) from exc
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream) as exc:
            raise ProviderError(
                "UNAVAILABLE", "tools/list: the connection is closed", server=self.server
            ) from exc
        return list(listing.tools)
