"""Path lookup and structural diff of JSON-like property trees."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Final

from ._refs import GrammarError, Path, format_path, parse_path
from ._values import JSON, UNKNOWN, Secret


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


def lookup(value: object, path: Path) -> object:
    """Follow ``path`` into ``value``; MISSING when any step does not exist."""
    cur = value
    for part in path:
        if type(cur) is dict and type(part) is str:  # the common step, without the checks below
            cur = cur.get(part, MISSING)
            if cur is MISSING:
                return MISSING
            continue
        if isinstance(cur, Secret):
            cur = cur.value
        if isinstance(part, int):
            if not isinstance(cur, list) or part >= len(cur):
                return MISSING
            cur = cur[part]
        else:
            if not isinstance(cur, dict) or part not in cur:
                return MISSING
            cur = cur[part]
    return cur


def _same(a: object, b: object) -> bool:
    if isinstance(a, Secret):
        a = a.value
    if isinstance(b, Secret):
        b = b.value
    if a is UNKNOWN or b is UNKNOWN:
        return False
    if type(a) is not type(b) and not (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return False
    return a == b


def same_tree(old: object, new: object) -> bool:
    """True when ``diff_paths(old, new)`` is certainly empty; a quick check for the common case
    of nothing changed (False may still mean no difference, e.g. ``1`` against ``1.0``)."""
    if type(old) is not type(new) or old is UNKNOWN:
        return False
    if isinstance(old, Secret):
        assert isinstance(new, Secret)
        return same_tree(old.value, new.value)
    pairs: Iterable[tuple[object, object]]
    if isinstance(old, dict):
        assert isinstance(new, dict)
        if old.keys() != new.keys():
            return False
        pairs = zip(old.values(), map(new.__getitem__, old), strict=True)
    elif isinstance(old, list):
        assert isinstance(new, list)
        if len(old) != len(new):
            return False
        pairs = zip(old, new, strict=True)
    else:
        return old == new
    for v, w in pairs:
        if type(v) is str:  # the common leaf: compared here as the call would compare it
            if type(w) is not str or v != w:
                return False
        elif not same_tree(v, w):
            return False
    return True


def diff_paths(old: object, new: object, prefix: Path = ()) -> list[Path]:
    """The paths where ``new`` differs from ``old`` (finest granularity where shapes agree)."""
    if isinstance(old, Secret):
        old = old.value
    if isinstance(new, Secret):
        new = new.value
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[Path] = []
        for key in old.keys() | new.keys():
            if key not in old or key not in new:
                out.append((*prefix, key))
            else:
                out.extend(diff_paths(old[key], new[key], (*prefix, key)))
        return sorted(out, key=format_path)
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for idx, (a, b) in enumerate(zip(old, new, strict=True)):
            out.extend(diff_paths(a, b, (*prefix, idx)))
        return out
    if _same(old, new):
        return []
    return [prefix] if prefix else [()]


def covers(prefix: str | Path, path: Path) -> bool:
    """True when ``path`` is ``prefix`` or lies beneath it."""
    pre = parse_path(prefix) if isinstance(prefix, str) else prefix
    return len(path) >= len(pre) and path[: len(pre)] == pre


def parse_paths(texts: tuple[str, ...] | list[str], what: str) -> list[Path]:
    """Parse user-given property paths; raises GrammarError naming ``what``."""
    out: list[Path] = []
    for text in texts:
        try:
            out.append(parse_path(text))
        except GrammarError as exc:
            raise GrammarError(f"{what}: {exc}") from None
    return out


def with_ignored(
    new: dict[str, JSON], old: dict[str, JSON], ignored: list[Path]
) -> dict[str, JSON]:
    """``new`` with the values at ``ignored`` paths taken from ``old`` (ignoreChanges)."""
    if not ignored:
        return new
    result = copy.deepcopy(new)
    for path in ignored:
        prior = lookup(old, path)
        _set(result, path, prior)
    return result


def _set(tree: dict[str, JSON], path: Path, value: object) -> None:
    if not path:
        return
    cur: object = tree
    for part in path[:-1]:
        nxt = lookup(cur, (part,))
        if nxt is MISSING:
            return
        cur = nxt
    last = path[-1]
    if isinstance(last, int):
        if isinstance(cur, list) and last < len(cur) and value is not MISSING:
            cur[last] = value
    elif isinstance(cur, dict):
        if value is MISSING:
            cur.pop(last, None)
        else:
            cur[last] = value
