"""``mcp-iac policy``: check a deployment or a saved plan, run policy tests, list policies."""

from __future__ import annotations

import json as jsonlib
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mcp_iac import app as usecases
from mcp_iac.app import find_deployment_file
from mcp_iac.core import ConfigError
from mcp_iac.engine import Plan
from mcp_iac.policy import PACKS, to_sarif

from ._common import FileOpt, JsonOpt, StateOpt, VarOpt, load_deployment
from ._common import project as open_project
from ._console import error, out, print_json
from ._render import render_policies


def register(policy_app: typer.Typer) -> None:
    policy_app.command("check")(check)
    policy_app.command("test")(run_tests)
    policy_app.command("list")(list_)


def _is_plan_file(path: Path) -> bool:
    if path.suffix != ".json":
        return False
    try:
        doc = jsonlib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and "format" in doc and "steps" in doc


def _version() -> str:
    try:
        return package_version("mcp-iac")
    except PackageNotFoundError:
        return "0"


def check(
    file: FileOpt = None,
    var: VarOpt = None,
    state: StateOpt = None,
    json: JsonOpt = False,
    sarif: Annotated[bool, typer.Option("--sarif", help="Print SARIF 2.1.0.")] = False,
) -> None:
    """Run the project's policies over a deployment (or a saved plan) without changing anything."""
    if json and sarif:
        raise ConfigError("give --json or --sarif, not both")
    with open_project(state, read_only=True) as proj:
        path = find_deployment_file(file, proj.root)
        names: dict[str, str] = {}
        if _is_plan_file(path):
            the_plan = Plan.load(path)
            artifact = the_plan.source
        else:
            loaded = load_deployment(proj, path, var)
            the_plan = usecases.offline_plan(proj, loaded)
            artifact = str(path)
        names = {s.address: s.name for s in the_plan.steps}
        report = usecases.check_policies(proj, the_plan)
    if sarif:
        print_json(to_sarif(report, artifact=artifact, names=names, version=_version()))
    elif json:
        print_json({"deployment": the_plan.deployment, **report.to_dict()})
    else:
        out.print(f"Policy check of deployment '{escape(the_plan.deployment)}'")
        render_policies(report)
    if report.blocking:
        if not json and not sarif:
            error(f"{len(report.mandatory)} mandatory policy violation(s)")
        raise typer.Exit(3)


def run_tests(
    directory: Annotated[
        Path, typer.Argument(help="A directory (or file) of kind: PolicyTest documents.")
    ],
    json: JsonOpt = False,
) -> None:
    """Run policy tests: each gives a plan and the results the policies must report."""
    with open_project("memory://") as proj:
        results = usecases.run_policy_fixtures(proj, directory)
    if json:
        print_json(
            [
                {
                    "name": r.name,
                    "file": r.file,
                    "passed": r.passed,
                    "error": r.error,
                    "missing": list(r.missing),
                    "unexpected": [u.to_dict() for u in r.unexpected],
                }
                for r in results
            ]
        )
    else:
        for r in results:
            mark = "[green]PASS[/]" if r.passed else "[red]FAIL[/]"
            out.print(f"  {mark}  {escape(r.name)} [dim]({escape(r.file)})[/]")
            if r.error:
                out.print(f"        {escape(r.error)}")
            for m in r.missing:
                out.print(f"        missing: {escape(jsonlib.dumps(m))}")
            for u in r.unexpected:
                show = u.address and u.address not in u.message
                text = f"{u.address}: {u.message}" if show else u.message
                out.print(f"        unexpected: {escape(u.policy)} ({u.status}) {escape(text)}")
        failed = sum(1 for r in results if not r.passed)
        out.print(f"{len(results) - failed} passed, {failed} failed")
    if any(not r.passed for r in results):
        raise typer.Exit(1)


def list_(json: JsonOpt = False) -> None:
    """List the policies the project runs (and the built-in packs it does not)."""
    with open_project("memory://") as proj:
        policies = usecases.policy_set(proj)
    selected = {m.pack for m in policies.metas if m.pack}
    if json:
        print_json(
            {
                "policies": [
                    {
                        "id": m.id,
                        "title": m.title,
                        "pack": m.pack,
                        "severity": m.severity,
                        "enforcement": m.enforcement,
                        "types": list(m.types),
                        "source": m.source,
                    }
                    for m in policies.metas
                ],
                "unselectedPacks": [n for n in PACKS if n not in selected],
            }
        )
        return
    for m in policies.metas:
        origin = f"pack {m.pack}" if m.pack else (m.source or "python")
        out.print(
            f"  {escape(m.id)}  [dim]{m.severity}, {m.enforcement}, {escape(origin)}[/]\n"
            f"      {escape(m.title)} ({', '.join(m.types)})"
        )
    rest = [n for n in PACKS if n not in selected]
    if rest:
        out.print(f"Built-in packs not selected: {', '.join(rest)}")
