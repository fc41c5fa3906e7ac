"""Values that flow through properties: JSON, the unknown-until-apply marker, and secrets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, TypeAlias

from pydantic import JsonValue

JSON: TypeAlias = JsonValue
JSONObject: TypeAlias = dict[str, JSON]


class _Unknown:
    """A value that is only known after apply (an output of a resource not yet created)."""

    __slots__ = ()
    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(known after apply)"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
"""The single unknown-until-apply marker."""

UNKNOWN_TEXT: Final = "(known after apply)"


@dataclass(frozen=True, slots=True)
class Secret:
    """A sensitive value. Redacts itself in repr, str and every rendering mcp-iac does."""

    value: JSON

    def __repr__(self) -> str:
        return "Secret(***)"

    def __str__(self) -> str:
        return "(sensitive)"


def is_unknown(value: object) -> bool:
    """True when ``value`` is the unknown marker or contains it anywhere."""
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    return False


def contains_secret(value: object) -> bool:
    """True when ``value`` is or contains a :class:`Secret`."""
    if isinstance(value, Secret):
        return True
    if isinstance(value, dict):
        return any(contains_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_secret(v) for v in value)
    return False


def reveal(value: object) -> JSON:
    """Strip :class:`Secret` wrappers, giving the plain JSON a provider needs."""
    if isinstance(value, Secret):
        return reveal(value.value)
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value  # type: ignore[return-value]  # scalars are JSON already


def redact(value: object) -> JSON:
    """Render a value for humans and logs: secrets become ``(sensitive)``, unknowns their text."""
    if isinstance(value, Secret):
        return "(sensitive)"
    if value is UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value  # type: ignore[return-value]  # scalars are JSON already
