"""What every tool needs: the server's orchestrator, and our errors as tool errors."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from mcp_iac.core import IacError

from ._orchestrator import Orchestrator

P = ParamSpec("P")
T = TypeVar("T")


def orchestrator(ctx: Context) -> Orchestrator:
    state = ctx.request_context.lifespan_context
    assert isinstance(state, Orchestrator), "the server was built without build_server()"
    return state


def translated(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Our own errors become tool errors with their message and hint (the SDK hides the text
    of any other exception as a crash)."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await fn(*args, **kwargs)
        except IacError as exc:
            raise ToolError(str(exc)) from exc

    return wrapper
