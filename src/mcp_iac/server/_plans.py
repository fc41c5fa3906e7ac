"""Plans made through the server, kept by id until they are applied (or pushed out by newer ones).

A plan id stands for exactly one plan: ``apply`` runs that plan and nothing else, and only while
the state is still the one it was made against (otherwise the engine refuses it as stale).
Plans live in the server's memory: they are gone when it stops, and a saved plan never holds
secrets on disk.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

from mcp_iac.core import ConfigError
from mcp_iac.engine import Plan

PlanKind = Literal["apply", "destroy", "restore"]
KEEP = 100
"""How many unapplied plans are kept; the oldest goes first."""


@dataclass(frozen=True, slots=True)
class StoredPlan:
    id: str
    plan: Plan
    kind: PlanKind
    made_by: str
    """The token id of the caller that made it ("local" over stdio)."""
    source: str
    """What it was made from: "document", "pattern game-server", ..."""
    policies: dict[str, Any] | None = None
    """The policy report (``PolicyReport.to_dict()``); None when no policy ran."""

    @property
    def blocked(self) -> bool:
        """A mandatory policy failed: the plan may be shown but not applied."""
        return self.policies is not None and not self.policies.get("passed", True)


class PlanBook:
    """The unapplied plans, by id."""

    def __init__(self, keep: int = KEEP) -> None:
        self._plans: OrderedDict[str, StoredPlan] = OrderedDict()
        self._keep = keep

    def add(
        self,
        plan: Plan,
        *,
        kind: PlanKind,
        made_by: str,
        source: str,
        policies: dict[str, Any] | None = None,
    ) -> StoredPlan:
        stored = StoredPlan(
            id="plan-" + secrets.token_hex(5),
            plan=plan,
            kind=kind,
            made_by=made_by,
            source=source,
            policies=policies,
        )
        self._plans[stored.id] = stored
        while len(self._plans) > self._keep:
            self._plans.popitem(last=False)
        return stored

    def get(self, plan_id: str) -> StoredPlan:
        """Raises ConfigError for an id this server does not hold."""
        stored = self._plans.get(plan_id)
        if stored is None:
            raise ConfigError(
                f"no plan '{plan_id}' here: it was applied already, never made, or made before "
                "the server restarted",
                hint="make a new plan with the plan tool and apply its plan_id",
            )
        return stored

    def discard(self, plan_id: str) -> None:
        self._plans.pop(plan_id, None)

    def __len__(self) -> int:
        return len(self._plans)
