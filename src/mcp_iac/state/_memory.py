"""An in-memory store with the SQLite store's semantics, for engine tests and ``memory://``."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mcp_iac.core import ConfigError, StateError, redact
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
    clone,
    current_user,
    holder_alive,
    lock_data,
    locked_error,
    new_lock,
    now,
    parse_time,
    same_record,
)


@dataclass(slots=True)
class _Deployment:
    name: str
    lineage: str
    created_at: str
    updated_at: str
    version: int = 0
    serial: int = 0
    outputs: dict[str, Any] = field(default_factory=dict)
    lock: LockInfo | None = None
    resources: dict[str, ResourceRecord] = field(default_factory=dict)


@dataclass(slots=True)
class _Run:
    record: RunRecord
    resources: dict[str, ResourceRecord] | None = None
    outputs: dict[str, Any] | None = None


def _copy_record(record: ResourceRecord) -> ResourceRecord:
    where = f"resource '{record.address}'"
    return dataclasses.replace(
        record,
        properties=clone(record.properties, f"{where} properties"),
        outputs=clone(record.outputs, f"{where} outputs"),
        dependencies=tuple(record.dependencies),
    )


def _copy_operation(op: Operation) -> Operation:
    intent = op.intent
    return dataclasses.replace(
        op,
        intent=dataclasses.replace(
            intent,
            inputs=clone(intent.inputs, "inputs"),
            prior=None if intent.prior is None else _copy_record(intent.prior),
        ),
    )


def _copy_run(run: RunRecord) -> RunRecord:
    return dataclasses.replace(
        run,
        summary=clone(run.summary, "run summary"),
        plan=None if run.plan is None else clone(run.plan, "run plan"),
    )


class MemoryStateStore:
    """State in a dict, gone when the object is. Same behaviour as :class:`SqliteStateStore`
    (locks, serials, versions, snapshots, journal), values deep-copied in and out so callers
    cannot change what is stored. Thread-safe.

    Locks are taken by this process, so a second ``acquire_lock`` raises ``StateLocked`` until
    the first is released.
    """

    def __init__(self) -> None:
        self._mutex = threading.RLock()
        self._deployments: dict[str, _Deployment] = {}
        self._runs: dict[int, _Run] = {}
        self._operations: dict[int, Operation] = {}
        self._events: list[Event] = []
        self._closed = False

    def __repr__(self) -> str:
        return "MemoryStateStore()"

    def _check_open(self) -> None:
        if self._closed:
            raise StateError("the in-memory state store is closed")

    def _get(self, name: str, at: str | None = None) -> _Deployment:
        found = self._deployments.get(name)
        if found is None:
            stamp = at or now()
            found = _Deployment(name, str(uuid.uuid4()), stamp, stamp)
            self._deployments[name] = found
        return found

    def _bump(self, dep: _Deployment, at: str) -> None:
        dep.serial += 1
        dep.updated_at = at

    def _store_record(self, dep: _Deployment, record: ResourceRecord, at: str) -> None:
        previous = dep.resources.get(record.address)
        created = record.created_at or (previous.created_at if previous else at)
        dep.resources[record.address] = dataclasses.replace(
            record, created_at=created, updated_at=at
        )

    def _change(
        self,
        dep: _Deployment,
        upserts: Sequence[ResourceRecord],
        remove: Sequence[str],
        at: str,
    ) -> bool:
        changed = False
        for address in remove:
            changed = dep.resources.pop(address, None) is not None or changed
        for record in upserts:
            self._store_record(dep, record, at)
            changed = True
        return changed

    def _add_event(self, deployment: str, kind: str, message: str, data: Any) -> None:
        payload = clone(redact(data or {}), f"event '{kind}'")
        event = Event(len(self._events) + 1, deployment, now(), current_user(), kind, message)
        self._events.append(dataclasses.replace(event, data=payload))

    # -- deployments and resources --------------------------------------------------------------

    def deployment(self, name: str) -> DeploymentRecord | None:
        with self._mutex:
            self._check_open()
            dep = self._deployments.get(name)
            if dep is None:
                return None
            return DeploymentRecord(
                dep.name,
                dep.version,
                dep.serial,
                dep.lineage,
                clone(dep.outputs, "outputs"),
                dep.created_at,
                dep.updated_at,
                dep.lock,
            )

    def deployments(self) -> list[DeploymentRecord]:
        """Every deployment, by name."""
        with self._mutex:
            self._check_open()
            found = [self.deployment(name) for name in sorted(self._deployments)]
            return [dep for dep in found if dep is not None]

    def resources(self, deployment: str) -> dict[str, ResourceRecord]:
        """Current resources of ``deployment`` keyed by address."""
        with self._mutex:
            self._check_open()
            dep = self._deployments.get(deployment)
            if dep is None:
                return {}
            return {a: _copy_record(dep.resources[a]) for a in sorted(dep.resources)}

    def write_resources(
        self,
        deployment: str,
        *,
        records: Sequence[ResourceRecord] = (),
        remove: Sequence[str] = (),
    ) -> None:
        """Upsert ``records`` and remove the resources at addresses ``remove`` (removal first),
        at once; the serial moves once if anything changed."""
        copies = [_copy_record(r) for r in records]
        with self._mutex:
            self._check_open()
            at = now()
            dep = self._get(deployment, at)
            removing = set(remove)
            upserts = [
                r
                for r in copies
                if r.address in removing
                or (old := dep.resources.get(r.address)) is None
                or not same_record(old, r)
            ]
            if self._change(dep, upserts, remove, at):
                self._bump(dep, at)

    def set_outputs(self, deployment: str, outputs: dict[str, Any]) -> None:
        copy = clone(outputs, f"deployment '{deployment}' outputs")
        with self._mutex:
            self._check_open()
            at = now()
            dep = self._get(deployment, at)
            if dep.outputs == copy:
                return
            dep.outputs = copy
            self._bump(dep, at)

    # -- locking --------------------------------------------------------------------------------

    def acquire_lock(self, deployment: str, *, operation: str) -> LockInfo:
        """Take the deployment's lock (creating the deployment if new).

        Raises:
            StateLocked: the lock is held.
        """
        mine = new_lock(deployment, operation)
        with self._mutex:
            self._check_open()
            dep = self._get(deployment, mine.since)
            held = dep.lock
            if held is not None:
                if holder_alive(held):
                    raise locked_error(held)
                self._add_event(
                    deployment,
                    "lock.broken",
                    f"took over a stale lock: pid {held.pid} on {held.host} is gone "
                    f"({held.who}, {held.operation}, since {held.since})",
                    lock_data(held),
                )
            dep.lock = mine
            return mine

    def release_lock(self, lock: LockInfo) -> None:
        with self._mutex:
            self._check_open()
            dep = self._deployments.get(lock.deployment)
            if dep is not None and dep.lock is not None and dep.lock.lock_id == lock.lock_id:
                dep.lock = None

    def force_unlock(self, deployment: str) -> LockInfo | None:
        """Remove any lock; returns what it removed."""
        with self._mutex:
            self._check_open()
            dep = self._deployments.get(deployment)
            if dep is None or dep.lock is None:
                return None
            held, dep.lock = dep.lock, None
            self._add_event(
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
        plan_copy = None if plan is None else clone(plan, "run plan")
        with self._mutex:
            self._check_open()
            at = now()
            self._get(deployment, at)
            run_id = len(self._runs) + 1
            self._runs[run_id] = _Run(
                RunRecord(
                    id=run_id,
                    deployment=deployment,
                    kind=kind,
                    status="running",
                    started_at=at,
                    finished_at=None,
                    who=current_user(),
                    intent=intent,
                    version=None,
                    plan=plan_copy,
                )
            )
            return run_id

    def finish_run(
        self,
        run_id: int,
        *,
        status: RunStatus,
        summary: dict[str, Any] | None = None,
        changed: bool = True,
    ) -> RunRecord:
        """Close a run; when ``changed`` bumps the history version and stores the snapshot."""
        check_finished_status(status)
        summary_copy = clone(summary or {}, "run summary")
        with self._mutex:
            self._check_open()
            run = self._runs.get(run_id)
            if run is None:
                raise StateError(f"run {run_id} is not in state")
            if run.record.status != "running":
                raise StateError(
                    f"run {run_id} of deployment '{run.record.deployment}' "
                    f"already {run.record.status}"
                )
            at = now()
            version = None
            if changed:
                dep = self._deployments[run.record.deployment]
                dep.version += 1
                dep.updated_at = at
                version = dep.version
                # Records are replaced, never mutated, so sharing them with the snapshot is safe.
                run.resources = dict(dep.resources)
                run.outputs = dep.outputs
            run.record = dataclasses.replace(
                run.record, status=status, finished_at=at, summary=summary_copy, version=version
            )
            return _copy_run(run.record)

    def runs(self, deployment: str) -> list[RunRecord]:
        """The deployment's runs, newest last."""
        with self._mutex:
            self._check_open()
            return [
                _copy_run(run.record)
                for run in self._runs.values()
                if run.record.deployment == deployment
            ]

    def snapshot(
        self, deployment: str, *, version: int | None = None, at: str | None = None
    ) -> Snapshot | None:
        """The state as of history ``version``, or as of time ``at`` (ISO 8601), or now.

        Raises:
            ConfigError: both ``version`` and ``at`` given, or ``at`` is not ISO 8601.
        """
        if version is not None and at is not None:
            raise ConfigError("give a history version or a time, not both")
        moment = None if at is None else parse_time(at)
        with self._mutex:
            self._check_open()
            dep = self._deployments.get(deployment)
            if dep is None:
                return None
            versioned = [
                run
                for run in self._runs.values()
                if run.record.deployment == deployment and run.record.version is not None
            ]
            if moment is not None:
                earlier = [r for r in versioned if (r.record.finished_at or "") <= moment]
                found = max(earlier, key=lambda r: r.record.version or 0, default=None)
                if found is None and dep.created_at > moment:
                    return None
            else:
                wanted = dep.version if version is None else version
                found = next((r for r in versioned if r.record.version == wanted), None)
                if found is None and wanted != 0:
                    return None
            if found is None:
                return Snapshot(deployment, 0, 0, dep.created_at, {}, {})
            record = found.record
            return Snapshot(
                deployment,
                record.version or 0,
                record.id,
                record.finished_at or "",
                {a: _copy_record(r) for a, r in sorted((found.resources or {}).items())},
                clone(found.outputs or {}, "outputs"),
            )

    # -- the intent journal ---------------------------------------------------------------------

    def begin_operation(self, run_id: int, intent: OperationIntent) -> int:
        [op_id] = self.begin_operations(run_id, [intent])
        return op_id

    def begin_operations(self, run_id: int, intents: Sequence[OperationIntent]) -> list[int]:
        copies = [
            dataclasses.replace(
                intent,
                inputs=clone(intent.inputs, f"resource '{intent.address}' inputs"),
                prior=None if intent.prior is None else _copy_record(intent.prior),
                dependencies=tuple(intent.dependencies),
            )
            for intent in intents
        ]
        with self._mutex:
            self._check_open()
            run = self._runs.get(run_id)
            if run is None:
                raise StateError(f"run {run_id} is not in state")
            for intent in copies:  # all or none
                if run.record.deployment != intent.deployment:
                    raise StateError(
                        f"resource '{intent.address}': operation for deployment "
                        f"'{intent.deployment}' in run {run_id} of deployment "
                        f"'{run.record.deployment}'"
                    )
            ids = []
            for intent in copies:
                op_id = len(self._operations) + 1
                self._operations[op_id] = Operation(op_id, run_id, intent, "pending", now())
                ids.append(op_id)
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
        copies = [_copy_record(r) for r in records]
        with self._mutex:
            self._check_open()
            op = self._operations.get(op_id)
            if op is None:
                raise StateError(f"operation {op_id} is not in state")
            if op.status != "pending":
                raise StateError(
                    f"operation {op_id} of deployment '{op.intent.deployment}' is {op.status}"
                )
            at = now()
            self._operations[op_id] = dataclasses.replace(
                op, status=status, finished_at=at, result_id=result_id, error=error
            )
            dep = self._get(op.intent.deployment, at)
            if self._change(dep, copies, remove, at):
                self._bump(dep, at)

    def complete_operation(
        self,
        op_id: int,
        *,
        records: Sequence[ResourceRecord] = (),
        remove: Sequence[str] = (),
        result_id: str | None = None,
    ) -> None:
        """Mark the operation done and, at once, upsert ``records`` and remove the resources at
        addresses ``remove`` (removal first), moving the serial once."""
        self._close_operation(
            op_id, status="done", records=records, remove=remove, result_id=result_id
        )

    def fail_operation(self, op_id: int, error: str) -> None:
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
        the same atomic record changes as :meth:`complete_operation`."""
        resolved = check_resolved_status(status)
        self._close_operation(op_id, status=resolved, records=records, remove=remove)

    def pending_operations(self, deployment: str) -> list[Operation]:
        with self._mutex:
            self._check_open()
            return [
                _copy_operation(op)
                for op in self._operations.values()
                if op.intent.deployment == deployment and op.status == "pending"
            ]

    def operations(self, run_id: int) -> list[Operation]:
        with self._mutex:
            self._check_open()
            return [_copy_operation(op) for op in self._operations.values() if op.run_id == run_id]

    # -- audit ----------------------------------------------------------------------------------

    def add_event(
        self, deployment: str, kind: str, message: str, data: dict[str, Any] | None = None
    ) -> None:
        """Append to the audit log; secrets in ``data`` are kept redacted."""
        with self._mutex:
            self._check_open()
            self._add_event(deployment, kind, message, data)

    def events(self, deployment: str, *, limit: int = 100) -> list[Event]:
        """The latest ``limit`` events, oldest first."""
        with self._mutex:
            self._check_open()
            mine = [e for e in self._events if e.deployment == deployment]
            picked = mine[-limit:] if limit > 0 else []
            return [dataclasses.replace(e, data=clone(e.data, "event")) for e in picked]

    def close(self) -> None:
        with self._mutex:
            self._closed = True
