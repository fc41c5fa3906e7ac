"""Resources: the deployments, and each one's recorded state and dependency graph."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError

from mcp_iac.core import IacError

from ._orchestrator import Orchestrator

DEPLOYMENTS = "iac://deployments"
STATE = "iac://deployments/{name}/state"
GRAPH = "iac://deployments/{name}/graph"


def register_resources(mcp: MCPServer[Orchestrator], orch: Orchestrator) -> None:
    """Add the resources, reading through ``orch``."""

    @mcp.resource(
        DEPLOYMENTS,
        name="deployments",
        description="The deployments recorded in the state store (JSON).",
        mime_type="application/json",
    )
    def deployments() -> str:
        return orch.deployments().model_dump_json(indent=1)

    @mcp.resource(
        STATE,
        name="deployment-state",
        description="A deployment's recorded resources, outputs and version (JSON; secrets "
        "shown as '(sensitive)').",
        mime_type="application/json",
    )
    def state(name: str) -> str:
        try:
            return orch.state(name).model_dump_json(indent=1)
        except IacError as exc:
            raise ResourceError(str(exc)) from exc

    @mcp.resource(
        GRAPH,
        name="deployment-graph",
        description="A deployment's recorded resources and their dependencies, as a Mermaid "
        "graph (an edge points from a dependency to what depends on it).",
        mime_type="text/plain",
    )
    def graph(name: str) -> str:
        try:
            return orch.graph(name)
        except IacError as exc:
            raise ResourceError(str(exc)) from exc
