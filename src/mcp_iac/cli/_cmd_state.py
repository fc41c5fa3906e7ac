"""``mcp-iac state ...``: list, show, history, outputs, unlock, restore."""

from __future__ import annotations

import difflib
import json as _json
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from mcp_iac import app as usecases
from mcp_iac.core import ConfigError, redact
from mcp_iac.engine import ExecOptions, ResourceRecord

from ._cmd_run import report_json
from ._common import (
    FileOpt,
    JsonOpt,
    ParallelismOpt,
    StateOpt,
    YesOpt,
    confirm_factory,
    deployment_name,
    project,
    run_interruptible,
)
from ._console import out, print_json
from ._render import Progress, render_outputs, render_plan, render_report

NameArg = Annotated[str | None, typer.Argument(help="Deployment name (default: the file's).")]


def register(app: typer.Typer) -> None:
    app.command("list")(list_)
    app.command("show")(show)
    app.command("history")(history)
    app.command("outputs")(outputs)
    app.command("unlock")(unlock)
    app.command("restore")(restore)


def _record_json(r: ResourceRecord) -> dict[str, Any]:
    return {
        "address": r.address,
        "urn": r.urn,
        "type": r.type,
        "server": r.server,
        "name": r.name,
        "id": r.id,
        "status": r.status,
        "protect": r.protect,
        "properties": redact(r.properties),
        "outputs": redact(r.outputs),
        "dependencies": list(r.dependencies),
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


def list_(
    name: Annotated[
        str | None, typer.Argument(help="Deployment name; without it, list every deployment.")
    ] = None,
    state: StateOpt = None,
    json: JsonOpt = False,
) -> None:
    """List deployments, or the resources of one deployment."""
    with project(state, read_only=True) as proj:
        if name is None:
            deployments = proj.state.deployments()
            if json:
                print_json(
                    [
                        {
                            "name": d.name,
                            "version": d.version,
                            "serial": d.serial,
                            "resources": len(proj.state.resources(d.name)),
                            "updated_at": d.updated_at,
                            "locked": d.lock.describe() if d.lock else None,
                        }
                        for d in deployments
                    ]
                )
                return
            table = Table("DEPLOYMENT", "VERSION", "RESOURCES", "UPDATED", "LOCK")
            for d in deployments:
                table.add_row(
                    d.name,
                    str(d.version),
                    str(len(proj.state.resources(d.name))),
                    d.updated_at[:19],
                    d.lock.describe() if d.lock else "",
                )
            out.print(table if deployments else "No deployments recorded.")
            return
        _require(proj, name)
        records = proj.state.resources(name)
        if json:
            print_json([_record_json(r) for r in records.values()])
            return
        table = Table("ADDRESS", "ID", "STATUS")
        for r in records.values():
            table.add_row(escape(r.address), escape(r.id), r.status)
        out.print(table if records else f"Deployment '{name}' has no resources.")


def _require(proj: usecases.Project, name: str) -> None:
    if proj.state.deployment(name) is None:
        known = [d.name for d in proj.state.deployments()]
        raise ConfigError(
            f"no deployment named '{name}' is recorded",
            hint="recorded: " + (", ".join(known) or "none"),
        )


def show(
    address: Annotated[str, typer.Argument(help="Resource address, e.g. local:file:motd")],
    name: Annotated[
        str | None, typer.Option("--deployment", "-d", help="Deployment (default: the file's).")
    ] = None,
    file: FileOpt = None,
    state: StateOpt = None,
    json: JsonOpt = False,
) -> None:
    """Show one recorded resource (secrets redacted)."""
    with project(state, read_only=True) as proj:
        deployment = deployment_name(proj, name, file)
        _require(proj, deployment)
        records = proj.state.resources(deployment)
        record = records.get(address)
        if record is None:
            close = difflib.get_close_matches(address, list(records), n=3)
            raise ConfigError(
                f"deployment '{deployment}' has no resource '{address}'",
                hint=("did you mean " + " or ".join(close) + "?")
                if close
                else f"see mcp-iac state list {deployment}",
            )
    data = _record_json(record)
    if json:
        print_json(data)
        return
    for key, value in data.items():
        text = _json.dumps(value, indent=2) if isinstance(value, dict | list) else str(value)
        out.print(f"[bold]{key}[/]: {escape(text)}")


def history(
    name: NameArg = None, file: FileOpt = None, state: StateOpt = None, json: JsonOpt = False
) -> None:
    """The runs of a deployment, oldest first, with the version each produced."""
    with project(state, read_only=True) as proj:
        deployment = deployment_name(proj, name, file)
        _require(proj, deployment)
        runs = proj.state.runs(deployment)
    if json:
        print_json(
            [
                {
                    "run": r.id,
                    "kind": r.kind,
                    "status": r.status,
                    "version": r.version,
                    "started_at": r.started_at,
                    "finished_at": r.finished_at,
                    "who": r.who,
                    "intent": r.intent,
                    "summary": r.summary,
                }
                for r in runs
            ]
        )
        return
    table = Table("RUN", "VERSION", "KIND", "STATUS", "STARTED", "WHO", "INTENT")
    for r in runs:
        table.add_row(
            str(r.id),
            "" if r.version is None else str(r.version),
            r.kind,
            r.status,
            r.started_at[:19],
            escape(r.who),
            escape(r.intent),
        )
    out.print(table if runs else "No runs recorded.")


def outputs(
    name: NameArg = None, file: FileOpt = None, state: StateOpt = None, json: JsonOpt = False
) -> None:
    """The deployment's outputs as last recorded (secrets redacted)."""
    with project(state, read_only=True) as proj:
        deployment = deployment_name(proj, name, file)
        _require(proj, deployment)
        record = proj.state.deployment(deployment)
    assert record is not None
    if json:
        print_json(redact(record.outputs))
    elif record.outputs:
        render_outputs(record.outputs)
    else:
        out.print("No outputs.")


def unlock(name: NameArg = None, file: FileOpt = None, state: StateOpt = None) -> None:
    """Remove a stuck lock (only when no run is active)."""
    with project(state) as proj:
        deployment = deployment_name(proj, name, file)
        removed = usecases.unlock(proj, deployment)
    if removed is None:
        out.print(f"Deployment '{deployment}' was not locked.")
    else:
        out.print(f"Removed the lock of '{deployment}' ({removed.describe()}).")


def restore(
    name: NameArg = None,
    version: Annotated[int | None, typer.Option("--version", help="History version.")] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="A time (ISO 8601, e.g. 2026-11-17 or 2026-11-17T18:00): the state as of then.",
        ),
    ] = None,
    file: FileOpt = None,
    state: StateOpt = None,
    yes: YesOpt = False,
    parallelism: ParallelismOpt = 10,
    json: JsonOpt = False,
) -> None:
    """Plan the way back to a past version from the run history, then apply it like `up`."""
    with project(state) as proj:
        deployment = deployment_name(proj, name, file)
        _require(proj, deployment)
        confirm = confirm_factory(yes, (lambda p: None) if json else render_plan)
        intent = "mcp-iac " + " ".join(sys.argv[1:])
        report = run_interruptible(
            proj,
            lambda stop: usecases.restore(
                proj,
                deployment,
                version=version,
                at=at,
                confirm=confirm,
                options=ExecOptions(parallelism=parallelism),
                on_event=None if json else Progress(),
                stop=stop,
                intent=intent,
            ),
        )
    if json:
        print_json(report_json(report))
    else:
        render_report(report, verb="Restore")
    if not report.ok:
        raise typer.Exit(1)
