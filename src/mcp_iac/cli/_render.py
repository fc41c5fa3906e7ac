"""Human renderings: plans as coloured diffs, run progress, reports."""

from __future__ import annotations

import json
from typing import Any

from rich.markup import escape

from mcp_iac.app import DriftReport, RunReport
from mcp_iac.core import MISSING, GrammarError, lookup, parse_path, redact
from mcp_iac.engine import ExecEvent, Plan, PlanStep

from ._console import err, out

SYMBOL = {
    "create": ("+", "green"),
    "update": ("~", "yellow"),
    "replace": ("-/+", "magenta"),
    "delete": ("-", "red"),
    "no-op": (" ", "dim"),
    "read": ("<=", "cyan"),
}


def _fmt(value: Any) -> str:
    if isinstance(value, str) and value == "(known after apply)":
        return "[italic](known after apply)[/]"
    if isinstance(value, str) and value == "(sensitive)":
        return "[italic](sensitive)[/]"
    return escape(json.dumps(value, ensure_ascii=False))


def _step_body(step: PlanStep) -> list[str]:
    lines: list[str] = []
    if step.action == "create" and isinstance(step.after, dict):
        width = max((len(k) for k in step.after), default=0)
        for key, value in step.after.items():
            lines.append(f"      {escape(key).ljust(width)} = {_fmt(value)}")
    elif step.action in ("update", "replace"):
        forcing = set(step.replace_paths)
        for path in step.changed_paths:
            before = _at(step.before, path)
            after = _at(step.after, path)
            note = "  [magenta]# forces replacement[/]" if path in forcing else ""
            lines.append(f"      {escape(path)}: {_fmt(before)} → {_fmt(after)}{note}")
    return lines


def _at(tree: Any, path: str) -> Any:
    try:
        value = lookup(tree, parse_path(path))
    except GrammarError:
        return tree
    return None if value is MISSING else value


def render_plan(plan: Plan, *, show_unchanged: bool = False) -> None:
    counts = plan.summary()
    title = "Destroy plan" if plan.mode == "destroy" else "Plan"
    out.print(f"[bold]{title} for deployment '{escape(plan.deployment)}'[/]")
    for warning in plan.warnings:
        err.print(f"[yellow]Warning:[/] {escape(warning)}")
    if not plan.has_changes and not show_unchanged:
        out.print(f"\n[green]No changes.[/] {counts['no-op']} resource(s) up to date.")
        return
    out.print()
    for step in plan.steps:
        if step.action == "no-op" and not show_unchanged:
            continue
        symbol, colour = SYMBOL[step.action]
        out.print(
            f"  [{colour}]{symbol} {escape(step.address)}[/]  "
            f"[dim]({step.action}: {escape(step.reason)})[/]"
        )
        for line in _step_body(step):
            out.print(line)
    out.print()
    out.print(plan_summary_line(plan))


def plan_summary_line(plan: Plan) -> str:
    c = plan.summary()
    return (
        f"[bold]Plan:[/] [green]{c['create']} to create[/], [yellow]{c['update']} to update[/]"
        f", [magenta]{c['replace']} to replace[/], [red]{c['delete']} to delete[/], "
        f"{c['no-op']} unchanged."
    )


VERB = {
    "create": "created",
    "update": "updated",
    "replace": "replaced",
    "delete": "deleted",
    "delete-old": "deleted the replaced object of",
}


class Progress:
    """Live per-resource progress lines for up/destroy/restore."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet

    def __call__(self, event: ExecEvent) -> None:
        if self.quiet and event.kind not in ("failed", "undo-failed", "rollback", "interrupt"):
            return
        a = escape(event.address)
        if event.kind == "start":
            out.print(f"  [dim]…[/] {a}: {event.action}…")
        elif event.kind == "done":
            out.print(
                f"  [green]✓[/] {a}: {VERB.get(event.action, event.action)} "
                f"[dim]({event.elapsed:.2f}s)[/]"
            )
        elif event.kind == "unchanged":
            out.print(f"  [green]✓[/] {a}: nothing to change")
        elif event.kind == "failed":
            out.print(f"  [red]✗[/] {a}: {event.action} failed: {escape(event.message)}")
        elif event.kind == "skipped":
            out.print(f"  [yellow]↷[/] {a}: skipped (a dependency failed)")
        elif event.kind == "not-started":
            out.print(f"  [dim]·[/] {a}: not started")
        elif event.kind == "retry":
            out.print(f"  [yellow]↻[/] {a}: {event.action}: {escape(event.message)}")
        elif event.kind == "rollback":
            out.print("[bold yellow]Rolling back completed steps…[/]")
        elif event.kind == "undo-start":
            out.print(f"  [dim]…[/] {a}: undoing {event.action}…")
        elif event.kind == "undo-done":
            out.print(f"  [green]↺[/] {a}: undid {event.action}")
        elif event.kind == "undo-failed":
            out.print(f"  [red]✗[/] {a}: could not undo {event.action}: {escape(event.message)}")


def render_report(report: RunReport, *, verb: str = "Apply", quiet: bool = False) -> None:
    for r in report.recovered:
        err.print(f"[yellow]Recovered:[/] {escape(r.address)} ({r.kind}): {escape(r.outcome)}")
    if report.status == "no-changes":
        out.print("[green]No changes.[/] Infrastructure matches the deployment.")
        return
    if report.status == "cancelled":
        out.print("Cancelled; nothing was changed.")
        return
    result = report.result
    assert result is not None
    assert report.plan is not None
    done = sum(1 for o in result.outcomes.values() if o.status == "done")
    if report.status == "succeeded":
        out.print(
            f"\n[bold green]{verb} complete.[/] {done} change(s) applied "
            f"(state version {report.version})."
        )
    else:
        failed = result.failed
        if result.interrupted:
            out.print(
                f"\n[bold yellow]{verb} interrupted[/] (Ctrl-C): steps not yet started "
                "were not run."
            )
        if failed or not result.interrupted:
            out.print(f"\n[bold red]{verb} {report.status}.[/] {len(failed)} step(s) failed:")
        for address, message in failed.items():
            out.print(f"  [red]✗[/] {escape(address)}: {escape(message)}")
        if result.skipped:
            out.print(f"  skipped (depend on a failure): {escape(', '.join(result.skipped))}")
        if report.status == "rolled-back":
            out.print(
                "[yellow]Rolled back:[/] every completed change was undone; "
                "state and infrastructure are as before the run."
            )
        if result.still_differs:
            out.print("[bold red]Rollback incomplete.[/] Still different from before the run:")
            for line in result.still_differs:
                out.print(f"  • {escape(line)}")
            out.print(
                "  Fix the cause and run [bold]mcp-iac up[/] again to converge, or "
                "[bold]mcp-iac state restore[/] to go back to a recorded version."
            )
    if result.outputs and not quiet:
        render_outputs(result.outputs)
    for key, message in result.output_errors.items():
        err.print(f"[yellow]Output '{escape(key)}' unavailable:[/] {escape(message)}")


def render_outputs(outputs: dict[str, Any]) -> None:
    out.print("\n[bold]Outputs:[/]")
    for key, value in outputs.items():
        out.print(f"  {escape(key)} = {_fmt(redact(value))}")


def render_drift(report: DriftReport) -> None:
    if not report.items:
        out.print(f"Deployment '{escape(report.deployment)}' has no resources.")
        return
    for item in report.items:
        a = escape(item.address)
        if item.status == "in-sync":
            out.print(f"  [green]✓[/] {a}: in sync")
        elif item.status == "deleted":
            out.print(f"  [red]✗[/] {a}: deleted outside mcp-iac")
        elif item.status == "error":
            out.print(f"  [yellow]?[/] {a}: could not read: {escape(item.error or '')}")
        else:
            out.print(f"  [yellow]~[/] {a}: changed outside mcp-iac")
            for c in item.changes:
                out.print(f"      {escape(c.path)}: {_fmt(c.recorded)} → {_fmt(c.actual)}")
    n = len(report.drifted)
    if n:
        out.print(
            f"\n[bold yellow]Drift:[/] {n} resource(s) differ from the recorded state. "
            "Run [bold]mcp-iac up --refresh[/] to put them back, or [bold]mcp-iac refresh[/] to "
            "accept what is there."
        )
    else:
        out.print("\n[green]No drift.[/]")
