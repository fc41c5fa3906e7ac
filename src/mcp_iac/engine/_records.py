"""What the engine keeps in state: resources, runs, journal operations, locks, events.

Frozen slotted dataclasses: cheap to build by the ten thousand. Property and output trees may hold
:class:`~mcp_iac.core.Secret` leaves; the state store encrypts those at rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

OperationKind = Literal["create", "update", "delete"]
OperationStatus = Literal["pending", "done", "failed", "recovered", "abandoned"]
RunKind = Literal["apply", "destroy", "refresh", "rollback", "restore", "recover", "import"]
RunStatus = Literal["running", "succeeded", "failed", "rolled-back", "interrupted", "crashed"]


@dataclass(frozen=True, slots=True)
class ResourceRecord:
    """One managed object as last recorded."""

    urn: str
    address: str
    server: str
    type: str
    name: str
    id: str
    properties: dict[str, Any]
    """The resolved inputs last sent to the provider (or read back by refresh)."""
    outputs: dict[str, Any]
    dependencies: tuple[str, ...] = ()
    """Addresses this resource depended on when last applied (orders deletes)."""
    idempotency_key: str = ""
    protect: bool = False
    status: Literal["ready", "tainted"] = "ready"
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True, slots=True)
class DeploymentRecord:
    name: str
    version: int
    """History version: bumped by every finished run that changed state."""
    serial: int
    """Bumped by every recorded change; saved plans must match it."""
    lineage: str
    outputs: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""
    lock: LockInfo | None = None


@dataclass(frozen=True, slots=True)
class LockInfo:
    deployment: str
    lock_id: str
    who: str
    host: str
    pid: int
    operation: str
    since: str

    def describe(self) -> str:
        return (
            f"locked by {self.who} (pid {self.pid} on {self.host}) since {self.since} "
            f"({self.operation})"
        )


@dataclass(frozen=True, slots=True)
class OperationIntent:
    """Written durably before a provider call."""

    deployment: str
    urn: str
    address: str
    server: str
    type: str
    name: str
    kind: OperationKind
    idempotency_key: str
    resource_id: str | None
    """The provider id the call acts on (update/delete); None for create."""
    inputs: dict[str, Any]
    """Properties sent to the provider."""
    prior: ResourceRecord | None
    """The record before the call (what rollback and recovery restore)."""
    dependencies: tuple[str, ...] = ()
    protect: bool = False


@dataclass(frozen=True, slots=True)
class Operation:
    """A journal entry: the intent plus its outcome."""

    id: int
    run_id: int
    intent: OperationIntent
    status: OperationStatus
    started_at: str
    finished_at: str | None = None
    error: str | None = None
    result_id: str | None = None


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    deployment: str
    kind: RunKind
    status: RunStatus
    started_at: str
    finished_at: str | None
    who: str
    intent: str
    """What the user asked for, in words (the command line, or an AI request)."""
    version: int | None
    """History version this run produced (None if it changed nothing or has not finished)."""
    summary: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The resources and outputs of a deployment as a past run left them."""

    deployment: str
    version: int
    run_id: int
    taken_at: str
    resources: dict[str, ResourceRecord]
    outputs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    deployment: str
    at: str
    who: str
    kind: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)
