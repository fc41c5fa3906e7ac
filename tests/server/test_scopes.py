"""Scopes inside the server, whatever the transport: the middleware refuses a call the
caller's token does not cover (the second line behind the HTTP gate's 403), and records it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
import pytest
from mcp.server.auth.middleware.auth_context import auth_context_var
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.shared.exceptions import MCPError

from mcp_iac.server._audit import AuditMiddleware
from mcp_iac.server._orchestrator import NO_DEPLOYMENT, Orchestrator
from mcp_iac.server._scopes import TOOL_SCOPES, required_scope

from .conftest import Served


@dataclass
class Request:
    """The parts of a request context the middleware reads."""

    method: str
    params: dict[str, Any]
    lifespan_context: Orchestrator
    request_id: int | None = 1


def _as(token_id: str, scopes: list[str]) -> AuthenticatedUser:
    return AuthenticatedUser(AccessToken(token="h", client_id=token_id, scopes=scopes))


def test_every_call_maps_to_a_scope() -> None:
    assert required_scope("tools/call", {"name": "apply"}) == "apply"
    assert required_scope("tools/call", {"name": "plan"}) == "plan"
    assert required_scope("tools/call", {"name": "state"}) == "read"
    assert required_scope("tools/call", {"name": "no-such-tool"}) == "read"
    assert required_scope("resources/read", {"uri": "iac://deployments"}) == "read"
    assert required_scope("initialize", {}) is None
    assert required_scope("notifications/initialized", None) is None
    assert set(TOOL_SCOPES.values()) == {"read", "plan", "apply"}


def test_the_middleware_refuses_a_call_outside_the_tokens_scopes_and_records_it(
    served: Callable[..., Served],
) -> None:
    s = served()
    orch = Orchestrator(s.project)
    reached: list[str] = []

    async def call_next(ctx: Any) -> dict[str, Any]:
        reached.append(ctx.method)
        return {"content": [], "isError": False}

    async def scenario() -> MCPError | None:
        request = Request("tools/call", {"name": "apply", "arguments": {"plan_id": "p"}}, orch)
        token = auth_context_var.set(_as("planner", ["read", "plan"]))
        try:
            await AuditMiddleware()(request, call_next)  # type: ignore[arg-type]  # the parts it reads
        except MCPError as exc:
            return exc
        finally:
            auth_context_var.reset(token)
        return None

    error = anyio.run(scenario)
    assert error is not None
    assert error.code == -32003
    assert error.message == (
        "forbidden: this token lacks the 'apply' scope needed for tools/call apply"
    )
    assert reached == []
    [denied] = [e for e in s.project.state.events(NO_DEPLOYMENT) if e.kind == "mcp.denied"]
    assert denied.data == {
        "token": "planner",
        "method": "tools/call",
        "name": "apply",
        "scope": "apply",
    }


@pytest.mark.parametrize(("scopes", "allowed"), [(["read"], True), (["plan"], False)])
def test_reading_a_resource_needs_read(
    served: Callable[..., Served], scopes: list[str], allowed: bool
) -> None:
    s = served()
    orch = Orchestrator(s.project)

    async def call_next(ctx: Any) -> dict[str, Any]:
        return {"contents": []}

    async def scenario() -> bool:
        request = Request("resources/read", {"uri": "iac://deployments"}, orch)
        token = auth_context_var.set(_as("t", scopes))
        try:
            await AuditMiddleware()(request, call_next)  # type: ignore[arg-type]  # the parts it reads
        except MCPError:
            return False
        finally:
            auth_context_var.reset(token)
        return True

    assert anyio.run(scenario) is allowed
