"""The tools of ``mcp-iac serve``.

Each tool is a module-level function taking the request ``Context``; the server's
:class:`Orchestrator` is the lifespan state. Errors a caller can act on (``IacError``: a bad
document, an unknown deployment, a stale plan) reach the model as tool errors with their hint;
anything else is a bug and stays on the server.
"""

# No `from __future__ import annotations`: the SDK reads `Annotated[..., Resolve(...)]` from
# the signatures at registration, and resolvers are looked up by the objects named there.

import json
from collections.abc import Callable
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from ._audit import note
from ._changes import DeploymentArg, apply, destroy, restore
from ._context import orchestrator, translated
from ._orchestrator import Orchestrator
from ._plans import StoredPlan
from ._results import (
    DeploymentList,
    DriftResult,
    HistoryResult,
    InterpretResult,
    OutputsResult,
    PatternList,
    PlanResult,
    PolicyResults,
    ServerList,
    StateResult,
    StepInfo,
    TypeList,
)
from ._review import review
from ._scopes import TOOL_SCOPES, caller

READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
PLAN = ToolAnnotations(read_only_hint=True, idempotent_hint=False, open_world_hint=True)
CHANGE = ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=True)

# -- reading ---------------------------------------------------------------------------------


@translated
async def list_servers(ctx: Context) -> ServerList:
    """The provider servers this project uses (mcp-iac.yaml, environment, built-ins)."""
    return orchestrator(ctx).servers()


@translated
async def list_resource_types(
    ctx: Context,
    server: Annotated[str | None, Field(description="Only this server.")] = None,
) -> TypeList:
    """The resource types each server offers, with the JSON Schema of their properties: what a
    deployment document can declare."""
    return await orchestrator(ctx).types(server)


@translated
async def list_patterns(ctx: Context) -> PatternList:
    """The deployment patterns (built-in and the project's own), each with the JSON Schema of
    its parameters: plan one with the plan tool's pattern and parameters."""
    return orchestrator(ctx).patterns()


@translated
async def list_deployments(ctx: Context) -> DeploymentList:
    """The deployments recorded in the state store."""
    return orchestrator(ctx).deployments()


@translated
async def state(deployment: DeploymentArg, ctx: Context) -> StateResult:
    """A deployment's recorded resources: ids, properties, outputs, dependencies (secrets are
    shown as "(sensitive)")."""
    return orchestrator(ctx).state(deployment)


@translated
async def outputs(deployment: DeploymentArg, ctx: Context) -> OutputsResult:
    """A deployment's outputs as last recorded."""
    return orchestrator(ctx).outputs(deployment)


@translated
async def history(deployment: DeploymentArg, ctx: Context) -> HistoryResult:
    """A deployment's runs (apply, destroy, refresh, restore), oldest first, with the state
    version each produced."""
    return orchestrator(ctx).history(deployment)


@translated
async def drift(deployment: DeploymentArg, ctx: Context) -> DriftResult:
    """Read every recorded resource back from its provider and report what changed outside
    mcp-iac. Changes nothing."""
    return await orchestrator(ctx).drift(deployment)


@translated
async def interpret(
    request: Annotated[str, Field(description="What the person asked for, in their words.")],
    ctx: Context,
) -> InterpretResult:
    """Read a request in words ("Deploy a Minecraft server for 10 players", "Restore production
    from last Tuesday") into a pattern with parameters, or a restore; lists what was understood,
    what is missing and what was not understood. Offline rules, no LLM: check its reading."""
    orch = orchestrator(ctx)
    intent = orch.interpret(request)
    recorded = [d.name for d in orch.project.state.deployments()]
    if intent.kind == "restore" and intent.deployment and intent.deployment not in recorded:
        step = (
            f"no deployment named '{intent.deployment}' is recorded (recorded: "
            f"{', '.join(recorded) or 'none'}); ask the person which one they mean"
        )
    elif intent.kind == "restore" and intent.complete:
        when = (
            f'at="{intent.restore_at}"'
            if intent.restore_at
            else f"version={intent.restore_version}"
        )
        step = f'call restore with deployment="{intent.deployment}" and {when}'
    elif intent.kind == "pattern" and intent.complete:
        step = (
            f'call plan with pattern="{intent.pattern}" and parameters='
            f"{json.dumps(intent.parameters, sort_keys=True)}, then show the review to the person"
        )
    else:
        step = "ask the person for what is missing, or write a deployment document for plan"
    return InterpretResult(**intent.model_dump(), next=step)


# -- planning --------------------------------------------------------------------------------


def policy_results(report: dict[str, Any] | None) -> PolicyResults:
    if report is None:
        return PolicyResults(checked=False, note="nothing changes, so no policy ran")
    return PolicyResults(
        checked=True,
        passed=bool(report["passed"]),
        evaluated=list(report["evaluated"]),
        summary=dict(report["summary"]),
        results=list(report["results"]),
    )


def plan_result(stored: StoredPlan) -> PlanResult:
    plan = stored.plan
    if stored.blocked:
        step = "a mandatory policy failed: fix the deployment and plan again (apply refuses it)"
    elif plan.has_changes:
        step = (
            f'show the review to the person, then call apply with plan_id="{stored.id}"; '
            "the person is asked to approve before anything changes"
        )
    else:
        step = "nothing to do: the infrastructure already matches"
    return PlanResult(
        plan_id=stored.id,
        deployment=plan.deployment,
        mode=plan.mode,
        has_changes=plan.has_changes,
        summary=plan.summary(),
        review=review(plan),
        steps=[
            StepInfo(
                address=s.address,
                action=s.action,
                reason=s.reason,
                changed_paths=list(s.changed_paths),
            )
            for s in plan.steps
        ],
        policies=policy_results(stored.policies),
        warnings=list(plan.warnings),
        next=step,
    )


@translated
async def plan(
    ctx: Context,
    *,
    document: Annotated[
        dict[str, Any] | str | None,
        Field(
            description="A deployment document (apiVersion iac.mcp/v1, kind Deployment), as an "
            "object or as YAML/JSON text. Give this, or a pattern."
        ),
    ] = None,
    variables: Annotated[
        dict[str, Any] | None, Field(description="Values for the document's variables.")
    ] = None,
    pattern: Annotated[
        str | None, Field(description="A pattern name (see list_patterns), instead of a document.")
    ] = None,
    parameters: Annotated[
        dict[str, Any] | None, Field(description="The pattern's parameters (its JSON Schema).")
    ] = None,
    deployment: Annotated[
        str | None, Field(description="Name the pattern's deployment (default: the pattern's).")
    ] = None,
) -> PlanResult:
    """Plan a deployment document, or a pattern with parameters, against the recorded state;
    changes nothing. Returns a plan id, the counts, a readable diff (review) to show the
    person, and the policy results."""
    if (document is None) == (pattern is None):
        raise ToolError("give exactly one of document (a deployment) or pattern (a name)")
    orch = orchestrator(ctx)
    if pattern is not None:
        stored = await orch.plan_pattern(
            pattern, parameters, deployment=deployment, made_by=caller()
        )
    else:
        if parameters is not None or deployment is not None:
            raise ToolError("parameters and deployment go with a pattern, not with a document")
        assert document is not None
        stored = await orch.plan_document(document, variables=variables, made_by=caller())
    note(stored.plan.deployment, plan_id=stored.id, summary=stored.plan.summary())
    return plan_result(stored)


def register_tools(mcp: MCPServer[Orchestrator]) -> None:
    """Add every tool; each must have a scope in ``TOOL_SCOPES`` (checked here, loudly)."""
    tools: list[tuple[Callable[..., Any], ToolAnnotations]] = [
        (list_servers, READ),
        (list_resource_types, READ),
        (list_patterns, READ),
        (list_deployments, READ),
        (state, READ),
        (outputs, READ),
        (history, READ),
        (drift, ToolAnnotations(read_only_hint=True, open_world_hint=True)),
        (interpret, READ),
        (plan, PLAN),
        (apply, CHANGE),
        (destroy, CHANGE),
        (restore, CHANGE),
    ]
    missing = {fn.__name__ for fn, _ in tools} - set(TOOL_SCOPES)
    if missing:
        raise RuntimeError(f"tools without a scope in TOOL_SCOPES: {sorted(missing)}")
    for fn, annotations in tools:
        mcp.add_tool(fn, annotations=annotations)
