"""Durable state: SQLite (default) and in-memory stores implementing ``engine.StateStore``.

See docs/state.md for the schema, the journal protocol, locking and secrets at rest.

Names load their submodule on first use (see ``core.lazy_exports``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp_iac.core import lazy_exports

if TYPE_CHECKING:
    from ._codec import KEY_ENV
    from ._memory import MemoryStateStore
    from ._open import STATE_ENV, open_store
    from ._sqlite import SqliteStateStore

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "KEY_ENV": "_codec",
        "MemoryStateStore": "_memory",
        "STATE_ENV": "_open",
        "SqliteStateStore": "_sqlite",
        "open_store": "_open",
    },
)

__all__ = [
    "KEY_ENV",
    "STATE_ENV",
    "MemoryStateStore",
    "SqliteStateStore",
    "open_store",
]
