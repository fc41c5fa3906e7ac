"""``mcp-iac pattern``: list, show, render and deploy deployment patterns."""

from __future__ import annotations

import json as jsonlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.markup import escape

from mcp_iac import app as usecases
from mcp_iac.core import ConfigError
from mcp_iac.engine import Plan, StopSignal
from mcp_iac.patterns import parse_param_pairs, to_document
from mcp_iac.policy import PolicyReport

from ._cmd_run import OnFailureOpt
from ._cmd_run import _finish as finish_run
from ._cmd_run import _options as run_options
from ._common import (
    JsonOpt,
    ParallelismOpt,
    StateOpt,
    YesOpt,
    confirm_factory,
    project,
    run_interruptible,
)
from ._console import out, print_json
from ._render import Progress, render_plan, render_policies

NameArg = Annotated[str, typer.Argument(help="The pattern's name (see mcp-iac pattern list).")]
ParamOpt = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="A parameter: --param name=value (repeatable)."),
]
DeploymentNameOpt = Annotated[
    str | None,
    typer.Option("--name", help="Name the deployment (default: what the pattern chooses)."),
]


def register(pattern_app: typer.Typer) -> None:
    pattern_app.command("list")(list_)
    pattern_app.command("show")(show)
    pattern_app.command("render")(render)
    pattern_app.command("up")(up)


def list_(json: JsonOpt = False) -> None:
    """List the patterns: built in, and the project's own."""
    with project("memory://") as proj:
        library = usecases.pattern_library(proj)
    rows = [
        {"name": p.name, "description": p.description, "source": p.source or "built in"}
        for p in library
    ]
    if json:
        print_json(rows)
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        first = r["description"].split("\n\n")[0].replace("\n", " ")
        out.print(f"  [bold]{r['name'].ljust(width)}[/]  {escape(first)}")


def _type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in schema:
        return "object"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " | ".join(_type(s, defs) for s in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array" and "items" in schema:
        return f"list of {_type(schema['items'], defs)}"
    return str(kind)


def show(name: NameArg, json: JsonOpt = False) -> None:
    """Show a pattern: what it makes and its parameters (types, defaults, constraints)."""
    with project("memory://") as proj:
        pattern = usecases.pattern_library(proj).get(name)
    schema = pattern.schema()
    if json:
        print_json(
            {
                "name": pattern.name,
                "description": pattern.description,
                "source": pattern.source or "built in",
                "parameters": schema,
            }
        )
        return
    out.print(f"[bold]{pattern.name}[/] ({escape(pattern.source or 'built in')})\n")
    out.print(escape(pattern.description) + "\n")
    out.print("[bold]Parameters[/] (--param NAME=VALUE):")
    required = set(schema.get("required", []))
    defs = schema.get("$defs", {})
    for pname, prop in schema.get("properties", {}).items():
        state = "required" if pname in required else f"default {jsonlib.dumps(prop.get('default'))}"
        limits = [
            f"{label} {prop[key]}"
            for key, label in (
                ("minimum", ">="),
                ("maximum", "<="),
                ("pattern", "matching"),
                ("minItems", "items >="),
            )
            if key in prop
        ]
        extra = f"; {', '.join(limits)}" if limits else ""
        out.print(
            f"  [bold]{pname}[/]: {escape(_type(prop, defs))} ({escape(state)}{escape(extra)})"
        )
        if prop.get("description"):
            out.print(f"      {escape(prop['description'])}")


def render(
    name: NameArg,
    param: ParamOpt = None,
    deployment: DeploymentNameOpt = None,
    format_: Annotated[str, typer.Option("--format", help="yaml or json")] = "yaml",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the deployment to this file.")
    ] = None,
) -> None:
    """Print the deployment a pattern makes (what `pattern up` would apply)."""
    if format_ not in ("yaml", "json"):
        raise ConfigError(f"unknown format '{format_}'", hint="use --format yaml or --format json")
    with project("memory://") as proj:
        spec = usecases.render_pattern(
            proj, name, parse_param_pairs(param or []), deployment=deployment
        )
    doc = to_document(spec)
    if format_ == "json":
        text = jsonlib.dumps(doc, indent=2) + "\n"
    else:
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    if out_file is not None:
        out_file.write_text(text, encoding="utf-8")
        out.print(
            f"Wrote deployment '{spec.name}' ({len(spec.resources)} resources) to {out_file}."
        )
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def up(
    name: NameArg,
    param: ParamOpt = None,
    deployment: DeploymentNameOpt = None,
    state: StateOpt = None,
    yes: YesOpt = False,
    parallelism: ParallelismOpt = 10,
    on_failure: OnFailureOpt = "rollback",
    json: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print problems.")] = False,
) -> None:
    """Render a pattern and apply it like `up` (policies, confirmation, rollback)."""
    options = run_options(parallelism, on_failure)
    with project(state) as proj:
        spec = usecases.render_pattern(
            proj, name, parse_param_pairs(param or []), deployment=deployment
        )
        loaded = usecases.load(proj, spec, {})
        checked: list[PolicyReport] = []

        def show_plan(the_plan: Plan) -> None:
            render_plan(the_plan)
            if checked:
                render_policies(checked[-1])

        confirm = confirm_factory(yes, (lambda p: None) if json or (quiet and yes) else show_plan)
        intent = "mcp-iac " + " ".join(sys.argv[1:])

        async def go(stop: StopSignal) -> usecases.RunReport:
            return await usecases.up(
                proj,
                loaded,
                confirm=confirm,
                options=options,
                on_event=None if json else Progress(quiet=quiet),
                stop=stop,
                intent=intent,
                on_policies=checked.append,
            )

        try:
            report = run_interruptible(proj, go)
        except* usecases.PolicyBlocked as blocked:  # the task group wraps it
            refused = blocked.exceptions[0]
            if not json and isinstance(refused, usecases.PolicyBlocked):
                render_plan(refused.plan)
            raise
    finish_run(report, json, "Apply", quiet=quiet)
