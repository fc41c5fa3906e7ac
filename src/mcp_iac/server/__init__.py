"""The orchestrator as an MCP server: ``mcp-iac serve`` (stdio or streamable HTTP).

Tools to look (servers, types, deployments, state, outputs, history, drift), to plan (a
deployment document; the plan id, a readable diff and policy results come back), to change
(apply a plan id, destroy, restore: each asks a person to approve through MCP elicitation) and
to read requests in words (interpret). Over HTTP, bearer tokens with scopes ``read``, ``plan``,
``apply``; every call is recorded in the audit events. See docs/ai.md.

The token helpers load without the MCP SDK; :func:`build_server` and :func:`serve` import it
when first used.
"""

from typing import TYPE_CHECKING, Any

from ._tokens import (
    SCOPES,
    TOKENS_ENV,
    Scope,
    TokenBook,
    TokenEntry,
    add_token,
    hash_token,
    load_tokens,
    new_token,
)

if TYPE_CHECKING:
    from ._build import build_server
    from ._http import serve


def __getattr__(name: str) -> Any:
    # The server side loads the MCP SDK (~0.6 s to import): only when it is asked for.
    if name == "build_server":
        from ._build import build_server  # noqa: PLC0415  # lazy on purpose, see above

        globals()[name] = build_server
        return build_server
    if name == "serve":
        from ._http import serve  # noqa: PLC0415  # lazy on purpose, see above

        globals()[name] = serve
        return serve
    raise AttributeError(f"module 'mcp_iac.server' has no attribute '{name}'")


__all__ = [
    "SCOPES",
    "TOKENS_ENV",
    "Scope",
    "TokenBook",
    "TokenEntry",
    "add_token",
    "build_server",
    "hash_token",
    "load_tokens",
    "new_token",
    "serve",
]
