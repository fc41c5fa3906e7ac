"""The built-in patterns."""

from __future__ import annotations

from mcp_iac.patterns._pattern import Pattern

from ._database import secure_database
from ._dev_env import dev_environment
from ._game import game_server
from ._iot import iot_edge
from ._pci import pci_ecommerce
from ._web_app import web_app

BUILTIN_PATTERNS: tuple[Pattern, ...] = (
    web_app,
    secure_database,
    iot_edge,
    dev_environment,
    game_server,
    pci_ecommerce,
)

__all__ = ["BUILTIN_PATTERNS"]
