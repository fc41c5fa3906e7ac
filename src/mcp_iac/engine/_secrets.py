"""Which values are secret: provider-declared secret paths, and outputs that echo a secret."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mcp_iac.core import Path, Secret, parse_paths


def mark_secret_paths(tree: dict[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """``tree`` with the values at ``paths`` (a provider's ``secretPaths``) wrapped in Secret."""
    parsed = parse_paths(list(paths), "secretPaths")
    if not parsed:
        return tree

    def walk(value: Any, path: Path) -> Any:
        if isinstance(value, Secret):
            return value
        if path and any(path[: len(p)] == p for p in parsed):
            return Secret(value)
        if isinstance(value, dict):
            return {k: walk(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*path, i)) for i, v in enumerate(value)]
        return value

    result: dict[str, Any] = walk(tree, ())
    return result


_MIN_CONTAINED = 6
"""Shorter secret values mark only outputs equal to them: an address that happens to contain a
secret ``10`` is not a leak."""


def mark_echoed_secrets(outputs: dict[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Outputs whose text contains a secret input value (or equals a short one) become
    Secrets themselves."""
    texts = [s for s in _secret_texts(inputs) if s]
    if not texts:
        return outputs
    long_ = [s for s in texts if len(s) >= _MIN_CONTAINED]
    short = {s for s in texts if len(s) < _MIN_CONTAINED}

    def echoes(value: str) -> bool:
        return value in short or any(s in value for s in long_)

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str) and echoes(value):
            return Secret(value)
        return value

    result: dict[str, Any] = walk(outputs)
    return result


def _secret_texts(value: Any) -> list[str]:
    if isinstance(value, Secret):
        return [str(x) for x in _leaves(value.value) if x is not None]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _secret_texts(v)]
    if isinstance(value, list):
        return [s for v in value for s in _secret_texts(v)]
    return []


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _leaves(v)]
    if isinstance(value, list):
        return [x for v in value for x in _leaves(v)]
    return [value]
