"""Serving an MCP server over stdio or streamable HTTP until the process is stopped."""

from __future__ import annotations

import argparse
import functools
import socket
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

import anyio
from mcp.server import MCPServer

from mcp_iac.core import ConfigError

from ._types import Transport

MCP_PATH = "/mcp"
"""Where the streamable HTTP endpoint lives."""


def _listen(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        # Listening before the announcement: a client that reads it can connect at once (the
        # connection waits in the backlog until the server accepts).
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


async def serve_async(
    server: MCPServer,
    *,
    transport: Transport = "stdio",
    host: str = "127.0.0.1",
    port: int = 8000,
    announce: TextIO | None = None,
) -> None:
    """Serve ``server`` until cancelled or stopped by a signal.

    ``stdio`` speaks MCP on stdin/stdout. ``http`` serves streamable HTTP at
    ``http://<host>:<port>/mcp``; ``port=0`` picks a free port. Once it accepts connections
    the line ``iac/1 provider '<name>' serving on <url>`` is written to ``announce`` (default
    stderr), so a parent process can find the port.

    Raises:
        ValueError: an unknown transport.
        OSError: the address cannot be bound.
    """
    if transport == "stdio":
        await server.run_stdio_async()
        return
    if transport != "http":
        raise ValueError(f"unknown transport {transport!r}; expected 'stdio' or 'http'")
    import uvicorn  # noqa: PLC0415  # only HTTP needs it; stdio providers start faster without

    app = server.streamable_http_app(streamable_http_path=MCP_PATH, host=host)
    sock = _listen(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"iac/1 provider '{server.name}' serving on http://{shown}:{bound}{MCP_PATH}",
        file=announce or sys.stderr,
        flush=True,
    )
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    try:
        await uvicorn.Server(config).serve(sockets=[sock])
    finally:
        sock.close()


def serve(
    server: MCPServer,
    *,
    transport: Transport = "stdio",
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Serve ``server`` until stopped; blocking (see :func:`serve_async`).

    Raises:
        ValueError: an unknown transport.
        OSError: the address cannot be bound.
    """
    anyio.run(functools.partial(serve_async, server, transport=transport, host=host, port=port))


def serve_main(
    build: Callable[[argparse.Namespace], MCPServer],
    *,
    prog: str,
    description: str,
    epilog: str | None = None,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
    argv: Sequence[str] | None = None,
) -> None:
    """The command line of a provider server (``python -m pkg [--http --host H --port N]``):
    parse it, ``build`` the server from the parsed arguments, serve until stopped.

    ``add_arguments`` adds the provider's own options. A ``ConfigError`` from ``build``
    (invalid settings) ends the process with its message, hint included.
    """
    parser = argparse.ArgumentParser(prog=prog, description=description, epilog=epilog)
    if add_arguments is not None:
        add_arguments(parser)
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP, not stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP address (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8000, help="HTTP port; 0 picks a free one (default: 8000)"
    )
    args = parser.parse_args(argv)
    try:
        server = build(args)
    except ConfigError as exc:
        sys.exit(f"error: {exc}")
    serve(server, transport="http" if args.http else "stdio", host=args.host, port=args.port)
