"""Serve the ``local`` provider: ``python -m mcp_iac.providers.local [--root DIR] [--http]``.

The same as ``mcp-iac provider serve local``, plus ``--root`` and ``--data-dir``: the local
provider as a separate MCP server (stdio by default; streamable HTTP with ``--http``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mcp_iac.sdk import serve

from ._server import build_server


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until stopped."""
    parser = argparse.ArgumentParser(
        prog="python -m mcp_iac.providers.local",
        description="Serve the mcp-iac 'local' provider (iac/1 over MCP).",
    )
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="project directory (default: cwd)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="provider records (default: <root>/.mcp-iac/local)",
    )
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP, not stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP address (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8000, help="HTTP port; 0 picks a free one (default: 8000)"
    )
    args = parser.parse_args(argv)
    server = build_server(args.root, args.data_dir)
    serve(server, transport="http" if args.http else "stdio", host=args.host, port=args.port)


if __name__ == "__main__":
    main()
