"""Choosing a store from ``--state``, ``MCP_IAC_STATE`` or the default."""

from __future__ import annotations

import os
import re
from pathlib import Path

from mcp_iac.core import StateError
from mcp_iac.engine import StateStore

from ._sqlite import SqliteStateStore

STATE_ENV = "MCP_IAC_STATE"
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def open_store(
    spec: str | None,
    *,
    default_dir: str | os.PathLike[str] = ".mcp-iac",
    create: bool = True,
) -> StateStore:
    """Open the state store ``spec`` names.

    - None: ``MCP_IAC_STATE`` if set, else ``<default_dir>/state.db`` (the folder is created);
    - ``memory://``: a new, empty :class:`MemoryStateStore`;
    - ``postgresql://...``: not in this build yet;
    - anything else: the path of an SQLite file (created if missing).

    With ``create=False`` (commands that only read), a missing SQLite file is not created, and
    neither is its folder: the state is empty, held in memory.

    Raises:
        StateError: the store cannot be opened, or ``spec`` names an unknown kind of store.
    """
    if spec is None:
        spec = os.environ.get(STATE_ENV) or None
    if spec is None:
        folder = Path(default_dir)
        if not create and not (folder / "state.db").exists():
            return _empty()
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"cannot create the state folder '{folder}': {exc}") from exc
        return SqliteStateStore(folder / "state.db")
    match = _URL.match(spec)
    if match is None:
        if not create and not Path(spec).exists():
            return _empty()
        return SqliteStateStore(spec)
    scheme = match.group(1).lower()
    if scheme == "memory":
        return _empty()
    if scheme in ("postgresql", "postgres"):
        raise StateError(
            "PostgreSQL state is not available in this build yet",
            hint="use an SQLite file: --state PATH (default .mcp-iac/state.db)",
        )
    raise StateError(
        f"unknown state store '{scheme}://'",
        hint="give a file path, memory:// or postgresql://...",
    )


def _empty() -> StateStore:
    from ._memory import MemoryStateStore  # noqa: PLC0415  # only when there is no file

    return MemoryStateStore()
