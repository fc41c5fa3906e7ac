"""Which pattern a request asks for: phrases that point at each built-in pattern, scored.

Facts count too ("10 players" points at a game server, "Node.js" at a dev environment). The
highest score of at least :data:`THRESHOLD` wins; the others that scored are reported as
alternatives so the person (or the model) can pick another.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from ._text import Text

THRESHOLD = 2


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True, slots=True)
class Signals:
    """What points at one pattern: phrases with weights, and facts with weights."""

    phrases: tuple[tuple[re.Pattern[str], int, str], ...]
    facts: dict[str, int] = field(default_factory=dict)
    implies: frozenset[str] = frozenset()
    """Wishes the pattern fulfils by what it is (a PCI pattern is PCI compliant)."""


SIGNALS: dict[str, Signals] = {
    "game-server": Signals(
        phrases=(
            (_rx(r"\b(?:game|gaming)[- ]servers?\b"), 3, "a game server"),
            (_rx(r"\b(?:game|gaming)\b(?!\s+vlan)"), 1, "gaming"),
        ),
        facts={"game": 3, "players": 1},
    ),
    "dev-environment": Signals(
        phrases=(
            (
                _rx(r"\b(?:dev|development|developer)[- ]?(?:environment|env|setup|stack|box)s?\b"),
                3,
                "a development environment",
            ),
            (_rx(r"\b(?:dev|development)\b"), 2, "development"),
        ),
        facts={"runtime": 1},
        implies=frozenset({"database"}),
    ),
    "pci-compliant-ecommerce": Signals(
        phrases=(
            (
                _rx(
                    r"\b(?:e-?commerce(?:\s+(?:platform|site|shop|store))?|online\s+(?:store|shop)"
                    r"|web\s?shop|storefront|shopping\s+(?:site|cart))\b"
                ),
                3,
                "an e-commerce platform",
            ),
            (_rx(r"\bcheckout\b"), 1, "a checkout"),
        ),
        facts={"pci": 3, "payment_processor": 1},
        implies=frozenset({"pci", "tls"}),
    ),
    "load-balanced-web-app": Signals(
        phrases=(
            (
                _rx(r"\b(?:web[- ]?(?:app|application|site|service)s?|website)\b"),
                2,
                "a web application",
            ),
            (_rx(r"\bload[- ]balanc(?:ed|er|ing)\b"), 2, "load balancing"),
        ),
        facts={"high_availability": 1, "autoscaling": 1, "min_instances": 1, "max_instances": 1},
        implies=frozenset({"autoscaling", "tls"}),
    ),
    "secure-database-cluster": Signals(
        phrases=(
            (
                _rx(
                    r"\b(?:(?:secure|replicated|postgres(?:ql)?|mysql|mariadb)\s+)?"
                    r"(?:database|db)\s+(?:cluster|replicas|replication)\b"
                    r"|\b(?:postgres(?:ql)?|mysql|mariadb)\s+cluster\b"
                ),
                4,
                "a database cluster",
            ),
            (_rx(r"\bsecure\s+(?:database|db)\b"), 3, "a secure database"),
            (_rx(r"\b(?:secure|private|hardened)\b"), 1, "security"),
        ),
        implies=frozenset({"database", "backup"}),
    ),
    "iot-edge": Signals(
        phrases=(
            (
                _rx(
                    r"\b(?:iot|internet\s+of\s+things|edge\s+(?:gateway|devices?|computing|nodes?))\b"
                ),
                3,
                "IoT at the edge",
            ),
            (_rx(r"\b(?:sensors?|devices?)\b"), 1, "devices"),
            (_rx(r"\b(?:mqtt|telemetry)\b"), 2, "device messaging"),
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class Choice:
    pattern: str | None
    said: tuple[str, ...]
    reasons: tuple[str, ...]
    alternatives: tuple[str, ...]
    implies: frozenset[str] = frozenset()


def choose_pattern(text: Text, fact_keys: Collection[str], available: Collection[str]) -> Choice:
    """Score every pattern (built-in signals; another available pattern scores when the request
    names it) and mark the winner's phrases used."""
    scores: dict[str, int] = {}
    hits: dict[str, list[tuple[re.Match[str], str]]] = {}
    candidates: dict[str, Signals] = dict(SIGNALS)
    for name in available:
        if name not in candidates:
            spoken = re.escape(name).replace(r"\-", r"[- ]")
            candidates[name] = Signals(phrases=((_rx(rf"\b{spoken}\b"), 5, f"the {name} pattern"),))
    for name, signals in candidates.items():
        score = 0
        found: list[tuple[re.Match[str], str]] = []
        for pattern, weight, meaning in signals.phrases:
            match = next(
                (
                    m
                    for m in text.find(pattern)
                    if not any(m.start() < h.end() and h.start() < m.end() for h, _ in found)
                ),
                None,
            )
            if match is not None:
                score += weight
                found.append((match, meaning))
        score += sum(w for key, w in signals.facts.items() if key in fact_keys)
        if score:
            scores[name] = score
            hits[name] = found
    ranked = sorted(scores, key=lambda n: (-scores[n], list(candidates).index(n)))
    if not ranked or scores[ranked[0]] < THRESHOLD:
        return Choice(None, (), (), tuple(ranked))
    winner = ranked[0]
    for match, _ in hits[winner]:
        text.use(match.start(), match.end())
    return Choice(
        winner,
        tuple(text.said(m) for m, _ in hits[winner]),
        tuple(meaning for _, meaning in hits[winner]),
        tuple(n for n in ranked[1:] if scores[n] >= THRESHOLD),
        candidates[winner].implies,
    )
