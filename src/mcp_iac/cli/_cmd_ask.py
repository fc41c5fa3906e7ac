"""``mcp-iac ask "..."``: a request in words → a plan, reviewed, applied on confirmation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from mcp_iac import app as usecases
from mcp_iac.core import ConfigError
from mcp_iac.engine import Plan, StopSignal
from mcp_iac.intents import Intent, interpret
from mcp_iac.patterns import parse_param_pairs
from mcp_iac.policy import PolicyReport

from ._cmd_run import _finish as finish_run
from ._cmd_run import report_json
from ._common import (
    JsonOpt,
    StateOpt,
    YesOpt,
    confirm_factory,
    project,
    run_async,
    run_interruptible,
)
from ._console import out, print_json
from ._render import Progress, render_plan, render_policies

ParamOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        help="Set or add a pattern parameter: --param appName=shop (repeatable; as in "
        "mcp-iac pattern up).",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)


def _catalog(proj: usecases.Project) -> dict[str, dict[str, Any] | None]:
    """The project's patterns (built-in and its own) with their parameter schemas."""
    return {p.name: p.schema() for p in usecases.pattern_library(proj)}


def _refuse(intent: Intent) -> None:
    if intent.kind == "unknown":
        raise ConfigError(
            "the request was not understood as a deployment pattern or a restore",
            hint="say what to make (e.g. 'a Minecraft server for 10 players') or what to restore "
            "('restore production from last Tuesday'); for anything else write a deployment file",
        )
    if intent.missing:
        raise ConfigError(
            "the request does not say enough: " + "; ".join(intent.missing),
            hint="say it in the request, or give pattern parameters with --param NAME=VALUE",
        )


def ask(
    request: Annotated[str, typer.Argument(help="What you want, in words (quote it).")],
    param: ParamOpt = None,
    yes: YesOpt = False,
    plan_only: Annotated[
        bool, typer.Option("--plan-only", help="Show the reading and the plan; change nothing.")
    ] = False,
    json: JsonOpt = False,
    state: StateOpt = None,
) -> None:
    """Turn a request in words into a plan (offline rules), show it, apply on confirmation."""
    with project(state) as proj:
        intent = interpret(request, patterns=_catalog(proj), now=datetime.now(UTC))
        if param:
            if intent.kind != "pattern":
                raise ConfigError("--param sets pattern parameters; this request is no pattern")
            intent = intent.with_parameters(parse_param_pairs(param))
        if json and not intent.complete:
            print_json({"intent": intent.model_dump(mode="json"), "plan": None, "report": None})
        elif not json:
            out.print(intent.explain(), markup=False, highlight=False)
            out.print()
        _refuse(intent)
        if intent.kind == "pattern":
            _pattern(proj, intent, yes=yes, plan_only=plan_only, json=json)
        else:
            _restore(proj, intent, yes=yes, plan_only=plan_only, json=json)


def _pattern(
    proj: usecases.Project, intent: Intent, *, yes: bool, plan_only: bool, json: bool
) -> None:
    assert intent.pattern is not None
    spec = usecases.render_pattern(proj, intent.pattern, intent.parameters)
    loaded = usecases.load(proj, spec, {})
    if plan_only:
        the_plan = run_async(proj, lambda: usecases.plan(proj, loaded, deployment=spec.name))
        policies = usecases.check_policies(proj, the_plan) if the_plan.has_changes else None
        if json:
            print_json(
                {
                    "intent": intent.model_dump(mode="json"),
                    "plan": the_plan.to_dict(),
                    "policies": policies.to_dict() if policies else None,
                }
            )
            return
        render_plan(the_plan)
        if policies is not None:
            render_policies(policies)
        return
    checked: list[PolicyReport] = []

    def show(the_plan: Plan) -> None:
        render_plan(the_plan)
        if checked:
            render_policies(checked[-1])

    confirm = confirm_factory(yes, (lambda p: None) if json else show)

    async def go(stop: StopSignal) -> usecases.RunReport:
        return await usecases.up(
            proj,
            loaded,
            confirm=confirm,
            on_event=None if json else Progress(),
            stop=stop,
            intent=f'mcp-iac ask "{intent.request}"',
            on_policies=checked.append,
        )

    try:
        report = run_interruptible(proj, go)
    except* usecases.PolicyBlocked as blocked:  # the task group wraps it
        refused = blocked.exceptions[0]
        if not json and isinstance(refused, usecases.PolicyBlocked):
            render_plan(refused.plan)
        raise
    if json:
        print_json({"intent": intent.model_dump(mode="json"), "report": report_json(report)})
        if not report.ok:
            raise typer.Exit(1)
        return
    finish_run(report, False, "Apply")


def _restore(
    proj: usecases.Project, intent: Intent, *, yes: bool, plan_only: bool, json: bool
) -> None:
    assert intent.deployment is not None
    deployment = intent.deployment
    if proj.state.deployment(deployment) is None:
        known = [d.name for d in proj.state.deployments()]
        raise ConfigError(
            f"no deployment named '{deployment}' is recorded",
            hint="recorded: " + (", ".join(known) or "none"),
        )
    if plan_only:
        the_plan = run_async(
            proj,
            lambda: usecases.plan_restore(
                proj, deployment, at=intent.restore_at, version=intent.restore_version
            ),
        )
        if json:
            print_json({"intent": intent.model_dump(mode="json"), "plan": the_plan.to_dict()})
        else:
            render_plan(the_plan)
        return
    report = run_interruptible(
        proj,
        lambda stop: usecases.restore(
            proj,
            deployment,
            at=intent.restore_at,
            version=intent.restore_version,
            confirm=confirm_factory(yes, (lambda p: None) if json else render_plan),
            on_event=None if json else Progress(),
            stop=stop,
            intent=f'mcp-iac ask "{intent.request}"',
        ),
    )
    if json:
        print_json({"intent": intent.model_dump(mode="json"), "report": report_json(report)})
        if not report.ok:
            raise typer.Exit(1)
        return
    finish_run(report, False, "Restore")
