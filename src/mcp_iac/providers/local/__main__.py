"""Serve the ``local`` provider: ``python -m mcp_iac.providers.local [--root DIR] [--http]``.

The same as ``mcp-iac provider serve local``, plus ``--root`` and ``--data-dir``: the local
provider as a separate MCP server (stdio by default; streamable HTTP with ``--http``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from mcp_iac.sdk import serve_main

from ._server import build_server


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="project directory (default: cwd)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="provider records (default: <root>/.mcp-iac/local)",
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and serve until stopped."""
    serve_main(
        lambda args: build_server(args.root, args.data_dir),
        prog="python -m mcp_iac.providers.local",
        description="Serve the mcp-iac 'local' provider (iac/1 over MCP).",
        add_arguments=_options,
        argv=argv,
    )


if __name__ == "__main__":
    main()
