"""``opnsense:service:dns:override``: an Unbound host override (Services → Unbound DNS →
Overrides): a name the firewall's resolver answers itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from mcp_iac.sdk import Example, TypeSpec

from . import _values as v
from ._endpoints import HOST_OVERRIDE
from ._handler import Model, RecordHandler, reported


class OverrideProperties(Model):
    """Properties of ``opnsense:service:dns:override``."""

    hostname: str = Field(
        min_length=1, description="Host part of the name ('*' for every name in the domain)."
    )
    domain: str = Field(min_length=1, description="Domain of the name, e.g. example.net.")
    type: Literal["A", "AAAA", "MX"] = Field(default="A", description="Record type (field 'rr').")
    address: str | None = Field(
        default=None, description="A/AAAA: the IP address answered (field 'server')."
    )
    mx_host: str | None = Field(default=None, alias="mxHost", description="MX: the mail host.")
    mx_priority: int | None = Field(
        default=None, alias="mxPriority", ge=0, le=65535, description="MX: its priority."
    )
    enabled: bool = Field(default=True, description="Whether the override answers.")
    description: str = Field(default="", description="Free text.")

    @model_validator(mode="after")
    def _fits_type(self) -> OverrideProperties:
        if self.type in ("A", "AAAA") and not self.address:
            raise ValueError(f"address: a type {self.type} override needs the address to answer")
        if self.type == "MX" and (not self.mx_host or self.mx_priority is None):
            raise ValueError("mxHost, mxPriority: a type MX override needs both")
        return self


class OverrideOutputs(Model):
    """Outputs of ``opnsense:service:dns:override``."""

    uuid: str = Field(description="The override's uuid in OPNsense.")
    fqdn: str = Field(description="hostname.domain")


OVERRIDE_TYPE = TypeSpec(
    type="opnsense:service:dns:override",
    description="An Unbound DNS host override: a name the firewall's resolver answers itself.",
    properties=OverrideProperties,
    outputs=OverrideOutputs,
    examples=(
        Example(
            properties={"hostname": "app", "domain": "example.net", "address": "198.18.10.20"},
            update={
                "hostname": "app",
                "domain": "example.net",
                "address": "198.18.10.21",
                "description": "moved",
            },
            description="app.example.net answered with an address, then another.",
        ),
    ),
)


class OverrideHandler(RecordHandler[OverrideProperties, OverrideOutputs]):
    """Unbound host overrides."""

    spec = OVERRIDE_TYPE
    component = HOST_OVERRIDE
    field_paths = {
        "hostname": "hostname",
        "domain": "domain",
        "rr": "type",
        "server": "address",
        "mx": "mxHost",
        "mxprio": "mxPriority",
        "enabled": "enabled",
        "description": "description",
    }
    equivalences = {"hostname": v.same_folded, "domain": v.same_folded}

    def fields(self, props: OverrideProperties) -> dict[str, Any]:
        return {
            "enabled": v.bit(props.enabled),
            "hostname": props.hostname,
            "domain": props.domain,
            "rr": props.type,
            "server": props.address or "",
            "mx": props.mx_host or "",
            "mxprio": v.number(props.mx_priority),
            "description": props.description,
        }

    def properties_of(self, record: Mapping[str, Any]) -> OverrideProperties:
        return reported(
            OverrideProperties,
            hostname=v.text(record.get("hostname")),
            domain=v.text(record.get("domain")),
            type=v.one(record.get("rr")) or "A",
            address=v.text(record.get("server")) or None,
            mx_host=v.text(record.get("mx")) or None,
            mx_priority=v.integer(record.get("mxprio")),
            enabled=v.flag(record.get("enabled")),
            description=v.text(record.get("description")),
        )

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> OverrideOutputs:
        host, domain = v.text(record.get("hostname")), v.text(record.get("domain"))
        return OverrideOutputs(uuid=uuid_, fqdn=f"{host}.{domain}" if host else domain)
