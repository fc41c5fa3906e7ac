"""Plans for policy tests, made by the real binder and planner (no providers)."""

from __future__ import annotations

from typing import Any

from mcp_iac.core import load_document
from mcp_iac.engine import Plan, bind, make_plan


def plan_of(*resources: dict[str, Any], name: str = "t") -> Plan:
    """Plan ``resources`` (canonical entries) as creates against an empty state."""
    spec = load_document(
        {
            "apiVersion": "iac.mcp/v1",
            "kind": "Deployment",
            "metadata": {"name": name},
            "spec": {"resources": list(resources)},
        }
    )
    return make_plan(bind(spec, None), {}, deployment=name)


def rule(name: str, **props: Any) -> dict[str, Any]:
    return {"type": "opnsense:firewall:rule", "name": name, "properties": props}
