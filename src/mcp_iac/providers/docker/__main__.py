"""Serve the ``docker`` provider: ``python -m mcp_iac.providers.docker [--http]``.

Settings come from the environment (``DOCKER_HOST``, ``MCP_IAC_DOCKER_*``; see
docs/providers/docker.md): stdio by default, streamable HTTP with ``--http``.
"""

from __future__ import annotations

import argparse
import os
import sys

from mcp_iac.core import ConfigError
from mcp_iac.sdk import serve

from ._server import build_server
from ._settings import Settings


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, read settings from the environment, serve until stopped."""
    parser = argparse.ArgumentParser(
        prog="python -m mcp_iac.providers.docker",
        description="Serve the mcp-iac 'docker' provider (iac/1 over MCP). Settings come from "
        "DOCKER_HOST and MCP_IAC_DOCKER_* environment variables.",
    )
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP, not stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP address (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8000, help="HTTP port; 0 picks a free one (default: 8000)"
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as exc:
        sys.exit(f"error: {exc}")
    server = build_server(settings)
    serve(server, transport="http" if args.http else "stdio", host=args.host, port=args.port)


if __name__ == "__main__":
    main()
