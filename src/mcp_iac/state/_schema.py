"""The SQLite schema (docs/state.md describes every column) and its creation on open."""

from __future__ import annotations

import sqlite3

from mcp_iac.core import StateError

SCHEMA_VERSION = 1
MIN_SQLITE = (3, 31, 0)
"""Generated columns (``resources.head``) need SQLite 3.31; JSON functions must be built in."""

_TABLES = (
    """
    CREATE TABLE IF NOT EXISTS schema_version (
        version INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS deployments (
        name TEXT PRIMARY KEY,
        version INTEGER NOT NULL DEFAULT 0,
        serial INTEGER NOT NULL DEFAULT 0,
        lineage TEXT NOT NULL,
        outputs TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS locks (
        deployment TEXT PRIMARY KEY REFERENCES deployments (name),
        lock_id TEXT NOT NULL,
        who TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        pid_started REAL,
        operation TEXT NOT NULL,
        since TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS resources (
        deployment TEXT NOT NULL REFERENCES deployments (name),
        address TEXT NOT NULL,
        urn TEXT NOT NULL,
        server TEXT NOT NULL,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        properties TEXT NOT NULL,
        outputs TEXT NOT NULL,
        dependencies TEXT NOT NULL DEFAULT '[]',
        idempotency_key TEXT NOT NULL DEFAULT '',
        protect INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'ready',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        head TEXT GENERATED ALWAYS AS (json_array(
            address, urn, server, type, name, provider_id, idempotency_key, protect, status,
            created_at, updated_at
        )) STORED,
        PRIMARY KEY (deployment, address)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        deployment TEXT NOT NULL REFERENCES deployments (name),
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        who TEXT NOT NULL,
        intent TEXT NOT NULL,
        version INTEGER,
        summary TEXT NOT NULL DEFAULT '{}',
        plan TEXT,
        snapshot TEXT
    )
    """,
    "CREATE INDEX IF NOT EXISTS runs_by_deployment ON runs (deployment, id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS runs_by_version ON runs (deployment, version)",
    """
    CREATE TABLE IF NOT EXISTS operations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        deployment TEXT NOT NULL,
        urn TEXT NOT NULL,
        address TEXT NOT NULL,
        server TEXT NOT NULL,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        resource_id TEXT,
        inputs TEXT NOT NULL,
        prior TEXT,
        dependencies TEXT NOT NULL DEFAULT '[]',
        protect INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        error TEXT,
        result_id TEXT
    )
    """,
    "CREATE INDEX IF NOT EXISTS operations_by_run ON operations (run_id, id)",
    "CREATE INDEX IF NOT EXISTS operations_by_status ON operations (deployment, status, id)",
    """
    CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        deployment TEXT NOT NULL,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}'
    )
    """,
    "CREATE INDEX IF NOT EXISTS events_by_deployment ON events (deployment, id)",
)


def ensure_schema(conn: sqlite3.Connection, path: str) -> None:
    """Create the tables of a new database, or check an existing one is ours and not newer.

    Raises:
        StateError: the database was written by a newer mcp-iac.
        sqlite3.Error: anything SQLite reports (the caller translates it).
    """
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise StateError(
            f"state database '{path}' needs SQLite {'.'.join(map(str, MIN_SQLITE))} or newer; "
            f"this Python has SQLite {sqlite3.sqlite_version}"
        )
    found = _stored_version(conn)
    if found == SCHEMA_VERSION:
        return
    if found is not None and found > SCHEMA_VERSION:
        raise StateError(
            f"state database '{path}' has schema version {found}; this mcp-iac "
            f"understands up to {SCHEMA_VERSION}",
            hint="upgrade mcp-iac",
        )
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _stored_version(conn) is None:
            if _has_tables(conn):
                raise StateError(
                    f"'{path}' is an SQLite database but not an mcp-iac state database",
                    hint="point --state or MCP_IAC_STATE at another file",
                )
            for statement in _TABLES:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'").fetchone() is not None


def _stored_version(conn: sqlite3.Connection) -> int | None:
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if has_table is None:
        return None
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return None if row is None or row[0] is None else int(row[0])
