"""Human renderings: plans as coloured diffs, run progress, reports."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from mcp_iac.core import MISSING, GrammarError, lookup, parse_path, redact

from ._console import err, escape, out, write

if TYPE_CHECKING:  # annotations only: a plan must not load the executor or the run use cases
    from rich.text import Text

    from mcp_iac.app import DriftReport, RunReport
    from mcp_iac.engine import ExecEvent, Plan, PlanStep
    from mcp_iac.policy import PolicyReport

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


class _Doc:
    """Output assembled in one piece: styled Text on a terminal, plain strings otherwise (a
    10,000-resource plan written to a file should cost what the strings cost)."""

    def __init__(self) -> None:
        self.styled = out.is_terminal
        if self.styled:
            from rich.text import Text  # noqa: PLC0415  # Rich only for a terminal

            self.text = Text()
        self.parts: list[str] = []

    def add(self, chunk: str, style: str | None = None) -> None:
        if self.styled:
            self.text.append(chunk, style)
        else:
            self.parts.append(chunk)

    def emit(self) -> None:
        if self.styled:
            write(self.text)
        else:
            text = "".join(self.parts)
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()


_encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per value
_PLACEHOLDERS = ("(known after apply)", "(sensitive)")


def _value(doc: _Doc, value: Any) -> None:
    if isinstance(value, str) and value in _PLACEHOLDERS:
        doc.add(value, "italic")
    else:
        doc.add(_encode(value))


def _step_lines(doc: _Doc, step: PlanStep) -> None:
    symbol, colour = SYMBOL[step.action]
    doc.add(f"  {symbol} {step.address}", colour)
    doc.add(f"  ({step.action}: {step.reason})\n", "dim")
    if step.action == "create" and isinstance(step.after, dict):
        width = max(map(len, step.after), default=0)
        for key, value in step.after.items():
            if isinstance(value, str) and value in _PLACEHOLDERS:
                doc.add(f"      {key.ljust(width)} = ")
                doc.add(value, "italic")
                doc.add("\n")
            else:  # one chunk: a 10,000-resource plan is mostly these lines
                doc.add(f"      {key.ljust(width)} = {_encode(value)}\n")
    elif step.action in ("update", "replace"):
        forcing = set(step.replace_paths)
        for path in step.changed_paths:
            doc.add(f"      {path}: ")
            _value(doc, _at(step.before, path))
            doc.add(" → ")
            _value(doc, _at(step.after, path))
            if path in forcing:
                doc.add("  # forces replacement", "magenta")
            doc.add("\n")


SENSITIVE = "(sensitive)"


def _at(tree: Any, path: str) -> Any:
    try:
        parts = parse_path(path)
    except GrammarError:
        return tree
    for i in range(len(parts)):
        # a redacted value hides everything under it
        if lookup(tree, parts[:i]) == SENSITIVE:
            return SENSITIVE
    value = lookup(tree, parts)
    return None if value is MISSING else value


def render_plan(plan: Plan, *, show_unchanged: bool = False) -> None:
    """The plan as a coloured diff, written in one go (plain text when not on a terminal)."""
    counts = plan.summary()
    title = "Destroy plan" if plan.mode == "destroy" else "Plan"
    for warning in plan.warnings:
        err.print(f"[yellow]Warning:[/] {escape(warning)}")
    doc = _Doc()
    doc.add(f"{title} for deployment '{plan.deployment}'\n", "bold")
    if not plan.has_changes and not show_unchanged:
        doc.add("\nNo changes.", "green")
        doc.add(f" {counts['no-op']} resource(s) up to date.")
        doc.emit()
        return
    doc.add("\n")
    for step in plan.steps:
        if step.action != "no-op" or show_unchanged:
            _step_lines(doc, step)
    doc.add("\n")
    for chunk, style in summary_parts(plan):
        doc.add(chunk, style)
    doc.emit()


def summary_parts(plan: Plan) -> list[tuple[str, str | None]]:
    c = plan.summary()
    return [
        ("Plan:", "bold"),
        (" ", None),
        (f"{c['create']} to create", "green"),
        (", ", None),
        (f"{c['update']} to update", "yellow"),
        (", ", None),
        (f"{c['replace']} to replace", "magenta"),
        (", ", None),
        (f"{c['delete']} to delete", "red"),
        (", ", None),
        (f"{c['no-op']} unchanged.", None),
    ]


VERB = {
    "create": "created",
    "update": "updated",
    "replace": "replaced",
    "delete": "deleted",
    "delete-old": "deleted the object it replaced",
}


class Progress:
    """Live per-resource progress lines for up/destroy/restore."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet

    def __call__(self, event: ExecEvent) -> None:
        if self.quiet and not (
            event.kind in ("failed", "undo-failed", "rollback", "interrupt")
            or (event.kind == "transaction" and event.action != "begin")
        ):
            return
        line = self.line(event)
        if line is not None:
            write(line)

    @staticmethod
    def line(event: ExecEvent) -> Text | None:
        from rich.text import Text  # noqa: PLC0415  # runs need Rich, plans to a file do not

        a = event.address
        kind = event.kind
        if kind == "start":
            return Text.assemble(("  … ", "dim"), f"{a}: {event.action}…")
        if kind == "done":
            return Text.assemble(
                ("  ✓ ", "green"),
                f"{a}: {VERB.get(event.action, event.action)} ",
                (f"({event.elapsed:.2f}s)", "dim"),
            )
        if kind == "unchanged":
            return Text.assemble(("  ✓ ", "green"), f"{a}: nothing to change")
        if kind == "failed":
            return Text.assemble(("  ✗ ", "red"), f"{a}: {event.action} failed: {event.message}")
        if kind == "skipped":
            return Text.assemble(("  ↷ ", "yellow"), f"{a}: skipped (a dependency failed)")
        if kind == "not-started":
            return Text.assemble(("  · ", "dim"), f"{a}: not started")
        if kind == "retry":
            return Text.assemble(("  ↻ ", "yellow"), f"{a}: {event.action}: {event.message}")
        if kind == "rollback":
            return Text("Rolling back completed steps…", "bold yellow")
        if kind == "undo-start":
            return Text.assemble(("  … ", "dim"), f"{a}: undoing {event.action}…")
        if kind == "undo-done":
            return Text.assemble(("  ↺ ", "green"), f"{a}: undid {event.action}")
        if kind == "undo-failed":
            return Text.assemble(
                ("  ✗ ", "red"), f"{a}: could not undo {event.action}: {event.message}"
            )
        if kind == "transaction":
            return Text.assemble(("  ⟲ ", "cyan"), f"server '{a}': {event.message}")
        return None


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


POLICY_MARK = {"mandatory": ("✗", "red"), "advisory": ("!", "yellow")}


def render_policies(report: PolicyReport, *, quiet_when_clean: bool = False) -> None:
    """Policy results after a plan: blocking violations with their remediation, advisory ones,
    and checks left undetermined by values known only after apply."""
    if quiet_when_clean and not report.results:
        return
    doc = _Doc()
    doc.add("\n")
    for r in report.results:
        where = f"{r.address}: " if r.address and r.address not in r.message else ""
        if r.status == "undetermined":
            doc.add("  ? ", "cyan")
            doc.add(f"[{r.severity}] {r.policy}: {where}{r.message}")
            doc.add("  (undetermined: depends on values known after apply)\n", "dim")
            continue
        mark, colour = POLICY_MARK[r.enforcement]
        doc.add(f"  {mark} ", colour)
        doc.add(f"[{r.severity}] {r.policy} ({r.enforcement}): {where}{r.message}\n")
        if r.remediation and r.blocking:
            doc.add(f"      remediation: {r.remediation}\n", "dim")
    blocking, advisory = len(report.mandatory), len(report.advisory)
    doc.add("Policies:", "bold")
    if not report.results:
        doc.add(f" {len(report.policies)} checked, no violations.", "green")
    else:
        doc.add(" ")
        doc.add(f"{blocking} mandatory", "red" if blocking else None)
        doc.add(f", {advisory} advisory, {len(report.undetermined)} undetermined")
        doc.add(f" ({len(report.policies)} checked).")
    doc.emit()
