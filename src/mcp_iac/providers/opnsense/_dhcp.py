"""Kea DHCPv4 (Services → Kea DHCP → Kea DHCPv4): ``opnsense:service:dhcp:range`` is a subnet
with its address pools, ``opnsense:service:dhcp:static`` a reservation in one.

Kea serves only on the interfaces chosen in its general settings (and only when enabled
there); those settings are the firewall's, not a resource of this provider.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import Field, field_validator

from mcp_iac.sdk import Example, TypeSpec

from . import _values as v
from ._endpoints import KEA_RESERVATION, KEA_SUBNET
from ._handler import Model, RecordHandler, reported

_RANGE_DASH = re.compile(r"\s*-\s*")


def pool_text(pool: str) -> str:
    """A pool as OPNsense writes it: ``first - last`` (or a CIDR as is)."""
    return _RANGE_DASH.sub(" - ", pool.strip())


def same_pools(declared: Any, observed: Any) -> bool:
    """Pools equal up to spacing around the dash, in any order."""
    if isinstance(declared, list) and isinstance(observed, list):
        return sorted(map(pool_text, declared)) == sorted(map(pool_text, observed))
    return bool(declared == observed)


class RangeProperties(Model):
    """Properties of ``opnsense:service:dhcp:range``."""

    subnet: str = Field(
        min_length=1, description="The IPv4 subnet served, in CIDR (198.18.20.0/24)."
    )
    pools: list[str] = Field(
        min_length=1,
        description="Address pools handed out: 'first-last' ranges or CIDR blocks inside the "
        "subnet.",
    )
    routers: list[str] = Field(
        default_factory=list, description="Default gateways offered (option routers)."
    )
    dns_servers: list[str] = Field(
        default_factory=list,
        alias="dnsServers",
        description="DNS servers offered (option domain-name-servers).",
    )
    domain_name: str = Field(default="", alias="domainName", description="Domain name offered.")
    auto_options: bool = Field(
        default=True,
        alias="autoOptions",
        description="Let OPNsense fill routers and DNS servers from the interface's address "
        "(field 'option_data_autocollect'); set false to offer only what is declared.",
    )
    description: str = Field(default="", description="Free text.")


class RangeOutputs(Model):
    """Outputs of ``opnsense:service:dhcp:range``."""

    uuid: str = Field(description="The subnet's uuid: what static mappings name as 'subnet'.")
    subnet: str = Field(description="The subnet served.")


RANGE_TYPE = TypeSpec(
    type="opnsense:service:dhcp:range",
    description="A Kea DHCPv4 subnet and the address pools it hands out.",
    properties=RangeProperties,
    outputs=RangeOutputs,
    examples=(
        Example(
            properties={"subnet": "198.18.20.0/24", "pools": ["198.18.20.100-198.18.20.199"]},
            update={
                "subnet": "198.18.20.0/24",
                "pools": ["198.18.20.100-198.18.20.149", "198.18.20.200-198.18.20.219"],
                "description": "lab",
            },
            description="A subnet with one pool, then split in two.",
        ),
    ),
)


class RangeHandler(RecordHandler[RangeProperties, RangeOutputs]):
    """Kea DHCPv4 subnets."""

    spec = RANGE_TYPE
    component = KEA_SUBNET
    field_paths = {
        "subnet": "subnet",
        "pools": "pools",
        "option_data.routers": "routers",
        "option_data.domain_name_servers": "dnsServers",
        "option_data.domain_name": "domainName",
        "option_data_autocollect": "autoOptions",
        "description": "description",
    }
    equivalences = {
        "pools": same_pools,
        "routers": v.same_set,
        "dns_servers": v.same_set,
    }

    def fields(self, props: RangeProperties) -> dict[str, Any]:
        return {
            "subnet": props.subnet,
            "pools": "\n".join(pool_text(p) for p in props.pools),
            "option_data_autocollect": v.bit(props.auto_options),
            "option_data": {
                "routers": v.csv(props.routers),
                "domain_name_servers": v.csv(props.dns_servers),
                "domain_name": props.domain_name,
            },
            "description": props.description,
        }

    def properties_of(self, record: Mapping[str, Any]) -> RangeProperties:
        options = record.get("option_data")
        opts: Mapping[str, Any] = options if isinstance(options, Mapping) else {}
        return reported(
            RangeProperties,
            subnet=v.text(record.get("subnet")),
            pools=[pool_text(p) for p in v.lines(record.get("pools"))],
            routers=v.selected(opts.get("routers")),
            dns_servers=v.selected(opts.get("domain_name_servers")),
            domain_name=v.text(opts.get("domain_name")),
            auto_options=v.flag(record.get("option_data_autocollect")),
            description=v.text(record.get("description")),
        )

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> RangeOutputs:
        return RangeOutputs(uuid=uuid_, subnet=v.text(record.get("subnet")))


class StaticProperties(Model):
    """Properties of ``opnsense:service:dhcp:static``."""

    subnet: str = Field(
        description="uuid of the range it belongs to: ${opnsense:service:dhcp:range:<name>.uuid}."
    )
    mac_address: str = Field(
        alias="macAddress",
        pattern=r"^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$",
        description="The client's hardware address (field 'hw_address'), aa:bb:cc:dd:ee:ff.",
    )
    ip_address: str = Field(
        alias="ipAddress", min_length=1, description="The address it always gets, in the subnet."
    )
    hostname: str = Field(default="", description="Host name handed to the client.")
    description: str = Field(default="", description="Free text.")

    @field_validator("subnet")
    @classmethod
    def _subnet_uuid(cls, value: str) -> str:
        try:
            uuid.UUID(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a uuid; reference the range's uuid output, e.g. "
                "${opnsense:service:dhcp:range:<name>.uuid}"
            ) from None
        return value


class StaticOutputs(Model):
    """Outputs of ``opnsense:service:dhcp:static``."""

    uuid: str = Field(description="The reservation's uuid in OPNsense.")
    ip_address: str = Field(alias="ipAddress", description="The reserved address.")


STATIC_TYPE = TypeSpec(
    type="opnsense:service:dhcp:static",
    description="A Kea DHCPv4 reservation: a fixed address for one MAC address.",
    properties=StaticProperties,
    outputs=StaticOutputs,
)


class StaticHandler(RecordHandler[StaticProperties, StaticOutputs]):
    """Kea DHCPv4 reservations."""

    spec = STATIC_TYPE
    component = KEA_RESERVATION
    field_paths = {
        "subnet": "subnet",
        "hw_address": "macAddress",
        "ip_address": "ipAddress",
        "hostname": "hostname",
        "description": "description",
    }
    equivalences = {"mac_address": v.same_folded}

    def fields(self, props: StaticProperties) -> dict[str, Any]:
        return {
            "subnet": props.subnet,
            "hw_address": props.mac_address,
            "ip_address": props.ip_address,
            "hostname": props.hostname,
            "description": props.description,
        }

    def properties_of(self, record: Mapping[str, Any]) -> StaticProperties:
        return reported(
            StaticProperties,
            subnet=v.one(record.get("subnet")),
            mac_address=v.text(record.get("hw_address")),
            ip_address=v.text(record.get("ip_address")),
            hostname=v.text(record.get("hostname")),
            description=v.text(record.get("description")),
        )

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> StaticOutputs:
        return StaticOutputs(uuid=uuid_, ipAddress=v.text(record.get("ip_address")))
