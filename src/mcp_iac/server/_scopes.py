"""Which scope each call needs, and who the caller is.

Scopes: ``read`` (look: servers, types, deployments, state, history, drift, interpret, resources,
prompts), ``plan`` (make plans), ``apply`` (apply, destroy, restore). They are independent: give
a token every scope it needs. Over stdio there is no token: the caller is the person who started
the server (``local``) and may do everything, approval still included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp.server.auth.middleware.auth_context import get_access_token

from ._tokens import Scope

FORBIDDEN = -32003
"""JSON-RPC error code of a call refused for a missing scope (implementation-defined range)."""
LOCAL = "local"
"""The caller's id when there is no token (stdio, in-process)."""

TOOL_SCOPES: dict[str, Scope] = {
    "list_servers": "read",
    "list_resource_types": "read",
    "list_deployments": "read",
    "list_patterns": "read",
    "state": "read",
    "outputs": "read",
    "history": "read",
    "drift": "read",
    "interpret": "read",
    "plan": "plan",
    "apply": "apply",
    "destroy": "apply",
    "restore": "apply",
}
METHOD_SCOPES: dict[str, Scope] = {
    "tools/list": "read",
    "resources/list": "read",
    "resources/templates/list": "read",
    "resources/read": "read",
    "resources/subscribe": "read",
    "subscriptions/listen": "read",
    "prompts/list": "read",
    "prompts/get": "read",
    "completion/complete": "read",
}
"""Methods other than tools/call that need a scope; the rest (initialize, ping, notifications,
answers to the server's own requests) need only a valid token."""


def required_scope(method: str | None, params: Mapping[str, Any] | None) -> Scope | None:
    """The scope a JSON-RPC message needs (None: any valid token will do)."""
    if method == "tools/call":
        name = (params or {}).get("name")
        return TOOL_SCOPES.get(name, "read") if isinstance(name, str) else "read"
    return METHOD_SCOPES.get(method or "")


def caller() -> str:
    """The token id of the current request, or ``local`` when there is none."""
    token = get_access_token()
    return token.client_id if token is not None else LOCAL


def caller_scopes() -> tuple[str, ...] | None:
    """The scopes of the current request's token; None when there is no token (all allowed)."""
    token = get_access_token()
    return tuple(token.scopes) if token is not None else None
