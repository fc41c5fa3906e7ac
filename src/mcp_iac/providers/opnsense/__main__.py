"""Serve the ``opnsense`` provider: ``python -m mcp_iac.providers.opnsense [--http]``.

The firewall and its API key come from the environment (``OPNSENSE_URL``,
``OPNSENSE_API_KEY``, ``OPNSENSE_API_SECRET``; optional ``OPNSENSE_CA_BUNDLE``,
``OPNSENSE_VERIFY_TLS``, ``OPNSENSE_TIMEOUT``), as ``mcp-iac.yaml`` passes them in a server's
``env:``. Stdio by default; streamable HTTP with ``--http``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from mcp_iac.sdk import serve_main

from ._server import build_server
from ._settings import Settings


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line, read the settings from the environment, serve until stopped."""
    serve_main(
        lambda _args: build_server(Settings.from_env(os.environ)),
        prog="python -m mcp_iac.providers.opnsense",
        description="Serve the mcp-iac 'opnsense' provider (iac/1 over MCP). The firewall and "
        "its API key come from OPNSENSE_URL, OPNSENSE_API_KEY and OPNSENSE_API_SECRET.",
        argv=argv,
    )


if __name__ == "__main__":
    main()
