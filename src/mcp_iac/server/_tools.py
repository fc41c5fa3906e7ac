"""The tools of ``mcp-iac serve``.

Each tool is a module-level function taking the request ``Context``; the server's
:class:`Orchestrator` is the lifespan state. Errors a caller can act on (``IacError``: a bad
document, an unknown deployment, a stale plan) reach the model as tool errors with their hint;
anything else is a bug and stays on the server.
"""

# No `from __future__ import annotations`: the SDK reads `Annotated[..., Resolve(...)]` from
# the signatures at registration, and resolvers are looked up by the objects named there.

import functools
import json
import math
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, ParamSpec, TypeVar

import anyio
from mcp.server.mcpserver import Context, Elicit, ElicitationResult, MCPServer, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from mcp_iac.app import RunReport
from mcp_iac.core import IacError, redact
from mcp_iac.engine import ExecEvent, Plan

from ._approval import Approval, CannotAsk, Decision, ask, decide
from ._audit import note
from ._orchestrator import Orchestrator
from ._plans import PlanKind, StoredPlan
from ._results import (
    ApplyResult,
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
    StepOutcome,
    TypeList,
)
from ._review import fingerprint, review
from ._scopes import TOOL_SCOPES, caller

P = ParamSpec("P")
T = TypeVar("T")

READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
PLAN = ToolAnnotations(read_only_hint=True, idempotent_hint=False, open_world_hint=True)
CHANGE = ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=True)

DeploymentArg = Annotated[str, Field(description="The deployment's name (see list_deployments).")]


def orchestrator(ctx: Context) -> Orchestrator:
    state = ctx.request_context.lifespan_context
    assert isinstance(state, Orchestrator), "the server was built without build_server()"
    return state


def translated(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Our own errors become tool errors with their message and hint (the SDK hides the text
    of any other exception as a crash)."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await fn(*args, **kwargs)
        except IacError as exc:
            raise ToolError(str(exc)) from exc

    return wrapper


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
    intent = orchestrator(ctx).interpret(request)
    if intent.kind == "restore" and intent.complete:
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


# -- changing --------------------------------------------------------------------------------


def _ask(
    the_plan: Plan, ctx: Context, what: str, policies: dict[str, Any] | None
) -> Elicit[Approval] | Decision | CannotAsk:
    note(the_plan.deployment, fingerprint=fingerprint(the_plan))
    if policies is not None and not policies["passed"]:
        return Decision("blocked")  # refused in the tool body, nothing to ask
    orch = orchestrator(ctx)
    return ask(the_plan, ctx, auto_approve=orch.auto_approve, what=what, policies=policies)


async def _stored(plan_id: str, ctx: Context) -> StoredPlan:
    try:
        return orchestrator(ctx).book.get(plan_id)
    except IacError as exc:
        raise ToolError(str(exc)) from exc


async def _approve_stored(
    stored: Annotated[StoredPlan, Resolve(_stored)], ctx: Context
) -> Elicit[Approval] | Decision | CannotAsk:
    return _ask(stored.plan, ctx, f"Apply plan {stored.id} to", stored.policies)


async def _destroy_plan(deployment: str, ctx: Context) -> Plan:
    try:
        return await orchestrator(ctx).destroy_plan(deployment)
    except IacError as exc:
        raise ToolError(str(exc)) from exc


async def _approve_destroy(
    the_plan: Annotated[Plan, Resolve(_destroy_plan)], ctx: Context
) -> Elicit[Approval] | Decision | CannotAsk:
    return _ask(the_plan, ctx, "DESTROY", orchestrator(ctx).policies(the_plan))


async def _restore_plan(
    deployment: str, ctx: Context, at: str | None = None, version: int | None = None
) -> Plan:
    try:
        return await orchestrator(ctx).restore_plan(deployment, at=at, version=version)
    except IacError as exc:
        raise ToolError(str(exc)) from exc


async def _approve_restore(
    the_plan: Annotated[Plan, Resolve(_restore_plan)], ctx: Context
) -> Elicit[Approval] | Decision | CannotAsk:
    return _ask(the_plan, ctx, "Restore", orchestrator(ctx).policies(the_plan))


def _progress_line(event: ExecEvent) -> str | None:
    a, verb = event.address, event.action
    return {
        "start": f"{a}: {verb}…",
        "done": f"{a}: {verb} done",
        "unchanged": f"{a}: nothing to change",
        "failed": f"{a}: {verb} failed: {event.message}",
        "skipped": f"{a}: skipped (a dependency failed)",
        "retry": f"{a}: retrying {verb}: {event.message}",
        "rollback": "rolling back completed steps",
        "undo-done": f"{a}: undid {verb}",
        "undo-failed": f"{a}: could not undo {verb}: {event.message}",
    }.get(event.kind)


async def _run_with_progress(
    ctx: Context, orch: Orchestrator, the_plan: Plan, *, kind: PlanKind, intent: str
) -> RunReport:
    """Apply with a progress notification per step. Once approved, the run is shielded from
    the request's cancellation: it finishes (or rolls back) even if the client goes away."""
    total = sum(1 for s in the_plan.steps if s.action not in ("no-op", "read"))
    send, receive = anyio.create_memory_object_stream[ExecEvent](max_buffer_size=math.inf)
    finished = 0

    async def forward() -> None:
        nonlocal finished
        reporting = True
        async with receive:
            async for event in receive:
                if event.kind in ("done", "failed", "skipped", "unchanged"):
                    finished += 1
                line = _progress_line(event)
                if line is None or not reporting:
                    continue
                try:
                    await ctx.report_progress(finished, total, line)
                except Exception:  # the client went away: progress is best effort, the run is not
                    reporting = False

    report: RunReport | None = None
    failure: IacError | None = None
    with anyio.CancelScope(shield=True):
        async with anyio.create_task_group() as tg:
            tg.start_soon(forward)
            with send:
                try:
                    report = await orch.execute(
                        the_plan, kind=kind, intent=intent, on_event=send.send_nowait
                    )
                except IacError as exc:  # raised here, not wrapped in the task group's group
                    failure = exc
    if failure is not None:
        raise failure
    assert report is not None
    return report


def _apply_result(
    report: RunReport, decision: Decision, plan_id: str | None, verb: str
) -> ApplyResult:
    result = report.result
    messages = {
        "succeeded": f"{verb} complete (state version {report.version}).",
        "no-changes": "No changes: the infrastructure already matches.",
        "failed": f"{verb} failed; see the steps.",
        "rolled-back": f"{verb} failed and every completed change was rolled back.",
        "rollback-failed": f"{verb} failed and the rollback did not finish: see still_differs.",
        "interrupted": f"{verb} was interrupted; the next run reconciles what was in flight.",
        "cancelled": "Cancelled; nothing was changed.",
    }
    return ApplyResult(
        deployment=report.deployment,
        status=report.status,
        plan_id=plan_id,
        approved_by=decision.by if report.status != "no-changes" else None,
        summary=report.plan.summary() if report.plan else {},
        run=report.run_id,
        version=report.version,
        steps=[
            StepOutcome(address=o.address, action=o.action, status=o.status, error=o.error)
            for o in (result.outcomes.values() if result else [])
        ],
        rollback=[
            StepOutcome(address=o.address, action=o.action, status=o.status, error=o.error)
            for o in (result.undo.values() if result else [])
        ],
        still_differs=list(result.still_differs) if result else [],
        outputs=redact(result.outputs) if result else {},
        message=messages[report.status],
    )


def _not_applied(the_plan: Plan, decision: Decision, plan_id: str | None) -> ApplyResult:
    status = "declined" if decision.verdict == "declined" else "cancelled"
    return ApplyResult(
        deployment=the_plan.deployment,
        status=status,
        plan_id=plan_id,
        summary=the_plan.summary(),
        message=f"The person {status} the change; nothing was changed.",
    )


async def _change(
    ctx: Context,
    the_plan: Plan,
    outcome: Any,
    *,
    kind: PlanKind,
    plan_id: str | None,
    verb: str,
    intent: str,
) -> ApplyResult:
    decision = decide(outcome)
    note(the_plan.deployment, decision=decision.verdict, approved_by=decision.by)
    if decision.verdict == "blocked":
        raise ToolError(
            f"a mandatory policy fails on this {kind} plan of '{the_plan.deployment}'; nothing "
            "was changed. See the policy results (plan tool), fix the deployment and plan again"
        )
    if decision.verdict in ("declined", "cancelled"):
        return _not_applied(the_plan, decision, plan_id)
    orch = orchestrator(ctx)
    if plan_id is not None:
        orch.book.discard(plan_id)  # a plan id is applied once, approved or not, run or stale
    try:
        report = await _run_with_progress(ctx, orch, the_plan, kind=kind, intent=intent)
    except IacError as exc:
        raise ToolError(str(exc)) from exc
    note(status=report.status, run=report.run_id, version=report.version)
    return _apply_result(report, decision, plan_id, verb)


async def apply(
    plan_id: Annotated[str, Field(description="The plan_id the plan tool returned.")],
    ctx: Context,
    stored: Annotated[StoredPlan, Resolve(_stored)],
    approval: Annotated[ElicitationResult[Any], Resolve(_approve_stored)],
) -> ApplyResult:
    """Apply a plan made by the plan tool, exactly as planned. The person is asked to approve
    it first (the client shows the plan); nothing changes unless they accept. A plan is applied
    at most once, and only if the state has not changed since it was planned."""
    return await _change(
        ctx,
        stored.plan,
        approval,
        kind=stored.kind,
        plan_id=plan_id,
        verb="Apply",
        intent=f"mcp apply {plan_id} by {caller()}",
    )


async def destroy(
    deployment: DeploymentArg,
    ctx: Context,
    the_plan: Annotated[Plan, Resolve(_destroy_plan)],
    approval: Annotated[ElicitationResult[Any], Resolve(_approve_destroy)],
) -> ApplyResult:
    """Delete every resource of a deployment (dependents first). The person is asked to
    approve the destroy plan first; nothing changes unless they accept."""
    return await _change(
        ctx,
        the_plan,
        approval,
        kind="destroy",
        plan_id=None,
        verb="Destroy",
        intent=f"mcp destroy {deployment} by {caller()}",
    )


async def restore(
    deployment: DeploymentArg,
    *,
    ctx: Context,
    the_plan: Annotated[Plan, Resolve(_restore_plan)],
    approval: Annotated[ElicitationResult[Any], Resolve(_approve_restore)],
    at: Annotated[
        str | None,
        Field(description="A time, ISO 8601 (2026-11-17, 2026-11-17T18:00Z): the state then."),
    ] = None,
    version: Annotated[int | None, Field(description="A version number from history.")] = None,
) -> ApplyResult:
    """Go back to a deployment's state at a past time or version (from its history): plans
    the way back, asks the person to approve it, then applies it. Give exactly one of at and
    version."""
    return await _change(
        ctx,
        the_plan,
        approval,
        kind="restore",
        plan_id=None,
        verb="Restore",
        intent=f"mcp restore {deployment} to {at or f'version {version}'} by {caller()}",
    )


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
