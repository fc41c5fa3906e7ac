"""Graph, planner, executor, rollback and recovery; the outside world only through ``ports``."""

from ._bind import BoundDeployment, BoundResource, bind, coerce_variable, secret_value
from ._executor import (
    ApplyResult,
    ApplyStatus,
    EventSink,
    ExecEvent,
    ExecOptions,
    Executor,
    OnFailure,
    StepOutcome,
    StopSignal,
)
from ._graph import closure, find_cycle, levels, reverse, topo_order
from ._outputs import resolve_outputs
from ._plan import ACTIONS, Action, Mode, Plan, PlanStep, StepOptions, display
from ._planner import base_address, deposed_address, is_deposed, make_plan
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
from ._recovery import Recovered, recover
from ._resolve import referenced, resolve, to_json
from ._walk import Walk
from .ports import Provider, ProviderSource, StateStore

__all__ = [
    "ACTIONS",
    "Action",
    "ApplyResult",
    "ApplyStatus",
    "BoundDeployment",
    "BoundResource",
    "DeploymentRecord",
    "Event",
    "EventSink",
    "ExecEvent",
    "ExecOptions",
    "Executor",
    "LockInfo",
    "Mode",
    "OnFailure",
    "Operation",
    "OperationIntent",
    "OperationKind",
    "OperationStatus",
    "Plan",
    "PlanStep",
    "Provider",
    "ProviderSource",
    "Recovered",
    "ResourceRecord",
    "RunKind",
    "RunRecord",
    "RunStatus",
    "Snapshot",
    "StateStore",
    "StepOptions",
    "StepOutcome",
    "StopSignal",
    "Walk",
    "base_address",
    "bind",
    "closure",
    "coerce_variable",
    "deposed_address",
    "display",
    "find_cycle",
    "is_deposed",
    "levels",
    "make_plan",
    "recover",
    "referenced",
    "resolve",
    "resolve_outputs",
    "reverse",
    "secret_value",
    "to_json",
    "topo_order",
]
