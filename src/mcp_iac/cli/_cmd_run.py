"""Commands that change things: up, destroy, refresh, drift."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mcp_iac import app as usecases
from mcp_iac.core import ConfigError, redact
from mcp_iac.engine import ExecOptions, OnFailure, Plan, StopSignal
from mcp_iac.policy import PolicyReport

from ._common import (
    FileOpt,
    JsonOpt,
    ParallelismOpt,
    StateOpt,
    TargetOpt,
    VarOpt,
    YesOpt,
    confirm_factory,
    deployment_name,
    load_deployment,
    project,
    run_async,
    run_interruptible,
)
from ._console import out, print_json
from ._render import Progress, render_drift, render_plan, render_policies, render_report

OnFailureOpt = Annotated[
    str,
    typer.Option("--on-failure", help="rollback | continue | stop", case_sensitive=False),
]


def register(app: typer.Typer) -> None:
    app.command("up")(up)
    app.command("destroy")(destroy)
    app.command("refresh")(refresh)
    app.command("drift")(drift)


def _options(parallelism: int, on_failure: str) -> ExecOptions:
    modes: dict[str, OnFailure] = {"rollback": "rollback", "continue": "continue", "stop": "stop"}
    if on_failure not in modes:
        raise ConfigError(f"--on-failure must be rollback, continue or stop, not '{on_failure}'")
    return ExecOptions(parallelism=parallelism, on_failure=modes[on_failure])


def report_json(report: usecases.RunReport) -> dict[str, object]:
    result = report.result
    return {
        "deployment": report.deployment,
        "status": report.status,
        "run": report.run_id,
        "version": report.version,
        "summary": report.plan.summary() if report.plan else {},
        "steps": [
            {
                "address": o.address,
                "action": o.action,
                "status": o.status,
                "error": o.error,
                "seconds": round(o.seconds, 4),
            }
            for o in (result.outcomes.values() if result else [])
        ],
        "rollback": [
            {"address": o.address, "action": o.action, "status": o.status, "error": o.error}
            for o in (result.undo.values() if result else [])
        ],
        "still_differs": result.still_differs if result else [],
        "outputs": redact(result.outputs) if result else {},
        "recovered": [
            {"address": r.address, "kind": r.kind, "outcome": r.outcome} for r in report.recovered
        ],
        "policies": report.policies.to_dict() if report.policies else None,
    }


def _finish(report: usecases.RunReport, json: bool, verb: str, *, quiet: bool = False) -> None:
    if json:
        print_json(report_json(report))
    else:
        render_report(report, verb=verb, quiet=quiet)
    if not report.ok:
        raise typer.Exit(1)


def up(
    plan_file: Annotated[
        Path | None,
        typer.Argument(
            help="A plan saved with `mcp-iac plan --out`; applied exactly, if still current."
        ),
    ] = None,
    file: FileOpt = None,
    var: VarOpt = None,
    state: StateOpt = None,
    target: TargetOpt = None,
    yes: YesOpt = False,
    parallelism: ParallelismOpt = 10,
    on_failure: OnFailureOpt = "rollback",
    json: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print problems.")] = False,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Read resources back first, so changes made outside mcp-iac are put back too.",
        ),
    ] = False,
) -> None:
    """Create, update and delete resources so they match the deployment."""
    options = _options(parallelism, on_failure)
    saved = Plan.load(plan_file) if plan_file is not None else None
    with project(state) as proj:
        loaded = load_deployment(proj, file, var) if saved is None else None
        checked: list[PolicyReport] = []

        def show(the_plan: Plan) -> None:
            render_plan(the_plan)
            if checked:
                render_policies(checked[-1])

        render = (lambda p: None) if json or (quiet and yes) else show
        confirm = confirm_factory(yes or saved is not None, render)
        progress = None if json else Progress(quiet=quiet)
        intent = "mcp-iac " + " ".join(sys.argv[1:])

        async def go(stop: StopSignal) -> usecases.RunReport:
            if saved is not None:
                return await usecases.run_plan(
                    proj,
                    deployment=saved.deployment,
                    saved=saved,
                    confirm=confirm,
                    options=options,
                    on_event=progress,
                    stop=stop,
                    intent=intent,
                    on_policies=checked.append,
                )
            assert loaded is not None
            return await usecases.up(
                proj,
                loaded,
                targets=target or (),
                confirm=confirm,
                options=options,
                on_event=progress,
                stop=stop,
                intent=intent,
                refresh=refresh,
                on_policies=checked.append,
            )

        try:
            report = run_interruptible(proj, go)
        except* usecases.PolicyBlocked as blocked:  # the task group wraps it
            refused = blocked.exceptions[0]
            if not json and isinstance(refused, usecases.PolicyBlocked):
                render_plan(refused.plan)
            raise
    _finish(report, json, "Apply", quiet=quiet)


def destroy(
    name: Annotated[
        str | None, typer.Argument(help="Deployment name (default: the file's).")
    ] = None,
    file: FileOpt = None,
    state: StateOpt = None,
    target: TargetOpt = None,
    yes: YesOpt = False,
    parallelism: ParallelismOpt = 10,
    on_failure: OnFailureOpt = "continue",
    json: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print problems.")] = False,
) -> None:
    """Delete every resource of a deployment (dependents first)."""
    options = _options(parallelism, on_failure)
    with project(state) as proj:
        deployment = deployment_name(proj, name, file)
        confirm = confirm_factory(yes, (lambda p: None) if json or (quiet and yes) else render_plan)
        intent = "mcp-iac " + " ".join(sys.argv[1:])
        report = run_interruptible(
            proj,
            lambda stop: usecases.destroy(
                proj,
                deployment,
                targets=target or (),
                confirm=confirm,
                options=options,
                on_event=None if json else Progress(quiet=quiet),
                stop=stop,
                intent=intent,
            ),
        )
    _finish(report, json, "Destroy", quiet=quiet)


def refresh(
    name: Annotated[
        str | None, typer.Argument(help="Deployment name (default: the file's).")
    ] = None,
    file: FileOpt = None,
    state: StateOpt = None,
    json: JsonOpt = False,
) -> None:
    """Read every recorded resource back and record what is really there."""
    with project(state) as proj:
        deployment = deployment_name(proj, name, file)
        report = run_async(proj, lambda: usecases.refresh(proj, deployment))
    if json:
        print_json(
            {
                "deployment": deployment,
                "updated": report.updated,
                "removed": report.removed,
                "unchanged": report.unchanged,
                "errors": report.errors,
            }
        )
    else:
        out.print(
            f"Refreshed '{deployment}': {len(report.updated)} updated, "
            f"{len(report.removed)} gone, {len(report.unchanged)} unchanged."
        )
        for address in report.updated:
            out.print(f"  [yellow]~[/] {address}: recorded what is there now")
        for address in report.removed:
            out.print(f"  [red]-[/] {address}: no longer exists; removed from state")
        for address, message in report.errors.items():
            out.print(f"  [red]?[/] {address}: {message}")
    if report.errors:
        raise typer.Exit(1)


def drift(
    name: Annotated[
        str | None, typer.Argument(help="Deployment name (default: the file's).")
    ] = None,
    file: FileOpt = None,
    var: VarOpt = None,
    state: StateOpt = None,
    json: JsonOpt = False,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit with 5 when drift is found.")
    ] = False,
) -> None:
    """Report what changed outside mcp-iac (a refresh-only comparison; changes nothing)."""
    with project(state, read_only=True) as proj:
        deployment = deployment_name(proj, name, file)
        loaded = None
        try:
            loaded = load_deployment(proj, file, var)
            if loaded.spec.name != deployment:
                loaded = None
        except Exception:  # the file only adds ignoreChanges; drift works without
            loaded = None
        report = run_async(proj, lambda: usecases.drift(proj, deployment, loaded=loaded))
    if json:
        print_json(
            {
                "deployment": deployment,
                "drifted": bool(report.drifted),
                "resources": [
                    {
                        "address": i.address,
                        "status": i.status,
                        "error": i.error,
                        "changes": [
                            {"path": c.path, "recorded": c.recorded, "actual": c.actual}
                            for c in i.changes
                        ],
                    }
                    for i in report.items
                ],
            }
        )
    else:
        render_drift(report)
    if report.errors:
        raise typer.Exit(1)
    if exit_code and report.drifted:
        raise typer.Exit(5)
