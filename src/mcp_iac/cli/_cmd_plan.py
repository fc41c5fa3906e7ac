"""Commands that read: validate, plan, graph."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mcp_iac import app as usecases
from mcp_iac.core import ConfigError
from mcp_iac.engine import topo_order

from ._common import (
    FileOpt,
    JsonOpt,
    StateOpt,
    TargetOpt,
    VarOpt,
    load_deployment,
    project,
    run_async,
)
from ._console import error, out, print_json
from ._render import render_plan, render_policies


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("plan")(plan)
    app.command("graph")(graph)


def validate(
    file: FileOpt = None, var: VarOpt = None, state: StateOpt = None, json: JsonOpt = False
) -> None:
    """Check a deployment: syntax, variables, references, cycles, provider schemas."""
    with project(state, read_only=True) as proj:
        loaded = load_deployment(proj, file, var)
        topo_order({a: list(r.dependencies) for a, r in loaded.bound.resources.items()})

        async def run() -> list[str]:
            types: dict[str, set[str]] = {}
            for r in loaded.bound.resources.values():
                types.setdefault(r.spec.server, set()).add(r.spec.type)
            await usecases.schemas_for(proj, types, source=loaded.spec.source)
            return await usecases.validate(proj, loaded)

        problems = run_async(proj, run)
    if problems:
        raise ConfigError("the provider rejected the deployment:\n  " + "\n  ".join(problems))
    if json:
        print_json(
            {
                "valid": True,
                "deployment": loaded.spec.name,
                "resources": len(loaded.bound.resources),
            }
        )
    else:
        out.print(
            f"[green]Valid:[/] deployment '{loaded.spec.name}' with "
            f"{len(loaded.bound.resources)} resource(s)."
        )


def plan(
    file: FileOpt = None,
    var: VarOpt = None,
    state: StateOpt = None,
    target: TargetOpt = None,
    destroy: Annotated[bool, typer.Option("--destroy", help="Plan deleting everything.")] = False,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Save the plan to apply exactly with: mcp-iac up PLANFILE"),
    ] = None,
    json: JsonOpt = False,
    show_unchanged: Annotated[
        bool, typer.Option("--show-unchanged", help="List unchanged resources too.")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Read resources back first (shows drift repairs too).")
    ] = False,
) -> None:
    """Show what `up` would change, and why, without changing anything."""
    with project(state, read_only=True) as proj:
        loaded = load_deployment(proj, file, var)
        the_plan = run_async(
            proj,
            lambda: usecases.plan(
                proj,
                loaded,
                deployment=loaded.spec.name,
                mode="destroy" if destroy else "apply",
                targets=target or (),
                refresh=refresh,
            ),
        )
        policies = usecases.check_policies(proj, the_plan)
    if out_file is not None:
        the_plan.save(out_file)
    if json:
        print_json({**the_plan.to_dict(), "policies": policies.to_dict()})
    else:
        render_plan(the_plan, show_unchanged=show_unchanged)
        render_policies(policies, quiet_when_clean=not the_plan.has_changes)
        if out_file is not None:
            out.print(
                f"\nSaved the plan to [bold]{out_file}[/]; apply exactly it with "
                f"[bold]mcp-iac up {out_file}[/]."
            )
    if policies.blocking:
        count = len(policies.mandatory)
        error(f"{count} mandatory policy violation(s): `mcp-iac up` would refuse this plan")
        raise typer.Exit(3)


def graph(
    file: FileOpt = None,
    var: VarOpt = None,
    state: StateOpt = None,
    format_: Annotated[str, typer.Option("--format", help="mermaid or dot")] = "mermaid",
) -> None:
    """Print the deployment's dependency graph as Mermaid or DOT."""
    with project(state, read_only=True) as proj:
        loaded = load_deployment(proj, file, var)
    sys.stdout.write(usecases.graph_text(loaded.bound, format_))
