"""Serving the orchestrator: stdio, or streamable HTTP behind the bearer gate."""

from __future__ import annotations

import functools
import socket
import sys
from collections.abc import Sequence
from typing import Literal, TextIO

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings

from mcp_iac.core import ConfigError

from ._build import built
from ._gate import BearerGate
from ._orchestrator import Orchestrator
from ._tokens import TokenBook, TokenEntry

Transport = Literal["stdio", "http"]
MCP_PATH = "/mcp"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def _listen(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)  # before the announcement: a client that reads it can connect at once
    except OSError:
        sock.close()
        raise
    return sock


def transport_security(host: str, allowed_hosts: Sequence[str] = ()) -> TransportSecuritySettings:
    """DNS-rebinding protection, always on: the Host header must name this server (loopback
    names, the bound host, or ``allowed_hosts``), and a browser Origin must match."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    names = list(dict.fromkeys([*LOOPBACK, shown, *allowed_hosts]))
    hosts: list[str] = []
    for name in names:
        with_port = name.endswith(":*") or (":" in name and not name.startswith("["))
        with_port = with_port or (name.startswith("[") and "]:" in name)
        hosts += [name] if with_port else [name, f"{name}:*"]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=hosts,
        allowed_origins=[f"{scheme}://{h}" for h in hosts for scheme in ("http", "https")],
    )


async def serve_async(
    server: MCPServer[Orchestrator],
    *,
    transport: Transport = "stdio",
    host: str = "127.0.0.1",
    port: int = 8000,
    tokens: TokenBook | None = None,
    allowed_hosts: Sequence[str] = (),
    announce: TextIO | None = None,
) -> None:
    """Serve ``server`` until cancelled or stopped by a signal.

    ``http`` serves streamable HTTP at ``http://<host>:<port>/mcp`` (``port=0`` picks a free
    port) and needs ``tokens``: every request must carry one of them as a bearer token. Once it
    listens, ``mcp-iac serving on <url>`` is written to ``announce`` (default stderr).

    Raises:
        ConfigError: HTTP without any token configured.
        OSError: the address cannot be bound.
    """
    if transport == "stdio":
        await server.run_stdio_async()
        return
    if not tokens:
        raise ConfigError(
            "no tokens are configured: the HTTP server would refuse every call",
            hint="create one with: mcp-iac serve token create NAME --scopes read,plan,apply",
        )
    import uvicorn  # noqa: PLC0415  # only HTTP needs it

    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        transport_security=transport_security(host, allowed_hosts),
        host=host,
    )
    orch = orchestrator_of(server)

    def denied(entry: TokenEntry, method: str, name: str, scope: str) -> None:
        if orch is not None:
            orch.audit(
                None,
                "mcp.denied",
                f"{method} {name} refused: token '{entry.id}' lacks the '{scope}' scope",
                {"token": entry.id, "method": method, "name": name, "scope": scope},
            )

    gated = BearerGate(app, tokens, on_denied=denied)
    sock = _listen(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"mcp-iac serving on http://{shown}:{bound}{MCP_PATH}",
        file=announce or sys.stderr,
        flush=True,
    )
    config = uvicorn.Config(gated, log_level="warning", lifespan="on")
    try:
        await uvicorn.Server(config).serve(sockets=[sock])
    finally:
        sock.close()


def serve(
    server: MCPServer[Orchestrator],
    *,
    transport: Transport = "stdio",
    host: str = "127.0.0.1",
    port: int = 8000,
    tokens: TokenBook | None = None,
    allowed_hosts: Sequence[str] = (),
) -> None:
    """Serve ``server`` until stopped; blocking (see :func:`serve_async`)."""
    anyio.run(
        functools.partial(
            serve_async,
            server,
            transport=transport,
            host=host,
            port=port,
            tokens=tokens,
            allowed_hosts=allowed_hosts,
        )
    )


def orchestrator_of(server: MCPServer[Orchestrator]) -> Orchestrator | None:
    return built.get(server)
