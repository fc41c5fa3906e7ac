"""Resolve canonical templates into values: at plan time (with unknowns) and right before a step."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat

from mcp_iac.core import (
    JSON,
    MISSING,
    UNKNOWN,
    ConfigError,
    GrammarError,
    Part,
    Path,
    Ref,
    Secret,
    parse_template,
    same_tree,
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
        parts = _PARTS.get(template) or template_parts(template)
        if len(parts) == 1:
            ref = parts[0]
            if isinstance(ref, Ref):
                if ref.kind == "resource":  # _ref_value's common case, without the call
                    return lookup(":".join(ref.segments), ref.path)
                return _ref_value(ref, lookup, secret)
        return _interpolate(parts, lookup, secret)
    # loops rather than comprehensions: on Python 3.11 each of those makes a function and
    # closure cells per call, which costs more than the few items of a typical template; a
    # plain string without references is its own value, taken without a call
    if isinstance(template, dict):
        values: dict[str, object] = {}
        for key, item in template.items():
            values[key] = (
                item if type(item) is str and "${" not in item else resolve(item, lookup, secret)
            )
        return values
    if isinstance(template, list):
        items: list[object] = []
        for item in template:
            items.append(
                item if type(item) is str and "${" not in item else resolve(item, lookup, secret)
            )
        return items
    return template


def resolves_to(  # noqa: PLR0917  # recursive, positional: a keyword costs every call
    template: object,
    value: object,
    targets: Mapping[str, tuple[str, Path]],
    values: dict[str, object],
    lookup: Lookup,
    secret: SecretLookup,
) -> bool:
    """``same_tree(value, resolve(template, lookup, secret))``, without building the resolved
    tree: the check that a recorded resource is unchanged. ``targets`` has the parse of strings
    that are one resource reference (the address and path each names), as the binder keeps it
    (:attr:`BoundDeployment.ref_targets`); other strings are parsed as ``resolve`` parses them.
    ``values`` keeps what ``lookup`` gave for such strings: for a caller whose lookups give one
    value per reference (the planner's, while it makes a plan), each is looked up once.

    It stops at the first difference, so it may not look up every reference: when it returns
    False, ``resolve`` still raises whatever a reference in the rest of the template raises.

    Raises:
        ConfigError: as ``resolve``, for a reference it looks up.
    """
    # strings, the common leaves, are compared in the loop without the call this would be
    pairs: Iterable[tuple[object, object]]
    if isinstance(template, dict):
        # the same keys: as many, and each of the template's found (checked as the walk goes,
        # in the template's order, as resolve would look its references up)
        if type(value) is not dict or len(value) != len(template):
            return False
        pairs = zip(template.values(), map(value.get, template, repeat(MISSING)), strict=True)
    elif isinstance(template, list):
        if type(value) is not list or len(value) != len(template):
            return False
        pairs = zip(template, value, strict=True)
    else:
        return _leaf_resolves_to(template, value, lookup, secret)
    for item, found in pairs:
        if found is MISSING:  # a key of the template that the value lacks
            return False
        if type(item) is not str:
            if not resolves_to(item, found, targets, values, lookup, secret):
                return False
        elif "${" not in item:
            if type(found) is not str or found != item:
                return False
        else:  # a string with references: usually one to a resource, looked up once
            resolved = values.get(item, MISSING)
            if resolved is MISSING:
                target = targets.get(item)
                if target is None:
                    if not _text_resolves_to(item, found, lookup, secret):
                        return False
                    continue
                resolved = values[item] = lookup(target[0], target[1])
            if type(resolved) is str:
                if type(found) is not str or found != resolved:
                    return False
            elif not same_tree(found, resolved):
                return False
    return True


def _leaf_resolves_to(
    template: object, value: object, lookup: Lookup, secret: SecretLookup
) -> bool:
    """:func:`resolves_to` of a template that is neither an object nor a list."""
    if isinstance(template, str):
        if "${" not in template:
            return type(value) is type(template) and value == template
        return _text_resolves_to(template, value, lookup, secret)
    return same_tree(value, template)


def _text_resolves_to(text: str, value: object, lookup: Lookup, secret: SecretLookup) -> bool:
    """:func:`resolves_to` for a string with references; one reference to a resource (the
    usual case) is looked up and compared here as ``resolve`` then ``same_tree`` would."""
    parts = _PARTS.get(text) or template_parts(text)
    if len(parts) == 1:
        ref = parts[0]
        if isinstance(ref, Ref) and ref.kind == "resource":
            found = lookup(":".join(ref.segments), ref.path)
            if type(found) is str:
                return type(value) is str and value == found
            return same_tree(value, found)
    return same_tree(value, resolve(text, lookup, secret))


def _interpolate(parts: tuple[Part, ...], lookup: Lookup, secret: SecretLookup) -> object:
    """The text of ``parts`` with the values of its references in it."""
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


def _ref_value(ref: Ref, lookup: Lookup, secret: SecretLookup) -> object:
    if ref.kind == "resource":
        return lookup(":".join(ref.segments), ref.path)
    if ref.kind == "secret":
        return secret(ref.segments[0])
    # variables were substituted when binding; a leftover is a literal that looked like one
    return ref.text


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
