"""What the contract suite takes (``Sample``) and gives back (``ContractReport``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mcp_iac.core import JSON

CheckStatus = Literal["passed", "failed", "skipped"]

TITLES: dict[str, str] = {
    "tools": "every required iac/1 tool is listed with input and output schemas",
    "describe": "describe is consistent (protocol, type names, schemas, replace and secret paths)",
    "health": "health answers with a status",
    "validate": "the sample properties are valid",
    "invalid-properties": "invalid properties are rejected naming the path, and create nothing",
    "round-trip": "create, read, update, read, delete, read",
    "idempotent-create": "a second create with the same key returns the same object",
    "list-by-key": "list finds the object by its idempotency key, and nothing for another key",
    "delete-missing": "deleting an object that is gone succeeds",
}
"""What each check verifies, by check name."""


class Sample(BaseModel):
    """Properties to exercise one resource type with: ``properties`` create a valid object;
    ``update`` (optional) is an in-place change of it; ``invalid`` (optional) must be rejected,
    naming ``invalid_path`` when given (derived from the schema when not)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    properties: dict[str, JSON]
    update: dict[str, JSON] | None = None
    invalid: dict[str, JSON] | None = None
    invalid_path: str | None = None


class ContractCheck(BaseModel):
    """One check's outcome; ``type`` is the resource type, or None for provider-wide checks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    title: str
    status: CheckStatus
    message: str = ""
    type: str | None = None

    @property
    def passed(self) -> bool:
        """True unless the check failed (a skipped check did not fail)."""
        return self.status != "failed"


class ContractReport(BaseModel):
    """The contract suite's findings about one provider."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: str
    version: str
    protocol: str
    checks: tuple[ContractCheck, ...] = Field(default=())

    @property
    def passed(self) -> bool:
        """True when no check failed."""
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> tuple[ContractCheck, ...]:
        """The failed checks."""
        return tuple(c for c in self.checks if c.status == "failed")

    def summary(self) -> str:
        """``local 0.1.0 (iac/1): 20 passed, 0 failed, 1 skipped``."""
        counts = {
            s: sum(c.status == s for c in self.checks) for s in ("passed", "failed", "skipped")
        }
        return (
            f"{self.provider} {self.version} ({self.protocol}): {counts['passed']} passed, "
            f"{counts['failed']} failed, {counts['skipped']} skipped"
        )

    def render(self) -> str:
        """The summary, then one line per check (``PASS``/``FAIL``/``SKIP``)."""
        marks = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}
        lines = [self.summary()]
        for c in self.checks:
            subject = f"{c.type}: {c.name}" if c.type else c.name
            lines.append(
                f"  {marks[c.status]}  {subject}" + (f" - {c.message}" if c.message else "")
            )
        return "\n".join(lines)
