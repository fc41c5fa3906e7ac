"""Human approval of a plan, asked through MCP elicitation.

The question is asked by a ``Resolve(...)`` dependency of the tool (the SDK's era-portable
form: a standalone ``elicitation/create`` request on handshake-era sessions, an
``InputRequiredResult`` round trip on 2026-07-28 ones). No tool argument can stand in for the
answer: the approval is not an input of the tool, and the answer is bound to the exact question
(plan, fingerprint, diff) the person was shown.

Outcomes: the person accepts with ``approve: true`` → the plan runs; anything else (decline,
cancel, ``approve: false``) changes nothing. A client that cannot ask (no elicitation
capability) is refused, unless the server was started with ``--auto-approve``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mcp.server.mcpserver import (
    AcceptedElicitation,
    CancelledElicitation,
    Context,
    DeclinedElicitation,
    Elicit,
)
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from mcp_iac.engine import Plan

from ._review import counts_line, fingerprint, review

MAX_REVIEW_LINES = 80


class Approval(BaseModel):
    """The person's answer to "apply this plan?"."""

    approve: bool = Field(
        title="Apply these changes",
        description="Yes to change the infrastructure as shown; no changes nothing.",
    )


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Literal["approved", "declined", "cancelled", "not-needed", "blocked"]
    by: str | None = None


@dataclass(frozen=True, slots=True)
class CannotAsk:
    """The client offers no way to ask its user (no form elicitation)."""


def question(plan: Plan, *, what: str, policies: dict[str, Any] | None = None) -> str:
    """The approval text: what will happen, the fingerprint, the readable diff, and the
    advisory policy findings."""
    lines = review(plan).splitlines()
    if len(lines) > MAX_REVIEW_LINES:
        rest = len(lines) - MAX_REVIEW_LINES
        lines = [*lines[:MAX_REVIEW_LINES], f"… {rest} more line(s) in the plan tool's review"]
    head = (
        f"{what} deployment '{plan.deployment}': {counts_line(plan)}. "
        f"(plan fingerprint {fingerprint(plan)})"
    )
    findings = [
        f"  ! [{r['severity']}] {r['policy']}: {r['address'] + ': ' if r['address'] else ''}"
        f"{r['message']}"
        for r in (policies or {}).get("results", [])
        if r["status"] == "violation"
    ]
    if findings:
        lines += ["", "Policy findings (advisory):", *findings]
    return head + "\n\n" + "\n".join(lines)


def can_elicit(ctx: Context) -> bool:
    caps = ctx.client_capabilities
    elicitation = caps.elicitation if caps is not None else None
    # A bare `elicitation: {}` (before modes existed) means form support; url-only does not.
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def ask(
    plan: Plan,
    ctx: Context,
    *,
    auto_approve: bool,
    what: str,
    policies: dict[str, Any] | None = None,
) -> Elicit[Approval] | Decision | CannotAsk:
    """What the approval resolver returns: a question, or a decision that needs none."""
    if not plan.has_changes:
        return Decision("not-needed")
    if auto_approve:
        return Decision("approved", "auto-approve")
    if not can_elicit(ctx):
        return CannotAsk()
    return Elicit(question(plan, what=what, policies=policies), Approval)


def decide(outcome: Any) -> Decision:
    """The decision carried by a resolved approval outcome.

    Raises:
        ToolError: the client cannot ask its user.
    """
    if isinstance(outcome, AcceptedElicitation):
        data = outcome.data
        if isinstance(data, Decision):
            return data
        if isinstance(data, CannotAsk):
            raise ToolError(
                "refused: this change needs a person's approval, and this MCP client cannot ask "
                "for it (it does not support elicitation). Nothing was changed. Use a client "
                "that supports elicitation, apply from a terminal with `mcp-iac up`, or start "
                "the server with `mcp-iac serve --auto-approve` if every caller may change "
                "infrastructure without asking."
            )
        if isinstance(data, Approval):
            return Decision("approved", "the user") if data.approve else Decision("declined")
    if isinstance(outcome, DeclinedElicitation):
        return Decision("declined")
    if isinstance(outcome, CancelledElicitation):
        return Decision("cancelled")
    raise ToolError(f"unexpected approval outcome {outcome!r}; nothing was changed")
