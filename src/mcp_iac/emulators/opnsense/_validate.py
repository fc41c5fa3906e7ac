"""Validation of one record, the way ``BaseModel::performValidation`` reports it."""

from __future__ import annotations

from mcp_iac.core import JSON

from ._fields import PRESENCE_MESSAGE, Record
from ._schema import Component, Site


def validate(component: Component, uuid: str, record: Record, site: Site) -> dict[str, JSON]:
    """Messages by ``<postKey>.<field>``: a string, or a list when a field has several.

    Covers required fields, each field type's rules, uniqueness constraints (also across
    fields, like a VLAN tag per parent) and the component's own model rules.
    """
    found: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        messages = found.setdefault(name, [])
        if message not in messages:
            messages.append(message)

    for name, field in component.fields:
        value = record.get(name, "")
        if value == "":
            if field.required and not field.volatile:
                add(name, PRESENCE_MESSAGE)
            continue
        for message in field.problems(value, site):
            add(name, message)
    for unique in component.uniques:
        key = unique.key(record)
        if key[0] == "":
            continue
        for other_uuid, other in site.records(component.id).items():
            if other_uuid != uuid and unique.key(other) == key:
                add(unique.field, unique.message)
                break
    for name, messages in component.behaviour.check(record, uuid, site).items():
        for message in messages:
            add(name, message)
    return {
        f"{component.post_key}.{name}": messages[0] if len(messages) == 1 else list(messages)
        for name, messages in found.items()
    }
