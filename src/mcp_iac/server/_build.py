"""``build_server``: the orchestrator as an ``MCPServer``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from weakref import WeakKeyDictionary

from mcp.server.mcpserver import MCPServer

from mcp_iac import __version__
from mcp_iac.app import Project

from ._audit import AuditMiddleware
from ._orchestrator import Orchestrator
from ._prompts import register_prompts
from ._resources import register_resources
from ._tools import register_tools

INSTRUCTIONS = """mcp-iac manages infrastructure as code across MCP provider servers.
Look before you change: list_deployments, state, history, drift, list_resource_types.
To change anything: interpret (optional) → plan → show the plan's review to the person →
apply with the plan_id. apply, destroy and restore ask the person to approve in their client;
you cannot approve for them, and nothing changes if they decline."""


built: WeakKeyDictionary[MCPServer[Orchestrator], Orchestrator] = WeakKeyDictionary()
"""The orchestrator behind each server built here (the HTTP gate records denials with it)."""


def build_server(
    project: Project,
    *,
    auto_approve: bool = False,
    parallelism: int = 10,
    clock: Callable[[], datetime] | None = None,
) -> MCPServer[Orchestrator]:
    """The MCP server of ``project``: tools, resources and prompts (see docs/ai.md).

    ``auto_approve`` applies approved-by-default: every caller allowed to apply changes
    infrastructure without a person being asked. ``clock`` anchors relative times in requests
    ("last Tuesday"; default: now).
    """
    orch = Orchestrator(project, auto_approve=auto_approve, parallelism=parallelism)
    if clock is not None:
        orch.clock = clock

    @asynccontextmanager
    async def lifespan(_: MCPServer[Orchestrator]) -> AsyncIterator[Orchestrator]:
        async with orch.opened():
            yield orch

    mcp: MCPServer[Orchestrator] = MCPServer(
        "mcp-iac",
        title="mcp-iac",
        description="Infrastructure as Code whose providers are MCP servers",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        middleware=[AuditMiddleware()],
        log_level="WARNING",
    )
    register_tools(mcp)
    register_resources(mcp, orch)
    register_prompts(mcp)
    built[mcp] = orch
    return mcp
