"""What a policy is and what it reports: metadata, findings, results and the report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

Severity = Literal["low", "medium", "high", "critical"]
Enforcement = Literal["advisory", "mandatory", "disabled"]
Status = Literal["violation", "undetermined"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
ENFORCEMENTS: tuple[Enforcement, ...] = get_args(Enforcement)
DEFAULT_ACTIONS = ("create", "update", "replace")
"""The plan actions a resource policy looks at unless it says otherwise."""


@dataclass(frozen=True, slots=True)
class PolicyMeta:
    """Who a policy is: shown with every result it produces.

    ``types`` are resource-type globs (``opnsense:firewall:rule``, ``aws:*``) and ``actions`` the
    plan actions (``create``, ``update``, ``replace``, ``delete``, ``no-op``) a resource policy
    is asked about. ``message`` is the default text of a violation; ``{address}``, ``{type}``,
    ``{name}``, ``{server}`` and ``{action}`` are filled in.
    """

    id: str
    title: str
    severity: Severity = "medium"
    enforcement: Enforcement = "mandatory"
    description: str = ""
    message: str = ""
    remediation: str = ""
    types: tuple[str, ...] = ("*",)
    actions: tuple[str, ...] = DEFAULT_ACTIONS
    pack: str | None = None
    """The built-in pack it belongs to, or None for a user policy."""
    source: str | None = None
    """The file it was loaded from (user policies)."""

    def with_levels(
        self, *, enforcement: Enforcement | None = None, severity: Severity | None = None
    ) -> PolicyMeta:
        return replace(
            self,
            enforcement=enforcement or self.enforcement,
            severity=severity or self.severity,
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """What a policy found about one resource (or the whole plan, when ``address`` is None).

    ``undetermined`` marks a finding whose truth depends on a value known only after apply: it
    is reported, but never blocks.
    """

    address: str | None = None
    message: str | None = None
    """Overrides the policy's message; may use the same placeholders."""
    path: str | None = None
    """The property path the finding is about, when there is one."""
    undetermined: bool = False


@dataclass(frozen=True, slots=True)
class PolicyResult:
    """One violation (or undetermined check) as reported: the policy's metadata with the
    effective levels, the resource and the message."""

    policy: str
    title: str
    severity: Severity
    enforcement: Enforcement
    status: Status
    address: str | None
    message: str
    remediation: str
    path: str | None = None
    pack: str | None = None
    type: str | None = None

    @property
    def blocking(self) -> bool:
        return self.status == "violation" and self.enforcement == "mandatory"

    def to_dict(self) -> dict[str, object]:
        return {
            "policy": self.policy,
            "title": self.title,
            "pack": self.pack,
            "severity": self.severity,
            "enforcement": self.enforcement,
            "status": self.status,
            "address": self.address,
            "type": self.type,
            "path": self.path,
            "message": self.message,
            "remediation": self.remediation,
        }


@dataclass(frozen=True, slots=True)
class PolicyReport:
    """Every result of one evaluation, and which policies ran."""

    results: tuple[PolicyResult, ...] = ()
    policies: tuple[PolicyMeta, ...] = field(default_factory=tuple)
    """The policies evaluated (not the disabled ones), with their effective levels."""

    @classmethod
    def of(cls, results: Iterable[PolicyResult], policies: Iterable[PolicyMeta]) -> PolicyReport:
        order = {s: i for i, s in enumerate(reversed(SEVERITIES))}
        ranked = sorted(
            results,
            key=lambda r: (
                not r.blocking,
                r.status != "violation",
                order[r.severity],
                r.policy,
                r.address or "",
            ),
        )
        return cls(tuple(ranked), tuple(policies))

    @property
    def violations(self) -> tuple[PolicyResult, ...]:
        return tuple(r for r in self.results if r.status == "violation")

    @property
    def mandatory(self) -> tuple[PolicyResult, ...]:
        """The violations that block an apply."""
        return tuple(r for r in self.results if r.blocking)

    @property
    def advisory(self) -> tuple[PolicyResult, ...]:
        return tuple(
            r for r in self.results if r.status == "violation" and r.enforcement == "advisory"
        )

    @property
    def undetermined(self) -> tuple[PolicyResult, ...]:
        return tuple(r for r in self.results if r.status == "undetermined")

    @property
    def blocking(self) -> bool:
        return any(r.blocking for r in self.results)

    def to_dict(self) -> dict[str, object]:
        """The ``policies`` document of ``plan --json`` and ``policy check --json``."""
        return {
            "passed": not self.blocking,
            "evaluated": [p.id for p in self.policies],
            "summary": {
                "mandatory": len(self.mandatory),
                "advisory": len(self.advisory),
                "undetermined": len(self.undetermined),
            },
            "results": [r.to_dict() for r in self.results],
        }
