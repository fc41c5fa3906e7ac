"""``opnsense:firewall:rule``: a filter rule of the MVC rule set (``/api/firewall/filter``;
Firewall → Automation → Filter before 26.1, Firewall → Rules from 26.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from mcp_iac.sdk import Example, TypeSpec

from . import _values as v
from ._endpoints import FILTER_RULE
from ._handler import Model, RecordHandler, reported

Port = int | str


def protocol_field(protocol: str) -> str:
    """A protocol as written to a protocol field: ``any``, else upper case (``TCP``,
    ``TCP/UDP``). OPNsense's ``ProtocolField`` changes the case of what it receives to its
    model's (upper, or lower for port forwards), so upper case suits every model."""
    return "any" if protocol.lower() == "any" else protocol.upper()


def protocol_value(field: Any) -> str:
    """A protocol field in the user's terms (lower case; ``any`` when empty)."""
    return v.one(field).lower() or "any"


def same_interfaces(declared: Any, observed: Any) -> bool:
    """Comma-separated interface lists naming the same interfaces."""
    if isinstance(declared, str) and isinstance(observed, str):
        return sorted(filter(None, declared.split(","))) == sorted(
            filter(None, observed.split(","))
        )
    return bool(declared == observed)


class RuleProperties(Model):
    """Properties of ``opnsense:firewall:rule``."""

    action: Literal["pass", "block", "reject"] = Field(
        default="pass", description="What the rule does with matching packets."
    )
    interface: str = Field(
        default="",
        description="Interface(s) the rule is on, comma-separated (lan, wan, opt1...); "
        "empty makes a floating rule.",
    )
    direction: Literal["in", "out", "any"] = Field(
        default="in", description="Traffic direction on the interface."
    )
    ip_protocol: Literal["inet", "inet6", "inet46"] = Field(
        default="inet",
        alias="ipProtocol",
        description="IPv4 (inet), IPv6 (inet6) or both (inet46).",
    )
    protocol: str = Field(
        default="any",
        min_length=1,
        description="any, tcp, udp, tcp/udp, icmp... (any case).",
    )
    source: str = Field(
        default="any",
        min_length=1,
        description="Source: any, an address, a network (CIDR), an alias name, or "
        "<interface>net / <interface>ip (field 'source_net').",
    )
    source_port: Port | None = Field(
        default=None, alias="sourcePort", description="Source port, range (80:90) or alias."
    )
    source_invert: bool = Field(
        default=False, alias="sourceInvert", description="Match every source but this one."
    )
    destination: str = Field(
        default="any", min_length=1, description="Destination, as source (field 'destination_net')."
    )
    destination_port: Port | None = Field(
        default=None,
        alias="destinationPort",
        description="Destination port, range (80:90), well-known name or alias.",
    )
    destination_invert: bool = Field(
        default=False,
        alias="destinationInvert",
        description="Match every destination but this one.",
    )
    log: bool = Field(default=False, description="Log matching packets.")
    quick: bool = Field(default=True, description="Stop at the first matching rule.")
    enabled: bool = Field(default=True, description="Whether the rule is active.")
    sequence: int | None = Field(
        default=None, ge=1, le=999999, description="Position among the rules (lower first)."
    )
    description: str = Field(default="", description="Free text.")


class RuleOutputs(Model):
    """Outputs of ``opnsense:firewall:rule``."""

    uuid: str = Field(description="The rule's uuid in OPNsense.")


RULE_TYPE = TypeSpec(
    type="opnsense:firewall:rule",
    description="A firewall filter rule (the MVC rule set of /api/firewall/filter).",
    properties=RuleProperties,
    outputs=RuleOutputs,
    examples=(
        Example(
            properties={
                "action": "pass",
                "interface": "lan",
                "protocol": "tcp",
                "source": "198.18.6.0/24",
                "destination": "198.18.0.14",
                "destinationPort": 2049,
                "description": "NFS from the DMZ",
            },
            update={
                "action": "pass",
                "interface": "lan",
                "protocol": "tcp",
                "source": "198.18.6.0/24",
                "destination": "198.18.0.14",
                "destinationPort": 2049,
                "log": True,
                "description": "NFS from the DMZ, logged",
            },
            description="Allow NFS to one host, then log it.",
        ),
    ),
)


class RuleHandler(RecordHandler[RuleProperties, RuleOutputs]):
    """Filter rules."""

    spec = RULE_TYPE
    component = FILTER_RULE
    field_paths = {
        "action": "action",
        "interface": "interface",
        "direction": "direction",
        "ipprotocol": "ipProtocol",
        "protocol": "protocol",
        "source_net": "source",
        "source_port": "sourcePort",
        "source_not": "sourceInvert",
        "destination_net": "destination",
        "destination_port": "destinationPort",
        "destination_not": "destinationInvert",
        "log": "log",
        "quick": "quick",
        "enabled": "enabled",
        "sequence": "sequence",
        "description": "description",
    }
    equivalences = {
        "protocol": v.same_folded,
        "interface": same_interfaces,
        "source_port": v.same_text,
        "destination_port": v.same_text,
    }

    def fields(self, props: RuleProperties) -> dict[str, Any]:
        fields = {
            "enabled": v.bit(props.enabled),
            "action": props.action,
            "quick": v.bit(props.quick),
            "interface": props.interface,
            "direction": props.direction,
            "ipprotocol": props.ip_protocol,
            "protocol": protocol_field(props.protocol),
            "source_net": props.source,
            "source_not": v.bit(props.source_invert),
            "source_port": v.port_text(props.source_port),
            "destination_net": props.destination,
            "destination_not": v.bit(props.destination_invert),
            "destination_port": v.port_text(props.destination_port),
            "log": v.bit(props.log),
            "description": props.description,
        }
        if props.sequence is not None:
            fields["sequence"] = str(props.sequence)
        return fields

    def properties_of(self, record: Mapping[str, Any]) -> RuleProperties:
        return reported(
            RuleProperties,
            action=v.one(record.get("action")),
            interface=",".join(v.selected(record.get("interface"))),
            direction=v.one(record.get("direction")),
            ip_protocol=v.one(record.get("ipprotocol")),
            protocol=protocol_value(record.get("protocol")),
            source=v.text(record.get("source_net")) or "any",
            source_port=v.port_value(record.get("source_port")),
            source_invert=v.flag(record.get("source_not")),
            destination=v.text(record.get("destination_net")) or "any",
            destination_port=v.port_value(record.get("destination_port")),
            destination_invert=v.flag(record.get("destination_not")),
            log=v.flag(record.get("log")),
            quick=v.flag(record.get("quick")),
            enabled=v.flag(record.get("enabled")),
            sequence=v.integer(record.get("sequence")),
            description=v.text(record.get("description")),
        )

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> RuleOutputs:
        return RuleOutputs(uuid=uuid_)
