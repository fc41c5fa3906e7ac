"""Pack ``vlan-tag-range``: VLAN tags stay inside the range the network team hands out."""

from __future__ import annotations

from pydantic import Field, model_validator

from mcp_iac.policy._policy import Policy, policy
from mcp_iac.policy._view import Maybe, PlannedResource, test

from ._pack import Pack, Settings


class VlanSettings(Settings):
    """Settings of ``vlan-tag-range``."""

    min: int = Field(default=2, ge=1, le=4094, description="Lowest allowed tag.")
    max: int = Field(default=4094, ge=1, le=4094, description="Highest allowed tag.")
    reserved: list[int] = Field(default_factory=list, description="Tags never to use.")

    @model_validator(mode="after")
    def _ordered(self) -> VlanSettings:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


def build(settings: VlanSettings) -> list[Policy]:
    low, high, reserved = settings.min, settings.max, set(settings.reserved)

    def outside(r: PlannedResource) -> Maybe | str:
        tag = r.get("tag")
        verdict = test(tag, lambda t: isinstance(t, int) and not low <= t <= high)
        if verdict is True:
            return f"VLAN {r.address} uses tag {tag}, outside the allowed range {low}-{high}"
        if test(tag, lambda t: t in reserved) is True:
            return f"VLAN {r.address} uses reserved tag {tag}"
        return verdict

    return [
        policy(
            "vlan-tag-range",
            title="VLAN tags in the allowed range",
            severity="medium",
            types=["opnsense:network:vlan"],
            message="VLAN {address} uses a tag outside the allowed range",
            remediation=f"Pick a tag from {low}-{high}"
            + (f" other than {sorted(reserved)}" if reserved else "")
            + " (settings of the vlan-tag-range pack in mcp-iac.yaml).",
            description="OPNsense VLAN tags must lie in the configured range (default 2-4094: "
            "tag 1 is the default VLAN of most switches) and avoid reserved tags.",
        )(outside)
    ]


PACK = Pack(
    name="vlan-tag-range",
    description="VLAN tags inside a configured range (default 2-4094), avoiding reserved ones.",
    default=True,
    build=build,
    settings=VlanSettings,
)
