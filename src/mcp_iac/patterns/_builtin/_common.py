"""Parameters every built-in pattern shares: the tags the required-tags pack asks for."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from mcp_iac.core import Deployment, Resource
from mcp_iac.patterns._pattern import Params

NAME = r"^[a-z][a-z0-9-]{0,30}$"
"""A name that is valid everywhere it ends up (resource names, Docker, AWS, HAProxy)."""
DOMAIN = r"^([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$"


class Tagged(Params):
    """Tag values put on every AWS resource (tags) and Docker object (labels)."""

    environment: str = Field("dev", min_length=1, description="Tag Environment.")
    owner: str = Field("platform-team", min_length=1, description="Tag Owner.")
    cost_center: str = Field(
        "engineering", alias="costCenter", min_length=1, description="Tag CostCenter."
    )

    def tags(self, **extra: str) -> dict[str, str]:
        return {
            "Environment": self.environment,
            "Owner": self.owner,
            "CostCenter": self.cost_center,
            **extra,
        }


def add(
    d: Deployment,
    type_: str,
    name: str,
    /,
    *,
    depends_on: list[Resource | str] | None = None,
    **props: Any,
) -> Resource:
    """``d.add`` for generators: properties may be called ``name`` (HAProxy, aliases, Docker
    networks), and properties given as None are left out (the provider's default applies)."""
    given = {k: v for k, v in props.items() if v is not None}
    return d.add(type_, name, depends_on=depends_on, properties=given)
