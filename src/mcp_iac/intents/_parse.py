"""``interpret``: a request in words → an :class:`Intent`. Offline and deterministic."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from mcp_iac.core import valid_name

from ._choose import choose_pattern
from ._facts import find_facts, find_flags, peek_flags
from ._fit import fit
from ._model import Intent, Understood
from ._text import Text
from ._when import find_when

ACTION = re.compile(
    r"\b(?:deploy|set\s+up|setup|create|launch|provision|spin\s+up|stand\s+up|bring\s+up|"
    r"start|build|run|give\s+me|i\s+(?:want|need)|we\s+need|make)\b"
)
RESTORE = re.compile(r"\b(?:restore|roll\s*back|rollback|revert|go\s+back|bring\s+back)\b")
_TARGET = re.compile(
    r"\s*(?:the\s+|our\s+|my\s+)?([a-z0-9][a-z0-9_-]*)(?:\s+(?:deployment|environment|stack))?"
)
_NOT_A_NAME = frozenset(
    {"to", "from", "as", "on", "at", "back", "last", "yesterday", "today", "version", "it"}
    | {"everything", "all", "this", "that", "state", "infrastructure"}
)
VERSION = re.compile(r"\b(?:to\s+)?(?:version|v)\s*(\d+)\b")


def interpret(
    request: str,
    *,
    patterns: Mapping[str, Mapping[str, Any] | None],
    now: datetime | None = None,
) -> Intent:
    """Read ``request`` into a pattern with parameters, or a restore.

    ``patterns`` maps each available pattern's name to its parameter JSON Schema (or None when
    the schema is unknown); parameters are fitted to it and its required ones not given are
    listed as missing. ``now`` (default: the current time) anchors "last Tuesday".
    """
    text = Text(request)
    if not text.lower:
        return Intent(kind="unknown", request=request, missing=["a request, in words"])
    understood: list[Understood] = []
    if (verb := text.take_first(RESTORE)) is not None:
        return _restore(text, verb, understood, now or datetime.now(UTC))
    for m in text.take(ACTION):
        understood.append(Understood(said=text.said(m), meaning="make something new"))
    facts = find_facts(text)
    choice = choose_pattern(text, {f.key for f in facts} | peek_flags(text), list(patterns))
    facts += find_flags(text)
    name = next((str(f.value) for f in facts if f.key == "name"), None)
    if choice.pattern is None:
        understood += [Understood(said=f.said, meaning=f.meaning) for f in facts]
        return Intent(
            kind="unknown",
            request=request,
            understood=understood,
            deployment=name,
            missing=["what to make: a deployment pattern (" + ", ".join(patterns) + ")"]
            if patterns
            else ["what to make: no deployment patterns are available"],
            not_understood=text.leftovers(),
            alternatives=list(choice.alternatives),
        )
    for said, reason in zip(choice.said, choice.reasons, strict=True):
        understood.append(Understood(said=said, meaning=f"{reason} → pattern {choice.pattern}"))
    implied = [f for f in facts if f.key in choice.implies]
    for fact in implied:
        understood.append(
            Understood(
                said=fact.said, meaning=f"{fact.meaning}: what {choice.pattern} is built for"
            )
        )
    fitted = fit(
        [f for f in facts if f not in implied], choice.pattern, patterns.get(choice.pattern)
    )
    understood += [Understood(said=s, meaning=m) for s, m in fitted.understood]
    return Intent(
        kind="pattern",
        request=request,
        pattern=choice.pattern,
        parameters=fitted.parameters,
        deployment=name,
        understood=understood,
        missing=fitted.missing,
        unsupported=fitted.unsupported,
        not_understood=text.leftovers(),
        alternatives=list(choice.alternatives),
    )


def _restore(
    text: Text, verb: re.Match[str], understood: list[Understood], now: datetime
) -> Intent:
    understood.append(Understood(said=text.said(verb), meaning="restore a past state"))
    missing: list[str] = []
    deployment: str | None = None
    target = _TARGET.match(text.lower, verb.end())
    if target is not None and target.group(1) not in _NOT_A_NAME:
        candidate = text.said(target, 1)
        if valid_name(candidate):
            deployment = candidate
            text.use(target.start(), target.end())
            understood.append(
                Understood(said=text.said(target), meaning=f"deployment '{candidate}'")
            )
    if deployment is None:
        missing.append("which deployment to restore (e.g. 'restore production ...')")
    when = find_when(text, now)
    version: int | None = None
    if when is not None:
        understood.append(Understood(said=when.said, meaning=when.meaning))
    elif (m := text.take_first(VERSION)) is not None:
        version = int(m.group(1))
        understood.append(Understood(said=text.said(m), meaning=f"history version {version}"))
    else:
        missing.append("when to go back to: a time ('last Tuesday', '2026-11-17') or 'version N'")
    return Intent(
        kind="restore",
        request=text.original,
        deployment=deployment,
        restore_at=when.iso if when else None,
        restore_version=version,
        understood=understood,
        missing=missing,
        not_understood=text.leftovers(),
    )
