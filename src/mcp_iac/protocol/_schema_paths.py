"""Whether a property path (``spec.ports[0]``) can exist in a JSON Schema.

Used to check the paths a provider publishes (``replaceOnChanges``, ``secretPaths``) against
the property and output schemas it publishes with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp_iac.core import GrammarError, parse_path

_Schema = Mapping[str, Any]
_ANY: _Schema = {}
_DEFS = "#/$defs/"


def _alternatives(node: _Schema, root: _Schema, depth: int = 0) -> list[_Schema]:
    """``node`` with local ``$ref``s followed and ``anyOf``/``oneOf``/``allOf`` spread out."""
    if depth > 32:  # a recursive schema: give up on this branch, do not loop
        return []
    ref = node.get("$ref")
    if isinstance(ref, str):
        if not ref.startswith(_DEFS):
            return [_ANY]  # a reference we cannot follow: assume it allows the path
        target = root.get("$defs", {}).get(ref.removeprefix(_DEFS))
        return [] if target is None else _alternatives(target, root, depth + 1)
    spread = [
        alt
        for key in ("anyOf", "oneOf", "allOf")
        for branch in node.get(key, ())
        for alt in _alternatives(branch, root, depth + 1)
    ]
    return spread or [node]


def _is_open(node: _Schema) -> bool:
    kind = node.get("type")
    return "properties" not in node and kind in (None, "object") and not node.get("enum")


def _child(node: _Schema, part: str | int) -> list[_Schema]:
    if isinstance(part, int):
        if node.get("type") in (None, "array"):
            prefix = node.get("prefixItems")
            if isinstance(prefix, list) and part < len(prefix):
                return [prefix[part]]
            items = node.get("items")
            if isinstance(items, Mapping):
                return [items]
            if node.get("type") is None and "properties" not in node:
                return [_ANY]
        return []
    props = node.get("properties")
    if isinstance(props, Mapping) and part in props:
        return [props[part]]
    extra = node.get("additionalProperties")
    if isinstance(extra, Mapping):
        return [extra]
    if extra is True or (extra is None and _is_open(node)):
        return [_ANY]
    return []


def schema_has_path(schema: Mapping[str, Any], path: str) -> bool:
    """True when ``path`` (``a.b[0]``) names a place a value valid for ``schema`` can have.

    Open parts of the schema (any JSON value, free-form objects) accept every path beneath
    them; a malformed path is never found.
    """
    try:
        parts = parse_path(path)
    except GrammarError:
        return False
    nodes = _alternatives(schema, schema)
    for part in parts:
        nodes = [
            alt
            for node in nodes
            for child in _child(node, part)
            for alt in _alternatives(child, schema)
        ]
        if not nodes:
            return False
    return True
