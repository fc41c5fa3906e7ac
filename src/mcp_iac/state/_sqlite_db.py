"""SQLite plumbing for :class:`SqliteStateStore`: the connection, transactions, error
translation, and the few writes several store methods share."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mcp_iac.core import StateError, redact
from mcp_iac.engine import ResourceRecord

from ._codec import SecretCodec
from ._common import current_user, now, same_record
from ._rows import RESOURCE_READ, resource_from_row
from ._schema import ensure_schema

_UPSERT_RESOURCE = """
INSERT INTO resources (
    deployment, address, urn, server, type, name, provider_id, properties, outputs,
    dependencies, idempotency_key, protect, status, created_at, updated_at
) VALUES (
    :deployment, :address, :urn, :server, :type, :name, :provider_id, :properties, :outputs,
    :dependencies, :idempotency_key, :protect, :status, :created_at, :updated_at
)
ON CONFLICT (deployment, address) DO UPDATE SET
    urn = excluded.urn, server = excluded.server, type = excluded.type, name = excluded.name,
    provider_id = excluded.provider_id, properties = excluded.properties,
    outputs = excluded.outputs, dependencies = excluded.dependencies,
    idempotency_key = excluded.idempotency_key, protect = excluded.protect,
    status = excluded.status,
    created_at = CASE WHEN :keep_created THEN resources.created_at ELSE excluded.created_at END,
    updated_at = excluded.updated_at
"""

_OPEN_HINT = "check that the path names a file in an existing, writable directory"


class Database:
    """One connection in autocommit mode; every write is an explicit ``BEGIN IMMEDIATE``."""

    def __init__(self, path: Path, *, synchronous: str, busy_timeout: float) -> None:
        self.path = path
        self.codec = SecretCodec(Path(f"{path}.key"))
        self._mutex = threading.RLock()
        self.synchronous = synchronous
        self._conn = _connect(path, synchronous, busy_timeout)

    @contextmanager
    def read(self, what: str) -> Iterator[sqlite3.Connection]:
        """The connection, for reads; SQLite errors become StateError naming ``what``."""
        with self._mutex:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise self._error(what, exc) from exc

    @contextmanager
    def write(self, what: str, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction, committed when the block ends, rolled back if it
        raises; SQLite errors become StateError naming ``what``.

        ``durable=False`` commits without waiting for the disk (``synchronous=NORMAL`` for this
        commit): the data is safe from a killed process at once, and from power loss with the
        next durable commit, which flushes the WAL up to and including it. The journal uses it
        for results, which recovery can reconstruct from the durable intent.
        """
        relax = not durable and self.synchronous == "full"
        with self._mutex:
            try:
                if relax:
                    self._conn.execute("PRAGMA synchronous = NORMAL")
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                    try:
                        yield self._conn
                    except BaseException:
                        self._rollback()
                        raise
                    self._conn.execute("COMMIT")
                finally:
                    if relax:
                        self._conn.execute("PRAGMA synchronous = FULL")
            except sqlite3.Error as exc:
                self._rollback()
                raise self._error(what, exc) from exc

    def close(self) -> None:
        with self._mutex:
            self._conn.close()

    def _rollback(self) -> None:
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:  # the connection is broken; the original error is what matters
            pass

    def _error(self, what: str, exc: sqlite3.Error) -> StateError:
        return StateError(f"state database '{self.path}': cannot {what}: {exc}")

    # -- shared writes (inside a ``write`` block) -----------------------------------------------

    def ensure_deployment(self, conn: sqlite3.Connection, name: str, at: str) -> None:
        conn.execute(
            "INSERT INTO deployments (name, version, serial, lineage, outputs, created_at, "
            "updated_at) VALUES (?, 0, 0, ?, '{}', ?, ?) ON CONFLICT (name) DO NOTHING",
            (name, str(uuid.uuid4()), at, at),
        )

    def bump_serial(self, conn: sqlite3.Connection, deployment: str, at: str) -> None:
        conn.execute(
            "UPDATE deployments SET serial = serial + 1, updated_at = ? WHERE name = ?",
            (at, deployment),
        )

    def resource_params(self, deployment: str, record: ResourceRecord, at: str) -> dict[str, Any]:
        """Bind parameters of one upsert; encrypts secrets, so call it before the transaction."""
        where = f"resource '{record.address}'"
        return {
            "deployment": deployment,
            "address": record.address,
            "urn": record.urn,
            "server": record.server,
            "type": record.type,
            "name": record.name,
            "provider_id": record.id,
            "properties": self.codec.dumps(record.properties, f"{where} properties"),
            "outputs": self.codec.dumps(record.outputs, f"{where} outputs"),
            "dependencies": json.dumps(list(record.dependencies), ensure_ascii=False),
            "idempotency_key": record.idempotency_key,
            "protect": int(record.protect),
            "status": record.status,
            "created_at": record.created_at or at,
            "keep_created": not record.created_at,
            "updated_at": at,
        }

    def change_resources(
        self,
        conn: sqlite3.Connection,
        deployment: str,
        *,
        upserts: Sequence[dict[str, Any]],
        remove: Sequence[str],
        at: str,
    ) -> bool:
        """Remove, then upsert; returns whether any row changed. Does not move the serial."""
        changed = False
        for address in remove:
            cursor = conn.execute(
                "DELETE FROM resources WHERE deployment = ? AND address = ?", (deployment, address)
            )
            changed = changed or cursor.rowcount > 0
        if upserts:
            self.ensure_deployment(conn, deployment, at)
            conn.executemany(_UPSERT_RESOURCE, upserts)
            changed = True
        return changed

    def differs(self, conn: sqlite3.Connection, deployment: str, record: ResourceRecord) -> bool:
        """Whether ``record`` differs from the stored one (timestamps aside)."""
        row = conn.execute(
            f"SELECT {RESOURCE_READ} FROM resources WHERE deployment = ? AND address = ?",
            (deployment, record.address),
        ).fetchone()
        return row is None or not same_record(resource_from_row(row, self.codec), record)

    def insert_event(
        self,
        conn: sqlite3.Connection,
        deployment: str,
        kind: str,
        message: str,
        data: dict[str, Any] | None,
    ) -> None:
        # Events are an audit log for humans: secrets never reach them, not even encrypted.
        text = json.dumps(redact(data or {}), separators=(",", ":"), ensure_ascii=False)
        conn.execute(
            "INSERT INTO events (deployment, at, who, kind, message, data) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (deployment, now(), current_user(), kind, message, text),
        )


def _connect(path: Path, synchronous: str, busy_timeout: float) -> sqlite3.Connection:
    """Open ``path`` in WAL mode and make sure it holds our schema.

    Raises:
        StateError: it cannot be opened or is not a state database.
    """
    try:
        conn = sqlite3.connect(
            path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise StateError(f"cannot open state database '{path}': {exc}", hint=_OPEN_HINT) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {synchronous.upper()}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Room for a large deployment's resources table: re-reading it from the OS each time
        # costs more than decoding it.
        conn.execute("PRAGMA cache_size = -32768")
        ensure_schema(conn, str(path))
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise StateError(
                f"'{path}' is not an mcp-iac state database ({exc})",
                hint="point --state or MCP_IAC_STATE at another file",
            ) from exc
        raise StateError(f"cannot open state database '{path}': {exc}", hint=_OPEN_HINT) from exc
    except BaseException:
        conn.close()
        raise
    return conn
