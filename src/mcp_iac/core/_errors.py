"""The one exception hierarchy of mcp-iac.

::

    IacError                      exit 1 unless a subclass says otherwise
    ├── ConfigError               invalid input: deployment, variables, flags (exit 2)
    │   ├── UnresolvedReference   a ${...} that names nothing, with "did you mean"
    │   └── CycleError            dependency cycle; carries the cycle path
    ├── PlanError                 the plan cannot be made or applied as asked
    │   ├── ProtectedResource     a delete/replace of a resource with protect: true
    │   └── StalePlan             a saved plan made against an older state
    ├── ProviderError             a provider call failed (carries the iac/1 error code)
    ├── StateError                the state store failed or is inconsistent
    │   └── StateLocked           another run holds the deployment's lock (exit 4)
    ├── PolicyViolation           a mandatory policy failed (exit 3)
    └── ApplyFailed               some steps of a run failed (details per step)

Messages name their subject (``resource 'local:file:hello': ...``) and, where the user can act,
say how to fix the problem. Foreign exceptions are translated to these at each adapter boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class IacError(Exception):
    """Root of every error mcp-iac raises on purpose."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


@dataclass(frozen=True, slots=True)
class Location:
    """Where in the user's input a problem is: file, resource address, property path."""

    file: str | None = None
    address: str | None = None
    property: str | None = None

    def describe(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.address:
            parts.append(f"resource '{self.address}'")
        if self.property:
            parts.append(f"property '{self.property}'")
        return ", ".join(parts)


class ConfigError(IacError):
    """The user's input (deployment, variables, options, flags) is invalid."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        hint: str | None = None,
    ) -> None:
        self.location = location or Location()
        where = self.location.describe()
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.reason = message


class UnresolvedReference(ConfigError):
    """A reference that names no resource, output or variable."""

    def __init__(
        self,
        reference: str,
        message: str,
        *,
        location: Location | None = None,
        candidates: tuple[str, ...] = (),
    ) -> None:
        self.reference = reference
        self.candidates = candidates
        hint = None
        if candidates:
            hint = "did you mean " + " or ".join(f"'{c}'" for c in candidates) + "?"
        super().__init__(f"reference '{reference}' {message}", location=location, hint=hint)


class CycleError(ConfigError):
    """The dependency graph has a cycle; ``cycle`` lists it, first element repeated at the end."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__(
            "dependency cycle: " + " -> ".join(cycle),
            hint="break the cycle by removing one of these references or dependsOn entries",
        )


class PlanError(IacError):
    """The plan cannot be made or applied as asked."""


class ProtectedResource(PlanError):
    """A change would delete or replace a resource marked ``protect: true``."""


class StalePlan(PlanError):
    """A saved plan was made against a state version that is no longer current."""


ERROR_CODES = (
    "VALIDATION",
    "NOT_FOUND",
    "CONFLICT",
    "UNAUTHORIZED",
    "UNAVAILABLE",
    "TIMEOUT",
    "RATE_LIMITED",
    "INTERNAL",
)
RETRYABLE_CODES = frozenset({"UNAVAILABLE", "TIMEOUT", "RATE_LIMITED"})


class ProviderError(IacError):
    """A provider reported an error (iac/1 envelope ``error``)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        retryable: bool | None = None,
        details: Any = None,
        server: str | None = None,
    ) -> None:
        self.code = code if code in ERROR_CODES else "INTERNAL"
        self.retryable = (code in RETRYABLE_CODES) if retryable is None else retryable
        self.details = details
        self.server = server
        prefix = f"server '{server}': " if server else ""
        super().__init__(f"{prefix}{code}: {message}")
        self.reason = message


class StateError(IacError):
    """The state store failed or holds something inconsistent."""


class StateLocked(StateError):
    """Another run holds the deployment's lock."""

    exit_code = 4


class PolicyViolation(IacError):
    """A mandatory policy failed."""

    exit_code = 3


class ApplyFailed(IacError):
    """A run finished with failed steps; ``failures`` maps address to message."""

    def __init__(self, message: str, *, failures: dict[str, str] | None = None) -> None:
        self.failures = dict(failures or {})
        super().__init__(message)
