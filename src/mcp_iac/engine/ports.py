"""What the engine needs from the outside world. Callers inject implementations.

- :class:`Provider`: one provider server (iac/1 operations). Implemented over MCP by the registry.
- :class:`ProviderSource`: finds the provider for a server name, with its concurrency limit.
- :class:`StateStore`: durable state (SQLite, PostgreSQL, memory) in ``mcp_iac.state``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol

from mcp_iac.protocol import (
    CreateResult,
    ListItem,
    ProviderSchema,
    ReadResult,
    UpdateResult,
    ValidationIssue,
)

from ._records import (
    DeploymentRecord,
    Event,
    LockInfo,
    Operation,
    OperationIntent,
    ResourceRecord,
    RunKind,
    RunRecord,
    RunStatus,
    Snapshot,
)


class Provider(Protocol):
    """One provider server, as the engine calls it. Errors are raised as ``ProviderError``.

    Contract (the engine's rollback and recovery rely on it):
    - ``create`` is idempotent on ``idempotency_key``: a second call with the same key returns the
      object the first one made; a failed create leaves nothing behind.
    - ``delete`` of an object that no longer exists succeeds (NOT_FOUND counts as deleted); a
      failed delete means the object still exists.
    - ``list(type, {"idempotency_key": k})`` finds the object created with key ``k``.
    """

    async def describe(self) -> ProviderSchema: ...

    async def validate(self, type_: str, properties: dict[str, Any]) -> list[ValidationIssue]: ...

    async def create(
        self,
        type_: str,
        *,
        name: str,
        urn: str,
        idempotency_key: str,
        properties: dict[str, Any],
    ) -> CreateResult: ...

    async def read(self, type_: str, id_: str, properties: dict[str, Any]) -> ReadResult: ...

    async def update(
        self, type_: str, id_: str, *, old: dict[str, Any], new: dict[str, Any]
    ) -> UpdateResult: ...

    async def delete(self, type_: str, id_: str, properties: dict[str, Any]) -> None: ...

    async def list(self, type_: str, filter_: dict[str, Any]) -> list[ListItem]: ...


class ProviderSource(Protocol):
    """Finds providers by server name. Used as an async context manager around every use (it
    may hold connections open)."""

    async def __aenter__(self) -> ProviderSource: ...

    async def __aexit__(self, *exc: object) -> None: ...

    def servers(self) -> list[str]:
        """Names of the servers this source knows."""
        ...

    async def get(self, server: str) -> Provider:
        """The provider behind ``server``; raises ConfigError naming the server if unknown."""
        ...

    async def connect(self, server: str) -> None:
        """Make sure ``server`` is started and healthy. ``get`` may hand out a provider whose
        server starts on its first call (one whose answers for planning are remembered); a
        run calls this for every server it will change before changing anything."""
        ...

    def limit(self, server: str) -> int:
        """How many calls may run at once against ``server``."""
        ...


class StateStore(Protocol):
    """Durable state. Every method that writes commits before it returns.

    Writes per applied step are O(1): ``begin_operation`` and ``complete_operation`` each touch one
    journal row and the resource rows they name, never a whole snapshot. The serial moves once
    per call that actually changes something (identical writes leave it, so a refresh that finds
    nothing new does not make saved plans stale).
    """

    # deployments and resources
    def deployment(self, name: str) -> DeploymentRecord | None: ...
    def deployments(self) -> list[DeploymentRecord]: ...
    def resources(self, deployment: str) -> dict[str, ResourceRecord]:
        """Current resources of ``deployment`` keyed by address."""
        ...

    def write_resources(
        self,
        deployment: str,
        *,
        records: Sequence[ResourceRecord] = (),
        remove: Sequence[str] = (),
    ) -> None:
        """Upsert ``records`` and remove the resources at addresses ``remove``, in one
        transaction, outside the journal (refresh, import, bookkeeping). Bumps the serial."""
        ...

    def set_outputs(self, deployment: str, outputs: dict[str, Any]) -> None: ...

    # locking
    def acquire_lock(self, deployment: str, *, operation: str) -> LockInfo:
        """Take the deployment's lock (creating the deployment if new); raises StateLocked."""
        ...

    def release_lock(self, lock: LockInfo) -> None: ...
    def force_unlock(self, deployment: str) -> LockInfo | None:
        """Remove any lock; returns what it removed."""
        ...

    # runs and history
    def begin_run(
        self, deployment: str, *, kind: RunKind, intent: str, plan: dict[str, Any] | None = None
    ) -> int: ...
    def finish_run(
        self,
        run_id: int,
        *,
        status: RunStatus,
        summary: dict[str, Any] | None = None,
        changed: bool = True,
    ) -> RunRecord:
        """Close a run; when ``changed`` bumps the history version and stores the snapshot."""
        ...

    def runs(self, deployment: str) -> list[RunRecord]: ...
    def snapshot(
        self, deployment: str, *, version: int | None = None, at: str | None = None
    ) -> Snapshot | None:
        """The state as of history ``version``, or as of time ``at`` (ISO 8601)."""
        ...

    # the intent journal
    def begin_operation(self, run_id: int, intent: OperationIntent) -> int: ...

    def begin_operations(self, run_id: int, intents: Sequence[OperationIntent]) -> list[int]:
        """``begin_operation`` for several intents in one durable transaction (one wait for
        the disk); their ids in order; all or none are written."""
        ...

    def complete_operation(
        self,
        op_id: int,
        *,
        records: Sequence[ResourceRecord] = (),
        remove: Sequence[str] = (),
        result_id: str | None = None,
    ) -> None:
        """Mark the operation done and, in the same transaction, upsert ``records`` and remove
        the resources at addresses ``remove`` (bumps the serial)."""
        ...

    def fail_operation(self, op_id: int, error: str) -> None: ...
    def resolve_operation(
        self,
        op_id: int,
        *,
        status: Literal["recovered", "abandoned"],
        records: Sequence[ResourceRecord] = (),
        remove: Sequence[str] = (),
    ) -> None:
        """Close a pending operation found after a crash (``recovered`` or ``abandoned``), with
        the same atomic record changes as ``complete_operation``."""
        ...

    def pending_operations(self, deployment: str) -> list[Operation]: ...
    def operations(self, run_id: int) -> list[Operation]: ...

    # audit
    def add_event(
        self, deployment: str, kind: str, message: str, data: dict[str, Any] | None = None
    ) -> None: ...
    def events(self, deployment: str, *, limit: int = 100) -> list[Event]: ...

    def close(self) -> None: ...
