"""Shared pieces of the property and output models.

Models are frozen and reject unknown fields; camelCase user-facing names are aliases. Rules
about *input* (reserved label prefixes, paths confined to the project, mutually exclusive
options) are checked when properties are validated, and skipped when a model is built from
what the engine reports (``observed(...)``): a container made by someone else must still read
back, so that it can be imported or its drift shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    model_serializer,
)
from pydantic.fields import ComputedFieldInfo, FieldInfo
from pydantic_core import PydanticCustomError

from ._labels import PREFIX
from ._paths import lexical_problem

M = TypeVar("M", bound=BaseModel)

_OBSERVED = "observed"


def _title(name: str, info: FieldInfo | ComputedFieldInfo) -> str:
    return getattr(info, "alias", None) or name


class Model(BaseModel):
    """Base of the property and output models: immutable, unknown fields are errors, and
    camelCase names are aliases (only they are accepted, and schemas and dumps use them)."""

    model_config = ConfigDict(frozen=True, extra="forbid", field_title_generator=_title)


class Sparse(Model):
    """A nested object (a port, a mount, a health check) that serializes only the fields it was
    given. mcp-iac compares nested values exactly, so an object read back must have the keys
    its declaration had: declared ``{"containerPort": 80}`` reads back as that, not with every
    default filled in. Build read-back values with :func:`shaped`."""

    @model_serializer(mode="wrap")
    def _given_only(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if not isinstance(data, dict):
            return data
        given = set(self.model_fields_set)
        given |= {f.alias for n, f in type(self).model_fields.items() if n in given and f.alias}
        return {k: v for k, v in data.items() if k in given}


S = TypeVar("S", bound=Sparse)


def shaped(model: type[S], found: Mapping[str, Any], hint: Sparse | None) -> S:
    """``model`` from what the engine reports (``found``, keyed by wire names), with the keys of
    its declaration ``hint``; without a hint, with the keys whose values differ from their
    defaults (and the required ones)."""
    fields = model.model_fields
    required = {f.alias or n for n, f in fields.items() if f.is_required()}
    if hint is not None:
        keys = {fields[n].alias or n for n in hint.model_fields_set}
    else:
        keys = {
            f.alias or n
            for n, f in fields.items()
            if (f.alias or n) in found
            and found[f.alias or n] != f.get_default(call_default_factory=True)
        }
    return observed(model, {k: v for k, v in found.items() if k in keys | required})


def observed(model: type[M], data: Mapping[str, Any]) -> M:
    """``model`` from what the engine reports: input-only rules are not applied."""
    return model.model_validate(dict(data), context={_OBSERVED: True})


def is_observed(info: ValidationInfo) -> bool:
    """Whether a validator runs for ``observed`` (skip input-only rules then)."""
    return bool(info.context and info.context.get(_OBSERVED))


def invalid(message: str) -> PydanticCustomError:
    """A validation error whose message is ``message`` as is (no "Value error," prefix; braces
    in it are not taken for placeholders)."""
    return PydanticCustomError("invalid_property", "{message}", {"message": message})


def check_labels(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    """User labels must not use the provider's reserved prefix."""
    if is_observed(info):
        return value
    reserved = sorted(k for k in value if k.startswith(PREFIX))
    if reserved:
        raise invalid(
            f"labels starting with '{PREFIX}' are the provider's own: {', '.join(reserved)}",
        )
    return value


def check_relative_path(value: str, info: ValidationInfo) -> str:
    """A path relative to the project directory that does not lead out of it."""
    if is_observed(info):
        return value
    problem = lexical_problem(value)
    if problem is not None:
        raise invalid(problem)
    return value


class RegistryAuth(Sparse):
    """Credentials for a registry (the password is a secret: encrypted in state, never
    printed, never written to the provider's records)."""

    username: str = Field(min_length=1, description="Registry user name.")
    password: str = Field(min_length=1, description="Registry password or token (secret).")

    def config(self) -> dict[str, str]:
        """The docker SDK's ``auth_config``."""
        return {"username": self.username, "password": self.password}


LABELS_DESCRIPTION = (
    "Labels on the object (the 'mcp-iac.' prefix is reserved for the provider's own)."
)
