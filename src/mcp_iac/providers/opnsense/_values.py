"""OPNsense's value encoding, both ways: what ``getItem`` returns and what ``setItem`` takes.

``getItem`` renders booleans as ``"0"``/``"1"``, integers as strings and option fields as
option maps (``{"pass": {"value": "Pass", "selected": 1}, ...}``; multi-selects select several);
writers send plain keys, comma-separated for multi-selects. These functions turn a record back
into the user's terms and the user's values into fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any


def _is_selected(option: object) -> bool:
    if not isinstance(option, Mapping):
        return False
    mark = option.get("selected")
    return mark in (1, True, "1", "true")


def selected(value: Any) -> list[str]:
    """The selected keys of an option map, in the map's order; a plain string is read as a
    comma-separated list."""
    if isinstance(value, Mapping):
        return [str(k) for k, option in value.items() if _is_selected(option) and k != ""]
    if isinstance(value, list):
        return [str(v) for v in value if str(v)]
    if isinstance(value, str):
        return [part for part in value.split(",") if part]
    return []


def one(value: Any) -> str:
    """The selected key of a single-select option field (``""`` for none)."""
    keys = selected(value)
    if isinstance(value, str):
        return value
    return keys[0] if keys else ""


def text(value: Any) -> str:
    """A text field (``""`` when absent)."""
    if value is None:
        return ""
    if isinstance(value, Mapping | list):
        return ",".join(selected(value))
    return str(value)


def lines(value: Any) -> list[str]:
    """A newline-separated text field, or a multi-select, as a list."""
    if isinstance(value, Mapping | list):
        return selected(value)
    return [line.strip() for line in text(value).splitlines() if line.strip()]


def flag(value: Any) -> bool:
    """A boolean field (``"1"`` is true)."""
    return str(value).strip() in ("1", "true")


def integer(value: Any) -> int | None:
    """An integer field; None when empty."""
    raw = one(value) if isinstance(value, Mapping) else text(value).strip()
    try:
        return int(raw)
    except ValueError:
        return None


def bit(value: bool) -> str:
    """A boolean as OPNsense writes it."""
    return "1" if value else "0"


def number(value: int | None) -> str:
    """An optional integer as OPNsense writes it (``""`` for none)."""
    return "" if value is None else str(value)


def csv(values: Iterable[str]) -> str:
    """A multi-select as OPNsense writes it."""
    return ",".join(values)


def port_text(value: int | str | None) -> str:
    """A port (number, range ``80:90``, well-known name or alias) as a field."""
    return "" if value is None else str(value)


def port_value(value: Any) -> int | str | None:
    """A port field in the user's terms: a number when it is one, else the text."""
    raw = text(value).strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() else raw


# --- equivalence: when a value read back means what the user declared ----------------------

Equivalence = Callable[[Any, Any], bool]


def same_set(declared: Any, observed: Any) -> bool:
    """Lists holding the same items, in any order (option maps lose the declared order)."""
    if isinstance(declared, list) and isinstance(observed, list):
        return sorted(map(str, declared)) == sorted(map(str, observed))
    return bool(declared == observed)


def same_text(declared: Any, observed: Any) -> bool:
    """Values that print the same (``443`` and ``"443"``)."""
    return declared is not None and observed is not None and str(declared) == str(observed)


def same_folded(declared: Any, observed: Any) -> bool:
    """Strings equal ignoring case (MAC addresses, hostnames)."""
    if isinstance(declared, str) and isinstance(observed, str):
        return declared.lower() == observed.lower()
    return bool(declared == observed)
