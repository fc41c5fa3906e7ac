"""Bases of the property and output models, the ``tags`` type, and names derived from a
resource's name when the user gives none."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    SerializerFunctionWrapHandler,
    model_serializer,
)
from pydantic.fields import ComputedFieldInfo, FieldInfo

from mcp_iac.sdk import CreateContext

from ._tags import RESERVED_PREFIXES, token


def _title(name: str, info: FieldInfo | ComputedFieldInfo) -> str:
    return getattr(info, "alias", None) or name


class Model(BaseModel):
    """Base of the property and output models: immutable, unknown fields are errors, and the
    user-facing camelCase names are the aliases (the only names accepted on input)."""

    model_config = ConfigDict(frozen=True, extra="forbid", field_title_generator=_title)


class Nested(Model):
    """A model inside a property (a security group rule, a listener, an alias target).

    Serialized with the fields that were set only, so a value read back from AWS can be shaped
    like the one the user declared (:meth:`shaped`) and compare equal to it, whether or not the
    user spelled out the defaults.
    """

    @model_serializer(mode="wrap")
    def _as_set(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        fields = type(self).model_fields
        names = {info.alias or name: name for name, info in fields.items()}
        return {k: v for k, v in data.items() if names.get(k, k) in self.model_fields_set}

    @classmethod
    def shaped(cls, data: dict[str, Any], like: Nested | None) -> Self:
        """``data`` (wire names) as a model whose set fields are those ``like`` (the declared
        value) set, plus every field whose value is not its default."""
        kept: dict[str, Any] = {}
        for name, info in cls.model_fields.items():
            key = info.alias or name
            if key not in data:
                continue
            declared = like is not None and name in like.model_fields_set
            if declared or data[key] != info.get_default(call_default_factory=True):
                kept[key] = data[key]
        return cls.model_validate(kept)


def _check_tags(tags: dict[str, str]) -> dict[str, str]:
    for key, value in tags.items():
        if not key or len(key) > 128:
            raise ValueError(f"tag key {key!r} must be 1 to 128 characters")
        if key.startswith(RESERVED_PREFIXES):
            raise ValueError(
                f"tag key {key!r} is reserved: keys starting with 'aws:' or 'mcp-iac:' are set "
                "by AWS and mcp-iac; choose another key"
            )
        if len(value) > 256:
            raise ValueError(f"the value of tag {key!r} is longer than 256 characters")
    return tags


Tags = Annotated[dict[str, str], AfterValidator(_check_tags)]
"""The user's tags: key to value; ``aws:*`` and ``mcp-iac:*`` keys are refused."""


def _cidr4(value: str) -> str:
    try:
        ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise ValueError(
            f"{value!r} is not an IPv4 network in CIDR notation like 198.18.0.0/16 ({exc})"
        ) from None
    return value


def _cidr6(value: str) -> str:
    try:
        ipaddress.IPv6Network(value, strict=True)
    except ValueError as exc:
        raise ValueError(
            f"{value!r} is not an IPv6 network in CIDR notation like 2001:db8::/32 ({exc})"
        ) from None
    return value


Cidr4 = Annotated[str, AfterValidator(_cidr4)]
"""An IPv4 network in CIDR notation, host bits zero (``198.18.0.0/16``)."""

Cidr6 = Annotated[str, AfterValidator(_cidr6)]
"""An IPv6 network in CIDR notation, host bits zero (``2001:db8::/32``)."""


def derived_name(
    ctx: CreateContext, *, limit: int, pattern: str = r"[^A-Za-z0-9-]", lower: bool = False
) -> str:
    """A name for an AWS object whose user gave none: the resource's name, characters outside
    ``pattern`` replaced by ``-``, then ``-`` and 8 hex digits of the idempotency key (so a
    retried create finds the same name and a replacement gets a new one); at most ``limit``
    characters, starting with a letter, no ``--``."""
    base = re.sub(pattern, "-", ctx.name)
    base = re.sub(r"-{2,}", "-", base.lower() if lower else base).strip("-")
    if not base[:1].isalpha():
        base = f"r{base}"
    base = base[: limit - 9].rstrip("-")
    return f"{base}-{token(ctx.idempotency_key, 8)}"


def in_hint_order(actual: list[Any], hint: list[Any] | None) -> list[Any]:
    """``actual`` ordered like ``hint`` where they share items (AWS returns sets in its own
    order); items the hint lacks follow, in AWS's order."""
    if not hint:
        return list(actual)
    rest = list(actual)
    ordered = []
    for item in hint:
        if item in rest:
            rest.remove(item)
            ordered.append(item)
    return ordered + rest
