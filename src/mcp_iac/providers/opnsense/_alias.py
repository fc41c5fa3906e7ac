"""``opnsense:firewall:alias``: a named set of hosts, networks or ports (Firewall → Aliases)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from mcp_iac.sdk import Example, TypeSpec

from . import _values as v
from ._endpoints import ALIAS
from ._handler import Model, RecordHandler, reported

AliasType = Literal[
    "host",
    "network",
    "port",
    "url",
    "urltable",
    "geoip",
    "networkgroup",
    "mac",
    "asn",
    "dynipv6host",
    "authgroup",
    "internal",
    "external",
]


class AliasProperties(Model):
    """Properties of ``opnsense:firewall:alias``."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9_]{1,32}$",
        description="The alias name rules refer to: letters, digits and '_', at most 32.",
    )
    type: AliasType = Field(default="host", description="What the alias holds.")
    content: list[str] = Field(
        default_factory=list,
        description="Entries: addresses, networks, ports, URLs... as the type needs.",
    )
    description: str = Field(default="", description="Free text.")
    enabled: bool = Field(default=True, description="Whether the alias is loaded.")


class AliasOutputs(Model):
    """Outputs of ``opnsense:firewall:alias``."""

    uuid: str = Field(description="The alias's uuid in OPNsense.")
    name: str = Field(description="The alias name (what rules use as source or destination).")


ALIAS_TYPE = TypeSpec(
    type="opnsense:firewall:alias",
    description="A firewall alias: a named list of hosts, networks, ports or URLs.",
    properties=AliasProperties,
    outputs=AliasOutputs,
    examples=(
        Example(
            properties={"name": "web_servers", "type": "host", "content": ["198.18.10.11"]},
            update={
                "name": "web_servers",
                "type": "host",
                "content": ["198.18.10.11", "198.18.10.12"],
                "description": "managed by mcp-iac",
            },
            description="A host alias, then an address added.",
        ),
    ),
)


class AliasHandler(RecordHandler[AliasProperties, AliasOutputs]):
    """Firewall aliases; content is newline-separated in OPNsense."""

    spec = ALIAS_TYPE
    component = ALIAS
    field_paths = {
        "name": "name",
        "type": "type",
        "content": "content",
        "description": "description",
        "enabled": "enabled",
    }
    equivalences = {"content": v.same_set}

    def fields(self, props: AliasProperties) -> dict[str, Any]:
        return {
            "enabled": v.bit(props.enabled),
            "name": props.name,
            "type": props.type,
            "content": "\n".join(props.content),
            "description": props.description,
        }

    def properties_of(self, record: Mapping[str, Any]) -> AliasProperties:
        return reported(
            AliasProperties,
            name=v.text(record.get("name")),
            type=v.one(record.get("type")),
            content=v.lines(record.get("content")),
            description=v.text(record.get("description")),
            enabled=v.flag(record.get("enabled")),
        )

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> AliasOutputs:
        return AliasOutputs(uuid=uuid_, name=v.text(record.get("name")))
