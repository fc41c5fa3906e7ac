"""pydantic validation errors as iac/1 ``ValidationIssue`` lists and ``VALIDATION`` errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mcp_iac.core import ProviderError, format_path
from mcp_iac.protocol import ValidationIssue

M = TypeVar("M", bound=BaseModel)


def issues_of(model: type[BaseModel], exc: ValidationError) -> list[ValidationIssue]:
    """One issue per error: the property path in wire names, and a message without the value."""
    known = ", ".join(sorted(f.alias or name for name, f in model.model_fields.items()))
    issues: list[ValidationIssue] = []
    for error in exc.errors(include_url=False, include_input=False):
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = f"unknown property; known properties: {known}"
        issues.append(ValidationIssue(path=format_path(tuple(error["loc"])), message=message))
    return issues


def describe_issues(issues: list[ValidationIssue], *, noun: str = "property") -> str:
    """``property 'a': msg; property 'b.c': msg``."""
    return "; ".join(f"{noun} '{i.path}': {i.message}" if i.path else i.message for i in issues)


def validation_error(subject: str, issues: list[ValidationIssue], *, noun: str) -> ProviderError:
    """A ``VALIDATION`` error naming every path; ``details`` lists the issues."""
    return ProviderError(
        "VALIDATION",
        f"{subject}: {describe_issues(issues, noun=noun)}",
        details=[i.model_dump() for i in issues],
    )


def parse_strict(model: type[M], raw: Mapping[str, Any], subject: str, *, noun: str) -> M:
    """``raw`` as ``model``.

    Raises:
        ProviderError: ``VALIDATION`` naming each bad path (``subject: property 'x': ...``).
    """
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(subject, issues_of(model, exc), noun=noun) from exc


def parse_lenient(model: type[M], raw: Mapping[str, Any]) -> M | None:
    """``raw`` as ``model``, or None when it does not fit (read and delete work from the id)."""
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None
