"""What a request was read as: the :class:`Intent` and its parts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mcp_iac.core import JSON

IntentKind = Literal["pattern", "restore", "unknown"]


class Understood(BaseModel):
    """Words of the request and what they were taken to mean."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    said: str = Field(description="The words of the request.")
    meaning: str = Field(description="What they were read as.")


class Intent(BaseModel):
    """A request in words, read into a pattern with parameters, or a restore.

    ``kind`` is ``pattern`` (make something from a deployment pattern), ``restore`` (go back to
    a deployment's past state) or ``unknown`` (nothing recognisable was asked for). Whatever was
    not understood is listed, never guessed.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: IntentKind
    request: str = Field(description="The request as given.")
    pattern: str | None = Field(default=None, description="The pattern to use (kind pattern).")
    parameters: dict[str, JSON] = Field(
        default_factory=dict, description="Pattern parameters taken from the request."
    )
    deployment: str | None = Field(
        default=None, description="The deployment to restore, or a name the request gave."
    )
    restore_at: str | None = Field(
        default=None, description="Restore: the moment to go back to (ISO 8601, UTC)."
    )
    restore_version: int | None = Field(
        default=None, description="Restore: the history version to go back to."
    )
    understood: list[Understood] = Field(
        default_factory=list, description="What was understood, phrase by phrase."
    )
    missing: list[str] = Field(
        default_factory=list,
        description="What the request must still say (required parameters, a deployment, a time).",
    )
    unsupported: list[str] = Field(
        default_factory=list,
        description="Things understood that the chosen pattern cannot do (no such parameter).",
    )
    not_understood: list[str] = Field(
        default_factory=list, description="Words of the request no rule understood."
    )
    alternatives: list[str] = Field(
        default_factory=list, description="Other patterns the request also points at."
    )

    def with_parameters(self, extra: Mapping[str, JSON]) -> Intent:
        """This reading with ``extra`` parameters set (over what the request said); the
        required parameters they give are no longer missing."""
        return self.model_copy(
            update={
                "parameters": {**self.parameters, **extra},
                "missing": [m for m in self.missing if m.split(" ", 1)[0] not in extra],
                "understood": [
                    *self.understood,
                    *(
                        Understood(said=f"--param {k}", meaning=f"{k}={v!r}")
                        for k, v in extra.items()
                    ),
                ],
            }
        )

    @property
    def complete(self) -> bool:
        """Nothing is missing and something was recognised: it can be planned as is."""
        return self.kind != "unknown" and not self.missing

    def explain(self) -> str:
        """The reading in plain sentences, for a person."""
        lines: list[str] = []
        if self.kind == "pattern":
            lines.append(f"Pattern: {self.pattern}")
            if self.parameters:
                shown = ", ".join(f"{k}={v!r}" for k, v in self.parameters.items())
                lines.append(f"Parameters: {shown}")
        elif self.kind == "restore":
            target = f"'{self.deployment}'" if self.deployment else "a deployment (not named)"
            when = (
                f"as of {self.restore_at}"
                if self.restore_at
                else f"to version {self.restore_version}"
                if self.restore_version is not None
                else "(no time given)"
            )
            lines.append(f"Restore {target} {when}")
        else:
            lines.append("Not understood as a deployment pattern or a restore.")
        for item in self.understood:
            lines.append(f"  understood: {item.said!r} → {item.meaning}")
        lines += [f"  missing: {m}" for m in self.missing]
        lines += [f"  not supported: {u}" for u in self.unsupported]
        if self.not_understood:
            lines.append("  did not understand: " + ", ".join(repr(w) for w in self.not_understood))
        if self.alternatives:
            lines.append("  could also be: " + ", ".join(self.alternatives))
        return "\n".join(lines)
