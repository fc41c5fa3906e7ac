"""Serve the ``aws`` provider: ``python -m mcp_iac.providers.aws [--http --host --port]``.

Settings come from the environment (``AWS_REGION``, ``AWS_PROFILE``, ``AWS_ENDPOINT_URL``...;
see docs/providers/aws.md). Stdio by default; streamable HTTP with ``--http``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from mcp_iac.sdk import serve_main

from ._server import build_server
from ._settings import ENV_VARS, Settings


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line, read the settings from the environment, serve until stopped."""
    serve_main(
        lambda _args: build_server(Settings.from_env(os.environ)),
        prog="python -m mcp_iac.providers.aws",
        description="Serve the mcp-iac 'aws' provider (iac/1 over MCP).",
        epilog="environment: " + "; ".join(f"{k}: {v}" for k, v in ENV_VARS.items()),
        argv=argv,
    )


if __name__ == "__main__":
    main()
