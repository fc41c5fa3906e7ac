"""Durable state: SQLite (default) and in-memory stores implementing ``engine.StateStore``.

See docs/state.md for the schema, the journal protocol, locking and secrets at rest.
"""

from ._codec import KEY_ENV
from ._memory import MemoryStateStore
from ._open import STATE_ENV, open_store
from ._sqlite import SqliteStateStore

__all__ = [
    "KEY_ENV",
    "STATE_ENV",
    "MemoryStateStore",
    "SqliteStateStore",
    "open_store",
]
