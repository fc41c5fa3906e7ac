"""Serve the ``docker`` provider: ``python -m mcp_iac.providers.docker [--http]``.

Settings come from the environment (``DOCKER_HOST``, ``MCP_IAC_DOCKER_*``; see
docs/providers/docker.md): stdio by default, streamable HTTP with ``--http``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from mcp_iac.sdk import serve_main

from ._server import build_server
from ._settings import Settings


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line, read settings from the environment, serve until stopped."""
    serve_main(
        lambda _args: build_server(Settings.from_env(os.environ)),
        prog="python -m mcp_iac.providers.docker",
        description="Serve the mcp-iac 'docker' provider (iac/1 over MCP). Settings come from "
        "DOCKER_HOST and MCP_IAC_DOCKER_* environment variables.",
        argv=argv,
    )


if __name__ == "__main__":
    main()
