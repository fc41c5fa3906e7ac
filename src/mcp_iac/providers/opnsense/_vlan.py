"""``opnsense:network:vlan``: an 802.1Q VLAN device (Interfaces → Devices → VLAN)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from mcp_iac.sdk import Example, TypeSpec

from . import _values as v
from ._endpoints import VLAN
from ._handler import Model, RecordHandler, reported


class VlanProperties(Model):
    """Properties of ``opnsense:network:vlan``."""

    interface: str = Field(
        min_length=1,
        description="Parent device the VLAN is tagged on (OPNsense field 'if'), e.g. igc1.",
    )
    tag: int = Field(ge=1, le=4094, description="VLAN id, 1-4094; unique per parent device.")
    priority: int = Field(
        default=0, ge=0, le=7, description="802.1p priority code point, 0-7 (field 'pcp')."
    )
    description: str = Field(default="", description="Free text (field 'descr').")


class VlanOutputs(Model):
    """Outputs of ``opnsense:network:vlan``."""

    uuid: str = Field(description="The VLAN's uuid in OPNsense.")
    device: str = Field(
        description="The VLAN's device name (field 'vlanif', e.g. vlan01): what interface "
        "assignments, DHCP and firewall rules on it refer to."
    )


VLAN_TYPE = TypeSpec(
    type="opnsense:network:vlan",
    description="An 802.1Q VLAN on a parent interface (Interfaces > Devices > VLAN).",
    properties=VlanProperties,
    outputs=VlanOutputs,
    examples=(
        Example(
            properties={"interface": "igc1", "tag": 120, "description": "IoT"},
            update={"interface": "igc1", "tag": 120, "priority": 3, "description": "IoT devices"},
            description="VLAN 120 on igc1, then its priority and description changed in place.",
        ),
    ),
)


class VlanHandler(RecordHandler[VlanProperties, VlanOutputs]):
    """VLAN devices. OPNsense keeps the device name (``vlan0N``) when the tag or parent
    changes, so both change in place; it refuses (``VALIDATION`` on ``tag``) only when the
    device would be renamed while assigned to an interface."""

    spec = VLAN_TYPE
    component = VLAN
    field_paths = {
        "if": "interface",
        "tag": "tag",
        "pcp": "priority",
        "descr": "description",
        "vlanif": "interface",
    }

    def fields(self, props: VlanProperties) -> dict[str, Any]:
        return {
            "if": props.interface,
            "tag": str(props.tag),
            "pcp": str(props.priority),
            "descr": props.description,
        }

    def properties_of(self, record: Mapping[str, Any]) -> VlanProperties:
        return reported(
            VlanProperties,
            interface=v.one(record.get("if")),
            tag=v.integer(record.get("tag")),
            priority=v.integer(record.get("pcp")),
            description=v.text(record.get("descr")),
        )

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> VlanOutputs:
        return VlanOutputs(uuid=uuid_, device=v.text(record.get("vlanif")))
