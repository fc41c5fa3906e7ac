"""``mcp-iac ask "..."``: a request in words → a plan, reviewed, applied on confirmation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from mcp_iac import app as usecases
from mcp_iac.core import ConfigError
from mcp_iac.intents import Intent, interpret

from ._cmd_run import report_json
from ._common import JsonOpt, StateOpt, YesOpt, confirm_factory, project, run_interruptible
from ._console import out, print_json
from ._render import Progress, render_plan, render_report


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)


def _catalog(proj: usecases.Project) -> dict[str, dict[str, Any] | None]:
    """Available patterns with their parameter schemas (none in this build yet)."""
    return {}


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
            hint="say it in the request and ask again",
        )


def ask(
    request: Annotated[str, typer.Argument(help="What you want, in words (quote it).")],
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
        if json and not intent.complete:
            print_json({"intent": intent.model_dump(mode="json"), "plan": None, "report": None})
        elif not json:
            out.print(intent.explain(), markup=False, highlight=False)
            out.print()
        _refuse(intent)
        if intent.kind == "pattern":
            raise ConfigError(
                f"the pattern '{intent.pattern}' is not available in this build",
                hint="write a deployment file for it and run mcp-iac plan / up",
            )
        assert intent.deployment is not None
        deployment = intent.deployment
        if proj.state.deployment(deployment) is None:
            known = [d.name for d in proj.state.deployments()]
            raise ConfigError(
                f"no deployment named '{deployment}' is recorded",
                hint="recorded: " + (", ".join(known) or "none"),
            )
        if plan_only:
            the_plan = run_interruptible(
                proj,
                lambda stop: usecases.plan_restore(
                    proj, deployment, at=intent.restore_at, version=intent.restore_version
                ),
            )
            if json:
                print_json({"intent": intent.model_dump(mode="json"), "plan": the_plan.to_dict()})
            else:
                render_plan(the_plan)
            return
        render = (lambda p: None) if json else render_plan
        report = run_interruptible(
            proj,
            lambda stop: usecases.restore(
                proj,
                deployment,
                at=intent.restore_at,
                version=intent.restore_version,
                confirm=confirm_factory(yes, render),
                on_event=None if json else Progress(),
                stop=stop,
                intent=f'mcp-iac ask "{request}"',
            ),
        )
    if json:
        print_json({"intent": intent.model_dump(mode="json"), "report": report_json(report)})
    else:
        render_report(report, verb="Restore")
    if not report.ok:
        raise typer.Exit(1)
