"""Graph, planner, executor, rollback and recovery; the outside world only through ``ports``.

Names load their submodule on first use (see ``core.lazy_exports``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp_iac.core import lazy_exports

if TYPE_CHECKING:
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

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ACTIONS": "_plan",
        "Action": "_plan",
        "ApplyResult": "_executor",
        "ApplyStatus": "_executor",
        "BoundDeployment": "_bind",
        "BoundResource": "_bind",
        "DeploymentRecord": "_records",
        "Event": "_records",
        "EventSink": "_executor",
        "ExecEvent": "_executor",
        "ExecOptions": "_executor",
        "Executor": "_executor",
        "LockInfo": "_records",
        "Mode": "_plan",
        "OnFailure": "_executor",
        "Operation": "_records",
        "OperationIntent": "_records",
        "OperationKind": "_records",
        "OperationStatus": "_records",
        "Plan": "_plan",
        "PlanStep": "_plan",
        "Provider": "ports",
        "ProviderSource": "ports",
        "Recovered": "_recovery",
        "ResourceRecord": "_records",
        "RunKind": "_records",
        "RunRecord": "_records",
        "RunStatus": "_records",
        "Snapshot": "_records",
        "StateStore": "ports",
        "StepOptions": "_plan",
        "StepOutcome": "_executor",
        "StopSignal": "_executor",
        "Walk": "_walk",
        "base_address": "_planner",
        "bind": "_bind",
        "closure": "_graph",
        "coerce_variable": "_bind",
        "deposed_address": "_planner",
        "display": "_plan",
        "find_cycle": "_graph",
        "is_deposed": "_planner",
        "levels": "_graph",
        "make_plan": "_planner",
        "recover": "_recovery",
        "referenced": "_resolve",
        "resolve": "_resolve",
        "resolve_outputs": "_outputs",
        "reverse": "_graph",
        "secret_value": "_bind",
        "to_json": "_resolve",
        "topo_order": "_graph",
    },
)

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
