"""The default store: one SQLite file in WAL mode with durable commits."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from mcp_iac.core import ConfigError, StateError
from mcp_iac.engine import (
    DeploymentRecord,
    Event,
    LockInfo,
    Operation,
    OperationIntent,
    OperationStatus,
    ResourceRecord,
    RunKind,
    RunRecord,
    RunStatus,
    Snapshot,
)

from ._common import (
    check_finished_status,
    check_resolved_status,
    current_user,
    holder_alive,
    lock_data,
    locked_error,
    new_lock,
    now,
    own_start_time,
    parse_time,
)
from ._rows import (
    DEPLOYMENT_COLUMNS,
    EVENT_COLUMNS,
    LOCK_COLUMNS,
    OPERATION_COLUMNS,
    RESOURCE_COLUMNS,
    RESOURCES_READ,
    RUN_COLUMNS,
    deployment_from_row,
    event_from_row,
    lock_from_row,
    operation_from_row,
    resource_from_dict,
    resource_to_dict,
    resources_from_columns,
    run_from_row,
    snapshot_text,
)
from ._sqlite_db import Database


class SqliteStateStore:
    """State in one SQLite file: WAL journal, ``synchronous=FULL`` commits, so a ``kill -9`` or a
    power cut loses at most the write in flight and never corrupts the file.

    Implements :class:`mcp_iac.engine.StateStore`. Safe to share between threads; several
    processes may open the same file (each run holds the deployment's lock row).

    Raises:
        StateError: the file cannot be opened or created, is not a state database, or was
            written by a newer mcp-iac.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["full", "normal"] = "full",
        busy_timeout: float = 5.0,
    ) -> None:
        if synchronous not in ("full", "normal"):
            raise ValueError(f"synchronous must be 'full' or 'normal', not {synchronous!r}")
        self.path = Path(path)
        self._db = Database(self.path, synchronous=synchronous, busy_timeout=busy_timeout)
        self._codec = self._db.codec

    def __repr__(self) -> str:
        return f"SqliteStateStore({str(self.path)!r})"

    # -- deployments and resources --------------------------------------------------------------

    def deployment(self, name: str) -> DeploymentRecord | None:
        with self._db.read("read deployment") as conn:
            row = conn.execute(
                f"SELECT {DEPLOYMENT_COLUMNS} FROM deployments d "
                "LEFT JOIN locks l ON l.deployment = d.name WHERE d.name = ?",
                (name,),
            ).fetchone()
            return None if row is None else deployment_from_row(row, self._codec)

    def deployments(self) -> list[DeploymentRecord]:
        """Every deployment, by name."""
        with self._db.read("list deployments") as conn:
            rows = conn.execute(
                f"SELECT {DEPLOYMENT_COLUMNS} FROM deployments d "
                "LEFT JOIN locks l ON l.deployment = d.name ORDER BY d.name"
            ).fetchall()
            return [deployment_from_row(row, self._codec) for row in rows]

    def resources(self, deployment: str) -> dict[str, ResourceRecord]:
        """Current resources of ``deployment`` keyed by address."""
        with self._db.read("read resources") as conn:
            row = conn.execute(RESOURCES_READ, (deployment,)).fetchone()
        return resources_from_columns(row, self._codec)

    def write_resources(
        self,
        deployment: str,
        *,
        records: Sequence[ResourceRecord] = (),
        remove: Sequence[str] = (),
    ) -> None:
        """Upsert ``records`` and remove the resources at addresses ``remove`` (removal first),
        in one transaction, outside the journal (refresh, import, bookkeeping).

        The serial moves once if anything changed; records equal to the stored ones (timestamps
        aside) are not rewritten.
        """
        at = now()
        params = [(r, self._db.resource_params(deployment, r, at)) for r in records]
        removing = set(remove)
        with self._db.write("record resources") as conn:
            upserts = [
                p
                for r, p in params
                if r.address in removing or self._db.differs(conn, deployment, r)
            ]
            if self._db.change_resources(conn, deployment, upserts=upserts, remove=remove, at=at):
                self._db.bump_serial(conn, deployment, at)

    def set_outputs(self, deployment: str, outputs: dict[str, Any]) -> None:
        """Replace the deployment's outputs; the serial moves only if they changed."""
        at = now()
        text = self._codec.dumps(outputs, f"deployment '{deployment}' outputs")
        with self._db.write("record outputs") as conn:
            row = conn.execute(
                "SELECT outputs FROM deployments WHERE name = ?", (deployment,)
            ).fetchone()
            if row is not None and self._codec.loads(row[0]) == outputs:
                return
            self._db.ensure_deployment(conn, deployment, at)
            conn.execute(
                "UPDATE deployments SET outputs = ?, serial = serial + 1, updated_at = ? "
                "WHERE name = ?",
                (text, at, deployment),
            )

    # -- locking --------------------------------------------------------------------------------

    def acquire_lock(self, deployment: str, *, operation: str) -> LockInfo:
        """Take the deployment's lock (creating the deployment if new).

        A lock left by a dead process on this host is taken over (event ``lock.broken``).

        Raises:
            StateLocked: a live process, or one on another host, holds the lock.
        """
        mine = new_lock(deployment, operation)
        started = own_start_time()
        with self._db.write("take lock") as conn:
            self._db.ensure_deployment(conn, deployment, mine.since)
            row = conn.execute(
                f"SELECT {LOCK_COLUMNS} FROM locks WHERE deployment = ?", (deployment,)
            ).fetchone()
            if row is not None:
                held, held_started = lock_from_row(row)
                if holder_alive(held, held_started):
                    raise locked_error(held)
                conn.execute("DELETE FROM locks WHERE deployment = ?", (deployment,))
                self._db.insert_event(
                    conn,
                    deployment,
                    "lock.broken",
                    f"took over a stale lock: pid {held.pid} on {held.host} is gone "
                    f"({held.who}, {held.operation}, since {held.since})",
                    lock_data(held),
                )
            conn.execute(
                f"INSERT INTO locks ({LOCK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    deployment,
                    mine.lock_id,
                    mine.who,
                    mine.host,
                    mine.pid,
                    mine.operation,
                    mine.since,
                    started,
                ),
            )
        return mine

    def release_lock(self, lock: LockInfo) -> None:
        """Release ``lock``; a lock someone else holds by now is left alone."""
        with self._db.write("release lock") as conn:
            conn.execute(
                "DELETE FROM locks WHERE deployment = ? AND lock_id = ?",
                (lock.deployment, lock.lock_id),
            )

    def force_unlock(self, deployment: str) -> LockInfo | None:
        """Remove any lock; returns what it removed (and records event ``lock.forced``)."""
        with self._db.write("remove lock") as conn:
            row = conn.execute(
                f"SELECT {LOCK_COLUMNS} FROM locks WHERE deployment = ?", (deployment,)
            ).fetchone()
            if row is None:
                return None
            held, _ = lock_from_row(row)
            conn.execute("DELETE FROM locks WHERE deployment = ?", (deployment,))
            self._db.insert_event(
                conn,
                deployment,
                "lock.forced",
                f"lock removed by hand; it was {held.describe()}",
                lock_data(held),
            )
            return held

    # -- runs and history -----------------------------------------------------------------------

    def begin_run(
        self, deployment: str, *, kind: RunKind, intent: str, plan: dict[str, Any] | None = None
    ) -> int:
        """Open a run (status ``running``); returns its id."""
        at = now()
        plan_text = None if plan is None else self._codec.dumps(plan, "run plan")
        with self._db.write("start run") as conn:
            self._db.ensure_deployment(conn, deployment, at)
            cursor = conn.execute(
                "INSERT INTO runs (deployment, kind, status, started_at, who, intent, plan) "
                "VALUES (?, ?, 'running', ?, ?, ?, ?)",
                (deployment, kind, at, current_user(), intent, plan_text),
            )
            assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
            return cursor.lastrowid

    def finish_run(
        self,
        run_id: int,
        *,
        status: RunStatus,
        summary: dict[str, Any] | None = None,
        changed: bool = True,
    ) -> RunRecord:
        """Close a run; when ``changed`` bumps the history version and stores the snapshot.

        Raises:
            StateError: no such run, or it is already finished.
        """
        check_finished_status(status)
        at = now()
        summary_text = self._codec.dumps(summary or {}, "run summary")
        with self._db.write("finish run") as conn:
            found = conn.execute(
                "SELECT deployment, status FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
            if found is None:
                raise StateError(f"run {run_id} is not in state '{self.path}'")
            deployment, current = found
            if current != "running":
                raise StateError(f"run {run_id} of deployment '{deployment}' already {current}")
            version = None
            snapshot = None
            if changed:
                conn.execute(
                    "UPDATE deployments SET version = version + 1, updated_at = ? WHERE name = ?",
                    (at, deployment),
                )
                version, outputs = conn.execute(
                    "SELECT version, outputs FROM deployments WHERE name = ?", (deployment,)
                ).fetchone()
                rows = conn.execute(
                    f"SELECT {RESOURCE_COLUMNS} FROM resources WHERE deployment = ? "
                    "ORDER BY address",
                    (deployment,),
                ).fetchall()
                snapshot = snapshot_text(rows, outputs)
            conn.execute(
                "UPDATE runs SET status = ?, finished_at = ?, summary = ?, version = ?, "
                "snapshot = ? WHERE id = ?",
                (status, at, summary_text, version, snapshot, run_id),
            )
            record = conn.execute(
                f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
        return run_from_row(record, self._codec)

    def runs(self, deployment: str) -> list[RunRecord]:
        """The deployment's runs, newest last."""
        with self._db.read("read runs") as conn:
            rows = conn.execute(
                f"SELECT {RUN_COLUMNS} FROM runs WHERE deployment = ? ORDER BY id", (deployment,)
            ).fetchall()
        return [run_from_row(row, self._codec) for row in rows]

    def snapshot(
        self, deployment: str, *, version: int | None = None, at: str | None = None
    ) -> Snapshot | None:
        """The state as of history ``version``, or as of time ``at`` (ISO 8601), or now.

        ``at`` without an offset is UTC; a date alone means its midnight (UTC). Version 0, and any
        time after the deployment was created but before its first change, give an empty
        snapshot (``run_id`` 0). None when nothing matches.

        Raises:
            ConfigError: both ``version`` and ``at`` given, or ``at`` is not ISO 8601.
        """
        if version is not None and at is not None:
            raise ConfigError("give a history version or a time, not both")
        moment = None if at is None else parse_time(at)
        with self._db.read("read snapshot") as conn:
            conn.execute("BEGIN")
            try:
                found = conn.execute(
                    "SELECT version, created_at FROM deployments WHERE name = ?", (deployment,)
                ).fetchone()
                if found is None:
                    return None
                current, created = found
                if moment is not None:
                    row = conn.execute(
                        "SELECT id, version, finished_at, snapshot FROM runs WHERE deployment = ? "
                        "AND version IS NOT NULL AND finished_at <= ? "
                        "ORDER BY version DESC LIMIT 1",
                        (deployment, moment),
                    ).fetchone()
                    if row is None and created > moment:
                        return None
                else:
                    wanted = current if version is None else version
                    row = conn.execute(
                        "SELECT id, version, finished_at, snapshot FROM runs "
                        "WHERE deployment = ? AND version = ?",
                        (deployment, wanted),
                    ).fetchone()
                    if row is None and wanted != 0:
                        return None
            finally:
                conn.execute("COMMIT")
        if row is None:
            return Snapshot(deployment, 0, 0, created, {}, {})
        run_id, number, taken_at, text = row
        data = self._codec.loads(text)
        resources = {
            address: resource_from_dict(item) for address, item in data["resources"].items()
        }
        return Snapshot(deployment, number, run_id, taken_at, resources, data["outputs"])

    # -- the intent journal ---------------------------------------------------------------------

    def begin_operation(self, run_id: int, intent: OperationIntent) -> int:
        """Write the intent durably (status ``pending``) before the provider call; returns its id.

        Raises:
            StateError: no such run, or it belongs to another deployment.
        """
        [op_id] = self.begin_operations(run_id, [intent])
        return op_id

    def begin_operations(self, run_id: int, intents: Sequence[OperationIntent]) -> list[int]:
        """Write several intents durably in one transaction (one wait for the disk); their ids,
        in order. All or none are written.

        Raises:
            StateError: no such run, or an intent belongs to another deployment.
        """
        rows = []
        for intent in intents:
            where = f"resource '{intent.address}'"
            inputs = self._codec.dumps(intent.inputs, f"{where} inputs")
            prior = None
            if intent.prior is not None:
                prior = self._codec.dumps(resource_to_dict(intent.prior), f"{where} prior record")
            rows.append((intent, inputs, prior))
        ids: list[int] = []
        with self._db.write("journal operation") as conn:
            found = conn.execute("SELECT deployment FROM runs WHERE id = ?", (run_id,)).fetchone()
            if found is None:
                raise StateError(f"run {run_id} is not in state '{self.path}'")
            at = now()
            for intent, inputs, prior in rows:
                if found[0] != intent.deployment:
                    raise StateError(
                        f"resource '{intent.address}': operation for deployment "
                        f"'{intent.deployment}' in run {run_id} of deployment '{found[0]}'"
                    )
                cursor = conn.execute(
                    f"INSERT INTO operations ({OPERATION_COLUMNS}) VALUES "
                    "(NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, NULL, NULL, "
                    "NULL)",
                    (
                        run_id,
                        intent.deployment,
                        intent.urn,
                        intent.address,
                        intent.server,
                        intent.type,
                        intent.name,
                        intent.kind,
                        intent.idempotency_key,
                        intent.resource_id,
                        inputs,
                        prior,
                        json.dumps(list(intent.dependencies)),
                        int(intent.protect),
                        at,
                    ),
                )
                assert cursor.lastrowid is not None  # an INSERT into a rowid table sets it
                ids.append(cursor.lastrowid)
        return ids

    def _close_operation(
        self,
        op_id: int,
        *,
        status: OperationStatus,
        records: Sequence[ResourceRecord] = (),
        remove: Sequence[str] = (),
        result_id: str | None = None,
        error: str | None = None,
    ) -> None:
        at = now()
        # a result need not wait for the disk: the durable intent lets recovery rebuild it
        durable = status not in ("done", "failed")
        with self._db.write(f"mark operation {op_id} {status}", durable=durable) as conn:
            found = conn.execute(
                "SELECT deployment, status FROM operations WHERE id = ?", (op_id,)
            ).fetchone()
            if found is None:
                raise StateError(f"operation {op_id} is not in state '{self.path}'")
            deployment, current = found
            if current != "pending":
                raise StateError(f"operation {op_id} of deployment '{deployment}' is {current}")
            upserts = [self._db.resource_params(deployment, r, at) for r in records]
            conn.execute(
                "UPDATE operations SET status = ?, finished_at = ?, result_id = ?, error = ? "
                "WHERE id = ?",
                (status, at, result_id, error, op_id),
            )
            if self._db.change_resources(conn, deployment, upserts=upserts, remove=remove, at=at):
                self._db.bump_serial(conn, deployment, at)

    def complete_operation(
        self,
        op_id: int,
        *,
        records: Sequence[ResourceRecord] = (),
        remove: Sequence[str] = (),
        result_id: str | None = None,
    ) -> None:
        """Mark the operation done and, in the same transaction, upsert ``records`` and remove
        the resources at addresses ``remove`` (removal first), moving the serial once.

        Raises:
            StateError: no such operation, or it is no longer pending.
        """
        self._close_operation(
            op_id, status="done", records=records, remove=remove, result_id=result_id
        )

    def fail_operation(self, op_id: int, error: str) -> None:
        """Mark the operation failed with the provider's message.

        Raises:
            StateError: no such operation, or it is no longer pending.
        """
        self._close_operation(op_id, status="failed", error=error)

    def resolve_operation(
        self,
        op_id: int,
        *,
        status: str,
        records: Sequence[ResourceRecord] = (),
        remove: Sequence[str] = (),
    ) -> None:
        """Close a pending operation found after a crash (``recovered`` or ``abandoned``), with
        the same atomic record changes as :meth:`complete_operation`.

        Raises:
            StateError: no such operation, or it is no longer pending.
        """
        resolved = check_resolved_status(status)
        self._close_operation(op_id, status=resolved, records=records, remove=remove)

    def pending_operations(self, deployment: str) -> list[Operation]:
        """Intents written but never closed (a crash or kill), oldest first."""
        with self._db.read("read journal") as conn:
            rows = conn.execute(
                f"SELECT {OPERATION_COLUMNS} FROM operations "
                "WHERE deployment = ? AND status = 'pending' ORDER BY id",
                (deployment,),
            ).fetchall()
        return [operation_from_row(row, self._codec) for row in rows]

    def operations(self, run_id: int) -> list[Operation]:
        """The journal of one run, in order."""
        with self._db.read("read journal") as conn:
            rows = conn.execute(
                f"SELECT {OPERATION_COLUMNS} FROM operations WHERE run_id = ? ORDER BY id",
                (run_id,),
            ).fetchall()
        return [operation_from_row(row, self._codec) for row in rows]

    # -- audit ----------------------------------------------------------------------------------

    def add_event(
        self, deployment: str, kind: str, message: str, data: dict[str, Any] | None = None
    ) -> None:
        """Append to the audit log; secrets in ``data`` are stored redacted."""
        with self._db.write("record event") as conn:
            self._db.insert_event(conn, deployment, kind, message, data)

    def events(self, deployment: str, *, limit: int = 100) -> list[Event]:
        """The latest ``limit`` events, oldest first."""
        with self._db.read("read events") as conn:
            rows = conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM (SELECT {EVENT_COLUMNS} FROM events "
                "WHERE deployment = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
                (deployment, max(limit, 0)),
            ).fetchall()
        return [event_from_row(row) for row in rows]

    def close(self) -> None:
        """Close the database; later calls raise StateError. Closing twice is fine."""
        self._db.close()
