"""Plans as plain text a person reads in an approval dialog or a chat: the diff and its counts."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from mcp_iac.core import MISSING, GrammarError, lookup, parse_path
from mcp_iac.engine import Plan, PlanStep

SYMBOL = {
    "create": "+",
    "update": "~",
    "replace": "-/+",
    "delete": "-",
    "no-op": " ",
    "read": "<=",
}
MAX_VALUE = 200
"""Longer values are cut in the review (the plan itself keeps them)."""


def counts_line(plan: Plan) -> str:
    c = plan.summary()
    return (
        f"{c['create']} to create, {c['update']} to update, {c['replace']} to replace, "
        f"{c['delete']} to delete, {c['no-op']} unchanged"
    )


def _show(value: Any) -> str:
    if isinstance(value, str) and value in ("(known after apply)", "(sensitive)"):
        return value
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _at(tree: Any, path: str) -> Any:
    try:
        value = lookup(tree, parse_path(path))
    except GrammarError:
        return tree
    return None if value is MISSING else value


def _step(step: PlanStep) -> list[str]:
    lines = [f"  {SYMBOL[step.action]} {step.address}  ({step.action}: {step.reason})"]
    if step.action == "create" and isinstance(step.after, dict):
        width = max((len(k) for k in step.after), default=0)
        lines += [f"      {k.ljust(width)} = {_show(v)}" for k, v in step.after.items()]
    elif step.action in ("update", "replace"):
        forcing = set(step.replace_paths)
        for path in step.changed_paths:
            mark = "  # forces replacement" if path in forcing else ""
            before, after = _show(_at(step.before, path)), _show(_at(step.after, path))
            lines.append(f"      {path}: {before} → {after}{mark}")
    return lines


def review(plan: Plan) -> str:
    """The plan as a readable diff: one block per changing step, then the counts."""
    title = {"destroy": "Destroy plan", "restore": "Restore plan"}.get(plan.mode, "Plan")
    lines = [f"{title} for deployment '{plan.deployment}'"]
    lines += [f"Warning: {w}" for w in plan.warnings]
    if not plan.has_changes:
        lines.append(f"No changes. {plan.summary()['no-op']} resource(s) up to date.")
        return "\n".join(lines)
    lines.append("")
    for step in plan.steps:
        if step.action != "no-op":
            lines += _step(step)
    lines += ["", f"Plan: {counts_line(plan)}."]
    return "\n".join(lines)


def fingerprint(plan: Plan) -> str:
    """A short digest of what the plan would do (not when it was made): an approval is given
    for exactly these changes against exactly this state."""
    data = plan.to_dict()
    data.pop("created_at", None)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return digest[:12]
