"""``opnsense:firewall:nat``: outbound NAT, port forwards and 1:1 NAT, one type with a
``kind``. Each kind lives in its own OPNsense component, with its own field names:

======================  =====================================  ==============================
kind                    component                              since
======================  =====================================  ==============================
``outbound``            ``/api/firewall/source_nat`` (snat)     24.1
``oneToOne``            ``/api/firewall/one_to_one``            24.7
``portForward``         ``/api/firewall/d_nat`` (port forward)  26.1
======================  =====================================  ==============================

The id is ``<kind>:<uuid>`` so that read and delete find the component from the id alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field, model_validator

from mcp_iac.sdk import Example, TypeSpec

from . import _values as v
from ._endpoints import ONE_TO_ONE_NAT, PORT_FORWARD, SOURCE_NAT, Component
from ._handler import Model, RecordHandler, parse_uuid, reported
from ._rule import Port, protocol_field, protocol_value

NatKind = Literal["outbound", "portForward", "oneToOne"]

_COMPONENT: dict[str, Component] = {
    "outbound": SOURCE_NAT,
    "portForward": PORT_FORWARD,
    "oneToOne": ONE_TO_ONE_NAT,
}
_KIND = {c.name: k for k, c in _COMPONENT.items()}


class NatProperties(Model):
    """Properties of ``opnsense:firewall:nat``."""

    kind: NatKind = Field(
        description="outbound (source NAT), portForward (destination NAT, OPNsense 26.1+) or "
        "oneToOne (1:1 NAT)."
    )
    interface: str = Field(default="wan", min_length=1, description="Interface the NAT is on.")
    ip_protocol: Literal["inet", "inet6"] = Field(
        default="inet", alias="ipProtocol", description="inet (IPv4) or inet6 (IPv6)."
    )
    protocol: str = Field(
        default="any", min_length=1, description="any, tcp, udp, tcp/udp... (any case)."
    )
    source: str = Field(
        default="any",
        min_length=1,
        description="Source network; for oneToOne the internal address or network.",
    )
    source_port: Port | None = Field(default=None, alias="sourcePort", description="Source port.")
    destination: str = Field(
        default="any",
        min_length=1,
        description="Destination; for portForward the address traffic arrives at (e.g. wanip).",
    )
    destination_port: Port | None = Field(
        default=None, alias="destinationPort", description="Destination port or range."
    )
    target: str | None = Field(
        default=None,
        description="outbound: the address to translate to (default: the interface address); "
        "portForward: the internal host to redirect to (required); oneToOne: the external "
        "address (required).",
    )
    target_port: Port | None = Field(
        default=None,
        alias="targetPort",
        description="outbound: translated source port; portForward: the internal port.",
    )
    no_nat: bool = Field(
        default=False, alias="noNat", description="outbound only: exclude matches from NAT."
    )
    log: bool = Field(default=False, description="Log matching packets.")
    enabled: bool = Field(default=True, description="Whether the rule is active.")
    sequence: int | None = Field(
        default=None, ge=1, le=99999, description="Position among the rules of its kind."
    )
    description: str = Field(default="", description="Free text.")

    @model_validator(mode="after")
    def _fits_kind(self) -> NatProperties:
        problems = []
        if self.kind in ("portForward", "oneToOne") and not self.target:
            what = "internal host" if self.kind == "portForward" else "external address"
            problems.append(f"target: a {self.kind} needs the {what} in 'target'")
        if self.kind == "oneToOne":
            for name, value in (
                ("sourcePort", self.source_port),
                ("destinationPort", self.destination_port),
                ("targetPort", self.target_port),
            ):
                if value is not None:
                    problems.append(f"{name}: 1:1 NAT maps whole addresses; ports do not apply")
            if self.protocol.lower() != "any":
                problems.append("protocol: 1:1 NAT maps every protocol; leave it 'any'")
            if self.ip_protocol != "inet":
                problems.append("ipProtocol: 1:1 NAT is IPv4 here (NPTv6 is for IPv6)")
        if self.no_nat and self.kind != "outbound":
            problems.append("noNat: only outbound rules can exclude traffic from NAT")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class NatOutputs(Model):
    """Outputs of ``opnsense:firewall:nat``."""

    uuid: str = Field(description="The rule's uuid in OPNsense.")


NAT_TYPE = TypeSpec(
    type="opnsense:firewall:nat",
    description="A NAT rule: outbound (source NAT), port forward (OPNsense 26.1+) or 1:1.",
    properties=NatProperties,
    outputs=NatOutputs,
    replace_on_changes=("kind",),
    examples=(
        Example(
            properties={
                "kind": "outbound",
                "interface": "wan",
                "source": "198.18.20.0/24",
                "description": "lab out",
            },
            update={
                "kind": "outbound",
                "interface": "wan",
                "source": "198.18.20.0/24",
                "log": True,
                "description": "lab out, logged",
            },
            description="Outbound NAT for a network, then logged.",
        ),
    ),
)


class NatHandler(RecordHandler[NatProperties, NatOutputs]):
    """NAT rules in three components."""

    spec = NAT_TYPE
    component = SOURCE_NAT
    gated_by = "kind"
    field_paths = {
        # outbound and 1:1 (snatrules, onetoone)
        "enabled": "enabled",
        "nonat": "noNat",
        "sequence": "sequence",
        "interface": "interface",
        "ipprotocol": "ipProtocol",
        "protocol": "protocol",
        "source_net": "source",
        "source_port": "sourcePort",
        "destination_net": "destination",
        "destination_port": "destinationPort",
        "target": "target",
        "target_port": "targetPort",
        "external": "target",
        "log": "log",
        "description": "description",
        # port forward (d_nat)
        "disabled": "enabled",
        "source.network": "source",
        "source.port": "sourcePort",
        "destination.network": "destination",
        "destination.port": "destinationPort",
        "local-port": "targetPort",
        "descr": "description",
    }
    equivalences = {
        "protocol": v.same_folded,
        "source_port": v.same_text,
        "destination_port": v.same_text,
        "target_port": v.same_text,
    }

    def component_for(self, props: NatProperties) -> Component:
        return _COMPONENT[props.kind]

    def components(self) -> Sequence[Component]:
        return tuple(_COMPONENT.values())

    def locate(self, id_: str) -> tuple[Component, str] | None:
        kind, _, rest = id_.partition(":")
        component = _COMPONENT.get(kind)
        found = parse_uuid(rest)
        return None if component is None or found is None else (component, found)

    def id_of(self, component: Component, uuid_: str) -> str:
        return f"{_KIND[component.name]}:{uuid_}"

    def fields(self, props: NatProperties) -> dict[str, Any]:
        if props.kind == "portForward":
            fields: dict[str, Any] = {
                "disabled": v.bit(not props.enabled),
                "interface": props.interface,
                "ipprotocol": props.ip_protocol,
                "protocol": ""
                if props.protocol.lower() == "any"
                else protocol_field(props.protocol),
                "source": {
                    "network": props.source,
                    "port": v.port_text(props.source_port),
                    "not": "0",
                },
                "destination": {
                    "network": props.destination,
                    "port": v.port_text(props.destination_port),
                    "not": "0",
                },
                "target": props.target or "",
                "local-port": v.port_text(props.target_port),
                "log": v.bit(props.log),
                "descr": props.description,
            }
        elif props.kind == "oneToOne":
            fields = {
                "enabled": v.bit(props.enabled),
                "log": v.bit(props.log),
                "interface": props.interface,
                "type": "binat",
                "source_net": props.source,
                "destination_net": props.destination,
                "external": props.target or "",
                "description": props.description,
            }
        else:
            fields = {
                "enabled": v.bit(props.enabled),
                "nonat": v.bit(props.no_nat),
                "interface": props.interface,
                "ipprotocol": props.ip_protocol,
                "protocol": protocol_field(props.protocol),
                "source_net": props.source,
                "source_port": v.port_text(props.source_port),
                "destination_net": props.destination,
                "destination_port": v.port_text(props.destination_port),
                "target": props.target or f"{props.interface}ip",
                "target_port": v.port_text(props.target_port),
                "log": v.bit(props.log),
                "description": props.description,
            }
        if props.sequence is not None:
            fields["sequence"] = str(props.sequence)
        return fields

    def decode(self, component: Component, record: Mapping[str, Any]) -> NatProperties:
        kind = _KIND[component.name]
        if kind == "portForward":
            source = _nested(record, "source")
            dest = _nested(record, "destination")
            return reported(
                NatProperties,
                kind=kind,
                interface=",".join(v.selected(record.get("interface"))),
                ip_protocol=v.one(record.get("ipprotocol")) or "inet",
                protocol=protocol_value(record.get("protocol")),
                source=v.text(source.get("network")) or "any",
                source_port=v.port_value(source.get("port")),
                destination=v.text(dest.get("network")) or "any",
                destination_port=v.port_value(dest.get("port")),
                target=v.text(record.get("target")) or None,
                target_port=v.port_value(record.get("local-port")),
                no_nat=False,
                log=v.flag(record.get("log")),
                enabled=not v.flag(record.get("disabled")),
                sequence=v.integer(record.get("sequence")),
                description=v.text(record.get("descr")),
            )
        one_to_one = kind == "oneToOne"
        return reported(
            NatProperties,
            kind=kind,
            interface=v.one(record.get("interface")),
            ip_protocol="inet" if one_to_one else v.one(record.get("ipprotocol")) or "inet",
            protocol="any" if one_to_one else protocol_value(record.get("protocol")),
            source=v.text(record.get("source_net")) or "any",
            source_port=None if one_to_one else v.port_value(record.get("source_port")),
            destination=v.text(record.get("destination_net")) or "any",
            destination_port=None if one_to_one else v.port_value(record.get("destination_port")),
            target=v.text(record.get("external" if one_to_one else "target")) or None,
            target_port=None if one_to_one else v.port_value(record.get("target_port")),
            no_nat=False if one_to_one else v.flag(record.get("nonat")),
            log=v.flag(record.get("log")),
            enabled=v.flag(record.get("enabled")),
            sequence=v.integer(record.get("sequence")),
            description=v.text(record.get("description")),
        )

    def properties_of(self, record: Mapping[str, Any]) -> NatProperties:
        return self.decode(self.component, record)

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> NatOutputs:
        return NatOutputs(uuid=uuid_)


def _nested(record: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = record.get(name)
    return value if isinstance(value, Mapping) else {}
