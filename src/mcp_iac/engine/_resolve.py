"""Resolve canonical templates into values: at plan time (with unknowns) and right before a step."""

from __future__ import annotations

import json
from collections.abc import Callable

from mcp_iac.core import (
    JSON,
    UNKNOWN,
    ConfigError,
    GrammarError,
    Part,
    Path,
    Ref,
    Secret,
    parse_template,
)

Lookup = Callable[[str, Path], object]
"""(address, output path) -> value, UNKNOWN, or raises."""
SecretLookup = Callable[[str], object]


_PARTS: dict[str, tuple[Part, ...]] = {}
_PARTS_LIMIT = 400_000


def remember_parts(text: str, parts: tuple[Part, ...]) -> None:
    """Record the parsed form of a canonical string the binder just built (saves a re-parse)."""
    if len(_PARTS) >= _PARTS_LIMIT:
        _PARTS.clear()
    _PARTS[text] = parts


def template_parts(text: str) -> tuple[Part, ...]:
    """Parsed (cached) template of a canonical string."""
    parts = _PARTS.get(text)
    if parts is None:
        try:
            parts = tuple(parse_template(text))
        except GrammarError:
            parts = (text,)
        remember_parts(text, parts)
    return parts


def _scalar_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value)


def resolve(template: object, lookup: Lookup, secret: SecretLookup) -> object:
    """Replace references in ``template``; UNKNOWN when a needed value is unknown.

    A whole-value reference keeps the referenced value's type; interpolation joins scalars;
    a secret anywhere makes the resulting leaf a :class:`Secret`.

    Raises:
        ConfigError: an object or list referenced inside a longer string.
    """
    if isinstance(template, str):
        if "${" not in template:
            return template
        parts = template_parts(template)
        if len(parts) == 1 and isinstance(parts[0], Ref):
            return _ref_value(parts[0], lookup, secret)
        pieces: list[str] = []
        sensitive = False
        for part in parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            value = _ref_value(part, lookup, secret)
            if value is UNKNOWN:
                return UNKNOWN
            if isinstance(value, Secret):
                sensitive = True
                value = value.value
            if isinstance(value, dict | list):
                raise ConfigError(
                    f"'{part.text}' is a {type(value).__name__} and cannot be interpolated "
                    "into a string",
                    hint="use the reference as the whole value, or reference a scalar inside it",
                )
            pieces.append(_scalar_text(value))
        joined = "".join(pieces)
        return Secret(joined) if sensitive else joined
    if isinstance(template, list):
        return [resolve(v, lookup, secret) for v in template]
    if isinstance(template, dict):
        return {k: resolve(v, lookup, secret) for k, v in template.items()}
    return template


def _ref_value(ref: Ref, lookup: Lookup, secret: SecretLookup) -> object:
    if ref.kind == "secret":
        return secret(ref.segments[0])
    if ref.kind == "variable":
        # variables were substituted when binding; a leftover is a literal that looked like one
        return ref.text
    return lookup(":".join(ref.segments), ref.path)


def referenced(template: object) -> list[tuple[str, Path]]:
    """(address, path) of every resource reference in a canonical template."""
    found: list[tuple[str, Path]] = []
    if isinstance(template, str):
        if "${" in template:
            for part in template_parts(template):
                if isinstance(part, Ref) and part.kind == "resource":
                    found.append((":".join(part.segments), part.path))
    elif isinstance(template, list):
        for v in template:
            found.extend(referenced(v))
    elif isinstance(template, dict):
        for v in template.values():
            found.extend(referenced(v))
    return found


def to_json(value: object) -> JSON:
    """Values with UNKNOWN/Secret to plain JSON for machine output (unknown -> null)."""
    if value is UNKNOWN:
        return None
    if isinstance(value, Secret):
        return "(sensitive)"
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value  # type: ignore[return-value]  # what is left is a JSON scalar
