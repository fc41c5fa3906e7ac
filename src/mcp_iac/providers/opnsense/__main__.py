"""Serve the ``opnsense`` provider: ``python -m mcp_iac.providers.opnsense [--http]``.

The firewall and its API key come from the environment (``OPNSENSE_URL``,
``OPNSENSE_API_KEY``, ``OPNSENSE_API_SECRET``; optional ``OPNSENSE_CA_BUNDLE``,
``OPNSENSE_VERIFY_TLS``, ``OPNSENSE_TIMEOUT``), as ``mcp-iac.yaml`` passes them in a server's
``env:``. Stdio by default; streamable HTTP with ``--http``.
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
    """Parse the command line, read the settings from the environment, serve until stopped."""
    parser = argparse.ArgumentParser(
        prog="python -m mcp_iac.providers.opnsense",
        description="Serve the mcp-iac 'opnsense' provider (iac/1 over MCP). The firewall and "
        "its API key come from OPNSENSE_URL, OPNSENSE_API_KEY and OPNSENSE_API_SECRET.",
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
        sys.exit(f"error: {exc}")  # the message carries its hint
    serve(
        build_server(settings),
        transport="http" if args.http else "stdio",
        host=args.host,
        port=args.port,
    )


if __name__ == "__main__":
    main()
