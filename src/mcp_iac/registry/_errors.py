"""Errors the registry raises in more than one place."""

from __future__ import annotations

import difflib
from collections.abc import Collection

from mcp_iac.core import ConfigError

from ._config import BUILTINS


def unknown_server(server: str, known: Collection[str]) -> ConfigError:
    """The error for a server name nobody configured, with "did you mean"."""
    close = difflib.get_close_matches(server, list(known), n=1)
    if close:
        hint = f"did you mean '{close[0]}'?"
    elif server in BUILTINS:
        hint = (
            f"'{server}' is a built-in provider: add "
            f"`{server}: {{builtin: {server}, env: {{...}}}}` under 'servers' in mcp-iac.yaml "
            f"(settings: docs/providers/{server}.md), "
            "or run `mcp-iac sandbox up` for local stand-ins"
        )
    else:
        hint = "add it to mcp-iac.yaml under 'servers' (see docs/providers.md)"
    return ConfigError(
        f"no server named '{server}' is configured (known: {', '.join(sorted(known))})",
        hint=hint,
    )
