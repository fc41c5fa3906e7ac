"""Facts said in a request: numbers with their meaning (players, RAM, VLAN), names, domains,
technologies and wishes (backups, monitoring, high availability).

A fact is independent of any pattern; :mod:`._fit` turns facts into the parameters of the
chosen pattern's schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._text import Text


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing the request says: ``key`` (e.g. ``memory_mb``), its value, the words it came
    from and what they were read as."""

    key: str
    value: Any
    said: str
    meaning: str


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_TLDS = (
    "com|net|org|io|dev|app|co|uk|de|fr|nl|eu|ch|at|be|us|ca|au|info|biz|cloud|tech|ai|xyz|"
    "local|lan|internal|home|arpa|test|example|shop|store|online|site|games?"
)
DOMAIN = _rx(rf"\b((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS}))\b")
PLAYERS = _rx(
    r"\b(?:for\s+|with\s+|up\s+to\s+|max(?:imum)?\s+(?:of\s+)?)?(\d+)(?:\s+|-)(?:players?|people|users?)\b"
)
MEMORY = _rx(
    r"\b(\d+(?:\.\d+)?)\s*(gb|gib|gigs?|g|mb|mib|m|tb)\b(?:\s+(?:of\s+)?(?:ram|memory|mem))?"
)
CPUS = _rx(r"\b(\d+)\s*(?:v?cpus?|cores?|processors?)\b")
DISK = _rx(r"\b(\d+)\s*(gb|tb)\s+(?:of\s+)?(?:disk|storage|ssd)\b")
VLAN_TAG = _rx(r"\b(?:on\s+)?(?:the\s+)?vlan[\s#-]*(?:id\s+|tag\s+)?(\d{1,4})\b")
VLAN_NAME = _rx(r"\b(?:on\s+)?(?:the\s+)?(?:a\s+)?([a-z][a-z0-9_-]*)\s+vlan\b")
INSTANCES_RANGE = _rx(
    r"\b(?:between\s+)?(\d+)\s*(?:-|\u2013|to|and)\s*(\d+)\s+(?:instances|servers|nodes|replicas|vms)\b"
)
INSTANCES = _rx(r"\b(\d+)\s+(?:instances|servers|nodes|replicas|vms)\b")
PORT = _rx(r"\b(?:on\s+)?port\s+(\d{1,5})\b")
NAMED = _rx(r"\b(?:called|named)\s+[\"']?([a-z0-9][a-z0-9_-]*)[\"']?")

GAMES = {
    "minecraft": "minecraft",
    "valheim": "valheim",
    "terraria": "terraria",
    "factorio": "factorio",
    "counter-strike": "counter-strike",
    "cs2": "counter-strike",
}
RUNTIMES = {
    "node.js": "node",
    "nodejs": "node",
    "node": "node",
    "express": "node",
    "python": "python",
    "django": "python",
    "flask": "python",
    "ruby": "ruby",
    "rails": "ruby",
    "golang": "go",
    "go": "go",
    "java": "java",
    "spring": "java",
    "php": "php",
    "laravel": "php",
    ".net": "dotnet",
    "dotnet": "dotnet",
}
DATABASES = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "mysql": "mysql",
    "mariadb": "mariadb",
    "redis": "redis",
    "mongodb": "mongodb",
    "mongo": "mongodb",
}
PAYMENT = ("stripe", "paypal", "adyen", "braintree", "square")

FLAGS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("pci", _rx(r"\bpci(?:[- ]dss)?(?:[- ]complian(?:ce|t))?\b"), "PCI DSS compliance"),
    (
        "ddos_protection",
        _rx(r"\b(?:ddos|dos)(?:[- ]protection|[- ]protected|[- ]mitigation)?\b"),
        "DDoS protection",
    ),
    (
        "high_availability",
        _rx(r"\b(?:highly[- ]available|high[- ]availability|\bha\b|redundant|fault[- ]tolerant)"),
        "high availability",
    ),
    ("backup", _rx(r"\b(?:(?:database|db|daily|nightly)\s+)?back(?:ups?|ed[- ]up)\b"), "backups"),
    (
        "monitoring",
        _rx(r"\b(?:monitoring|monitored|prometheus|grafana|alerting|alerts)\b"),
        "monitoring",
    ),
    ("tls", _rx(r"\b(?:ssl|tls|https|certificates?)\b"), "TLS (HTTPS)"),
    ("autoscaling", _rx(r"\b(?:auto[- ]?scal(?:ing|ed|e))\b"), "auto-scaling"),
    ("database", _rx(r"\b(?:a\s+)?(?:database|db)\b"), "a database"),
)


def _memory_mb(amount: str, unit: str) -> int:
    value = float(amount)
    if unit in ("tb",):
        return int(value * 1024 * 1024)
    if unit in ("gb", "gib", "gig", "gigs", "g"):
        return int(value * 1024)
    return int(value)


def _words(choices: dict[str, str] | tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(choices, key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])({alternatives})(?![a-z0-9])")


_GAMES = _words(GAMES)
_RUNTIMES = _words(RUNTIMES)
_DATABASES = _words(DATABASES)
_PAYMENT = _words(PAYMENT)


def find_facts(text: Text) -> list[Fact]:
    """Every fact in ``text`` (marking the words used), most specific rules first."""
    facts: list[Fact] = []
    for m in text.take(DOMAIN):
        facts.append(Fact("domain", m.group(1), text.said(m), f"domain {m.group(1)}"))
    for m in text.take(PLAYERS):
        n = int(m.group(1))
        facts.append(Fact("players", n, text.said(m), f"{n} players"))
    for m in text.take(DISK):
        size = int(m.group(1)) * (1024 if m.group(2) == "tb" else 1)
        facts.append(Fact("disk_gb", size, text.said(m), f"{size} GB of storage"))
    for m in text.take(MEMORY):
        mb = _memory_mb(m.group(1), m.group(2))
        facts.append(Fact("memory_mb", mb, text.said(m), f"{mb} MB of memory"))
    for m in text.take(CPUS):
        n = int(m.group(1))
        facts.append(Fact("cpus", n, text.said(m), f"{n} CPUs"))
    for m in text.take(VLAN_TAG):
        tag = int(m.group(1))
        facts.append(Fact("vlan_tag", tag, text.said(m), f"VLAN tag {tag}"))
    for m in text.find(VLAN_NAME):
        if m.group(1) in ("the", "a", "an", "on", "new", "own", "separate", "isolated"):
            continue
        text.use(m.start(), m.end())
        facts.append(Fact("vlan_name", m.group(1), text.said(m), f"the '{m.group(1)}' VLAN"))
    for m in text.take(INSTANCES_RANGE):
        low, high = sorted((int(m.group(1)), int(m.group(2))))
        facts.append(Fact("min_instances", low, text.said(m), f"at least {low} instances"))
        facts.append(Fact("max_instances", high, text.said(m), f"at most {high} instances"))
    for m in text.take(INSTANCES):
        n = int(m.group(1))
        facts.append(Fact("instances", n, text.said(m), f"{n} instances"))
    for m in text.take(PORT):
        port = int(m.group(1))
        facts.append(Fact("port", port, text.said(m), f"port {port}"))
    for m in text.take(NAMED):
        facts.append(Fact("name", m.group(1), text.said(m), f"named '{m.group(1)}'"))
    for m in text.take(_GAMES):
        game = GAMES[m.group(1)]
        facts.append(Fact("game", game, text.said(m), f"the game {game.capitalize()}"))
    for m in text.take(_RUNTIMES):
        runtime = RUNTIMES[m.group(1)]
        facts.append(Fact("runtime", runtime, text.said(m), f"a {runtime} application"))
    databases = [DATABASES[m.group(1)] for m in text.take(_DATABASES)]
    if databases:
        unique = list(dict.fromkeys(databases))
        facts.append(
            Fact("databases", unique, ", ".join(unique), "databases: " + ", ".join(unique))
        )
    for m in text.take(_PAYMENT):
        facts.append(
            Fact("payment_processor", m.group(1), text.said(m), f"payments through {m.group(1)}")
        )
    return facts


def peek_flags(text: Text) -> set[str]:
    """The keys of the wishes said, without marking anything used."""
    return {key for key, pattern, _ in FLAGS if next(iter(text.find(pattern)), None) is not None}


def find_flags(text: Text) -> list[Fact]:
    """Wishes said as words ("with backups", "PCI compliant"): boolean facts."""
    facts: list[Fact] = []
    for key, pattern, meaning in FLAGS:
        found = text.take(pattern)
        if found:
            facts.append(Fact(key, True, text.said(found[0]), meaning))
    return facts
