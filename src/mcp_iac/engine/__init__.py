"""Graph, planner, executor, rollback and recovery; the outside world only through ``ports``."""

from ._records import (
    DeploymentRecord,
    Event,
    LockInfo,
    Operation,
    OperationIntent,
    OperationKind,
    OperationStatus,
    ResourceRecord,
    RunKind,
    RunRecord,
    RunStatus,
    Snapshot,
)
from .ports import Provider, ProviderSource, StateStore

__all__ = [
    "DeploymentRecord",
    "Event",
    "LockInfo",
    "Operation",
    "OperationIntent",
    "OperationKind",
    "OperationStatus",
    "Provider",
    "ProviderSource",
    "ResourceRecord",
    "RunKind",
    "RunRecord",
    "RunStatus",
    "Snapshot",
    "StateStore",
]
