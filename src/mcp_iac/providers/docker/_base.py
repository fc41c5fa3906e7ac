"""Helpers every resource type of the docker provider shares."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from mcp_iac.core import ProviderError
from mcp_iac.sdk import TypeSpec


def subject(type_: str, what: str) -> str:
    """How messages name an object: ``docker:container 'web'``."""
    return f"{type_} '{what}'"


def dump(model: BaseModel) -> dict[str, Any]:
    """A model as wire JSON (aliases)."""
    return model.model_dump(mode="json", by_alias=True)


def refuse_replace_changes(
    spec: TypeSpec[Any, Any], id_: str, old: BaseModel, new: BaseModel
) -> None:
    """The guard every ``update`` starts with: mcp-iac never asks to change a replace-on-change
    property in place, but a direct caller might.

    Raises:
        ProviderError: ``VALIDATION`` naming the properties that need a replace.
    """
    before, after = dump(old), dump(new)
    changed = [p for p in spec.replace_on_changes if before.get(p) != after.get(p)]
    if changed:
        raise ProviderError(
            "VALIDATION",
            f"{subject(spec.type, id_)}: {', '.join(changed)} cannot change in place; "
            "the object must be replaced (mcp-iac plans a replace for such a change)",
            details=[
                {"path": p, "message": "changes only by replacing the object"} for p in changed
            ],
        )
