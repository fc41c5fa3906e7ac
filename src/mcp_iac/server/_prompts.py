"""Prompts: how to deploy from a request, troubleshoot a deployment, review a plan."""

from __future__ import annotations

from mcp.server.mcpserver import Context, MCPServer

from ._orchestrator import Orchestrator
from ._review import fingerprint, review


def deploy(request: str) -> str:
    """Turn a request in words into a reviewed plan, and apply it once the person approves."""
    return f"""The person asks: "{request}"

Work with the mcp-iac tools:
1. Call `interpret` with the request, and `list_patterns`. If a pattern fits, fill its
   parameters from the request (interpret's reading helps; check it) and ask the person for
   required ones that are missing. If none fits, call `list_resource_types` and write a
   deployment document (apiVersion iac.mcp/v1, kind Deployment) using only the types listed.
2. Call `plan` (pattern + parameters, or the document). Show the person the `review` text as
   it is, the counts, and any policy violations with their remediation. Point out deletes
   and replacements.
3. Only if the person wants it, call `apply` with the plan_id. Their client asks them to
   approve the plan; you cannot approve for them. If they decline, nothing changes.
4. Report the outcome and the deployment's outputs (`outputs` tool)."""


def troubleshoot(deployment: str) -> str:
    """Find out what is wrong with a deployment."""
    return f"""Troubleshoot the deployment '{deployment}' with the mcp-iac tools:
1. `history` — the last runs: did one fail, roll back, or get interrupted? Read its summary.
2. `state` — what is recorded: resources, ids, statuses ('tainted' is replaced by the next apply).
3. `drift` — what changed outside mcp-iac since it was applied.
4. `outputs` — what the deployment reports.
Explain what you found in plain words. If a fix needs changes, make a plan with `plan` and show
its review; apply only when the person asks (they approve in their client)."""


async def review_plan(plan_id: str, ctx: Context) -> str:
    """Review a plan before it is applied: risky changes, policy results, what to check."""
    orch = ctx.request_context.lifespan_context
    assert isinstance(orch, Orchestrator)
    stored = orch.book.get(plan_id)
    return f"""Review plan {plan_id} (fingerprint {fingerprint(stored.plan)}, made by
'{stored.made_by}' from {stored.source}) before it is applied:

{review(stored.plan)}

Policy results: {stored.policies or "no policies ran on this plan"}

Check and tell the person, briefly:
- every delete and replace (-, -/+): is losing that object intended? Is data on it?
- changes to network exposure (firewall rules, security groups, ports, public addresses);
- values '(known after apply)' that other resources depend on;
- any policy violation, with its remediation.
Then say whether you would apply it. Applying asks the person to approve."""


def register_prompts(mcp: MCPServer[Orchestrator]) -> None:
    mcp.prompt(name="deploy")(deploy)
    mcp.prompt(name="troubleshoot")(troubleshoot)
    mcp.prompt(name="review-plan")(review_plan)
