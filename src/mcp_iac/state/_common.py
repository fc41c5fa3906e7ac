"""What every store shares: the clock, who is acting, lock liveness, time parsing, value checks."""

from __future__ import annotations

import getpass
import math
import os
import socket
import uuid
from datetime import UTC, datetime
from typing import Any, cast

from mcp_iac.core import UNKNOWN, ConfigError, Secret, StateError, StateLocked
from mcp_iac.engine import LockInfo, OperationStatus, ResourceRecord

SECRET_MARK = "$secret"
"""The key of the one-key object that stands for an encrypted :class:`Secret` at rest."""

FINISHED_RUN_STATUSES = frozenset({"succeeded", "failed", "rolled-back", "interrupted", "crashed"})
RESOLVED_OPERATION_STATUSES = frozenset({"recovered", "abandoned"})

_PID_REUSE_TOLERANCE = 1.0
"""Seconds a process start time may differ from the recorded one and still be the same process."""


def now() -> str:
    """The current time as ISO 8601 UTC with microseconds; sorts as text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> str:
    """Normalise a user-given time to the stored format; naive times and dates count as UTC.

    Raises:
        ConfigError: ``text`` is not an ISO 8601 date or time.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ConfigError(
            f"invalid time '{text}'",
            hint="use ISO 8601, e.g. 2026-11-17 or 2026-11-17T10:00:00Z "
            "(UTC unless an offset is given)",
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def current_user() -> str:
    """Who is acting: ``MCP_IAC_USER`` if set, else the login name."""
    user = os.environ.get("MCP_IAC_USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers; still record something
        return "unknown"


def hostname() -> str:
    return socket.gethostname()


def own_start_time() -> float | None:
    """When this process started (tells a live lock holder from a reused pid)."""
    import psutil  # noqa: PLC0415  # only runs that take a lock need it

    try:
        return float(psutil.Process(os.getpid()).create_time())
    except psutil.Error:
        return None


def new_lock(deployment: str, operation: str) -> LockInfo:
    return LockInfo(
        deployment=deployment,
        lock_id=uuid.uuid4().hex,
        who=current_user(),
        host=hostname(),
        pid=os.getpid(),
        operation=operation,
        since=now(),
    )


def holder_alive(lock: LockInfo, started: float | None = None) -> bool:
    """False only when the holder certainly died: same host, and its pid is gone, a zombie, or
    now belongs to a process that started at another time than the holder."""
    if lock.host != hostname():
        return True
    import psutil  # noqa: PLC0415  # only runs that meet a lock need it

    if not psutil.pid_exists(lock.pid):
        return False
    try:
        process = psutil.Process(lock.pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        if started is not None and abs(process.create_time() - started) > _PID_REUSE_TOLERANCE:
            return False
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # someone else's live process
        return True
    return True


def locked_error(lock: LockInfo) -> StateLocked:
    return StateLocked(
        f"deployment '{lock.deployment}' is {lock.describe()}",
        hint="wait for it to finish, or if no run is active: "
        f"mcp-iac state unlock {lock.deployment}",
    )


def lock_data(lock: LockInfo) -> dict[str, Any]:
    """A lock as event data."""
    return {
        "lock_id": lock.lock_id,
        "who": lock.who,
        "host": lock.host,
        "pid": lock.pid,
        "operation": lock.operation,
        "since": lock.since,
    }


def check_finished_status(status: str) -> None:
    if status not in FINISHED_RUN_STATUSES:
        raise ValueError(
            f"finish_run status must be one of {sorted(FINISHED_RUN_STATUSES)}, not {status!r}"
        )


def check_resolved_status(status: str) -> OperationStatus:
    if status not in RESOLVED_OPERATION_STATUSES:
        raise ValueError(
            f"resolve_operation status must be one of {sorted(RESOLVED_OPERATION_STATUSES)}, "
            f"not {status!r}"
        )
    return cast("OperationStatus", status)


def same_record(a: ResourceRecord, b: ResourceRecord) -> bool:
    """Equal in everything but the timestamps."""
    return (
        a.urn == b.urn
        and a.address == b.address
        and a.server == b.server
        and a.type == b.type
        and a.name == b.name
        and a.id == b.id
        and a.properties == b.properties
        and a.outputs == b.outputs
        and tuple(a.dependencies) == tuple(b.dependencies)
        and a.idempotency_key == b.idempotency_key
        and a.protect == b.protect
        and a.status == b.status
    )


def clone(value: object, where: str) -> Any:
    """A deep copy of a JSON tree with :class:`Secret` leaves, checked like the SQLite store
    checks what it writes.

    Raises:
        StateError: the tree holds something state cannot keep (unknown, non-JSON, NaN).
    """
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise StateError(f"{where}: cannot record the non-finite number {value!r}")
        return value
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get(SECRET_MARK), str):
            raise reserved_error(where)
        copy: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise StateError(f"{where}: object keys must be strings, not {key!r}")
            copy[key] = clone(item, where)
        return copy
    if isinstance(value, list | tuple):
        return [clone(item, where) for item in value]
    if isinstance(value, Secret):
        return Secret(clone(value.value, where))
    raise unstorable_error(value, where)


def unstorable_error(value: object, where: str) -> StateError:
    if value is UNKNOWN:
        return StateError(f"{where}: cannot record a value that is known only after apply")
    return StateError(f"{where}: cannot record a value of type {type(value).__name__}")


def reserved_error(where: str) -> StateError:
    return StateError(
        f"{where}: an object whose only key is '{SECRET_MARK}' is reserved for encrypted secrets",
        hint="rename the key or wrap the value in Secret(...)",
    )
