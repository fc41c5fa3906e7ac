"""Errors the registry raises in more than one place."""

from __future__ import annotations

import difflib
from collections.abc import Collection

from mcp_iac.core import ConfigError


def unknown_server(server: str, known: Collection[str]) -> ConfigError:
    """The error for a server name nobody configured, with "did you mean"."""
    close = difflib.get_close_matches(server, list(known), n=1)
    return ConfigError(
        f"no server named '{server}' is configured (known: {', '.join(sorted(known))})",
        hint=f"did you mean '{close[0]}'?"
        if close
        else "add it to mcp-iac.yaml under 'servers' (see docs/providers.md)",
    )
