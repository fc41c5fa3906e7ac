"""The one place the SDK touches the MCP server API: iac/1 tools on an ``MCPServer``.

Each tool is registered with the protocol's own input and output schemas (not ones derived from
a Python signature) and receives its arguments unvalidated, so that malformed arguments are
answered with a ``VALIDATION`` envelope like every other failure rather than with the SDK's
plain-text tool error. That needs ``Tool`` and ``FuncMetadata`` from the MCP SDK's server
package; mcp is pinned (2.3.0) and tests/sdk cover the path.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import ConfigDict

from mcp_iac.protocol import TOOL_SPECS, ToolSpec, envelope_json

from ._service import ProviderService
from ._types import LogLevel


class _RawArguments(ArgModelBase):
    """Accepts any arguments and hands them over as one dict; the service validates them."""

    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)

    def model_dump_one_level(self) -> dict[str, Any]:
        return {"arguments": dict(self.__pydantic_extra__ or {})}


def _instructions(service: ProviderService) -> str:
    types = ", ".join(t.type for t in service.schema.types)
    return (
        f"An mcp-iac infrastructure provider speaking iac/1 (resource types: {types}). Call "
        "iac_describe for the JSON Schemas of each type's properties and outputs, iac_validate "
        "before iac_create, and pass a fresh idempotency_key to every iac_create. Every tool "
        "answers with an envelope {success, data, error, metadata}."
    )


def _structured_fields(spec: ToolSpec) -> frozenset[str]:
    """Arguments whose value is an object (``properties``, ``old``, ``new``, ``filter``)."""
    schema = spec.input_schema().get("properties", {})
    return frozenset(k for k, v in schema.items() if v.get("type") == "object")


def _unstring(arguments: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    """Objects some clients send as JSON text (as the MCP SDK does for its own tools, since
    LLM-driven clients are prone to it); anything else is left for validation to judge."""
    fixed = dict(arguments)
    for key in fields & fixed.keys():
        value = fixed[key]
        if isinstance(value, str) and value.lstrip().startswith("{"):
            try:
                parsed = json.loads(value)
            except ValueError:
                continue
            if isinstance(parsed, dict):
                fixed[key] = parsed
    return fixed


def _tool(service: ProviderService, spec: ToolSpec) -> Tool:
    name = spec.name
    object_fields = _structured_fields(spec)

    async def run(arguments: dict[str, Any]) -> CallToolResult:
        envelope = await service.call(name, _unstring(arguments, object_fields))
        payload = envelope_json(envelope)
        return CallToolResult(
            content=[TextContent(type="text", text=json.dumps(payload, ensure_ascii=False))],
            structured_content=payload,
            is_error=not envelope.success,
        )

    run.__name__ = name
    return Tool(
        fn=run,
        name=name,
        description=spec.description,
        parameters=spec.input_schema(),
        # output_model stays None: the envelope is built from validated models already, so the
        # SDK publishes the schema without validating every result against it a second time.
        fn_metadata=FuncMetadata(arg_model=_RawArguments, output_schema=spec.output_schema()),
        is_async=True,
        annotations=ToolAnnotations(
            read_only_hint=spec.read_only,
            destructive_hint=spec.destructive,
            idempotent_hint=spec.idempotent,
            open_world_hint=not spec.read_only,
        ),
    )


def build_mcp_server(
    service: ProviderService,
    *,
    description: str | None = None,
    instructions: str | None = None,
    log_level: LogLevel = "WARNING",
) -> MCPServer:
    """An ``MCPServer`` named after the provider, exposing its iac/1 tools."""
    tools = [_tool(service, TOOL_SPECS[name]) for name in service.tools]
    return MCPServer(
        service.name,
        description=description or None,
        instructions=instructions or _instructions(service),
        version=service.version,
        tools=tools,
        log_level=log_level,
    )
