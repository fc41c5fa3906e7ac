"""The HTTP door: a valid bearer token (401 otherwise) with the scope of each call (403).

An ASGI middleware in front of the SDK's streamable HTTP app. It reads the JSON-RPC body of each
POST (bounded), works out the scope every message in it needs (``tools/call`` of ``apply`` needs
``apply``, and so on: see :mod:`._scopes`), and answers 403 with ``WWW-Authenticate: Bearer
error="insufficient_scope"`` before the server sees a call the token may not make. An accepted
request carries the token (its id as ``client_id``) into the SDK's auth context, where the tools
and the audit read it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.transport_security import DEFAULT_MAX_REQUEST_BODY_SIZE
from starlette.authentication import AuthCredentials
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._scopes import FORBIDDEN, required_scope
from ._tokens import TokenBook, TokenEntry

Denied = Callable[[TokenEntry, str, str, str], None]
"""Called with (token, method, name, missing scope) for every 403."""


def _needs(body: bytes) -> list[tuple[Any, str, str, str]]:
    """(id, method, name, scope) for each message of a JSON-RPC body that needs a scope."""
    try:
        doc: Any = json.loads(body)
    except ValueError:
        return []  # not JSON: the server answers with a parse error, no call is made
    needs: list[tuple[Any, str, str, str]] = []
    for message in doc if isinstance(doc, list) else [doc]:
        if not isinstance(message, dict) or not isinstance(message.get("method"), str):
            continue
        params = message.get("params") if isinstance(message.get("params"), dict) else None
        scope = required_scope(message["method"], params)
        if scope is not None:
            name = str((params or {}).get("name") or (params or {}).get("uri") or "")
            needs.append((message.get("id"), message["method"], name, scope))
    return needs


async def _respond(
    send: Send,
    status: int,
    error: str | None,
    description: str,
    scope: str = "",
    *,
    body: dict[str, Any] | None = None,
) -> None:
    challenge = 'Bearer realm="mcp-iac"'
    if error:
        challenge += f', error="{error}", error_description="{description}"'
    if scope:
        challenge += f', scope="{scope}"'
    content = json.dumps(
        body or {"error": error or "unauthorized", "error_description": description}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                (b"www-authenticate", challenge.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


class BearerGate:
    """Checks the bearer token and the scopes of every HTTP request (see the module)."""

    def __init__(
        self,
        app: ASGIApp,
        tokens: TokenBook,
        *,
        on_denied: Denied | None = None,
        max_body: int = DEFAULT_MAX_REQUEST_BODY_SIZE,
    ) -> None:
        self.app = AuthContextMiddleware(app)
        self.bare = app
        self.tokens = tokens
        self.on_denied = on_denied
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan
            await self.bare(scope, receive, send)
            return
        header = Headers(scope=scope).get("authorization", "")
        if not header.lower().startswith("bearer "):
            await _respond(send, 401, None, "a bearer token is required")
            return
        entry = self.tokens.verify(header[7:].strip())
        if entry is None:
            await _respond(send, 401, "invalid_token", "the bearer token is not valid")
            return
        if scope["method"] == "POST":
            body = await self._body(receive)
            if body is None:
                await _respond(send, 413, "invalid_request", "request body too large")
                return
            for message_id, method, name, needed in _needs(body):
                if not entry.allows(needed):  # type: ignore[arg-type]  # needed is a Scope
                    if self.on_denied is not None:
                        self.on_denied(entry, method, name, needed)
                    why = f"token '{entry.id}' lacks the '{needed}' scope for {method} {name}"
                    await _respond(
                        send,
                        403,
                        "insufficient_scope",
                        why.strip(),
                        needed,
                        body=_forbidden(message_id, why.strip(), needed),
                    )
                    return
            receive = _replay(body, receive)
        scope["user"] = AuthenticatedUser(
            AccessToken(token=entry.hash, client_id=entry.id, scopes=list(entry.scopes))
        )
        scope["auth"] = AuthCredentials(list(entry.scopes))
        await self.app(scope, receive, send)

    async def _body(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _forbidden(message_id: Any, why: str, scope: str) -> dict[str, Any]:
    """A JSON-RPC error body, so MCP clients show the reason, not just the status."""
    return {
        "jsonrpc": "2.0",
        "id": message_id,
        "error": {
            "code": FORBIDDEN,
            "message": f"forbidden: {why}",
            "data": {"error": "insufficient_scope", "scope": scope},
        },
    }


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands over the body read already, then the original stream's events."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
