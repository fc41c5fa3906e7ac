"""iac/1 tool inputs. Strict: an unknown argument is a ``VALIDATION`` error, never ignored, so a
client cannot believe a provider honoured something it does not understand."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from mcp_iac.core import JSON


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DescribeRequest(_Request):
    """``iac_describe``: no arguments."""


class HealthRequest(_Request):
    """``iac_health``: no arguments."""


class ValidateRequest(_Request):
    """``iac_validate``: check properties against a type's schema without changing anything."""

    type: str = Field(description="Resource type, e.g. 'local:file'.")
    properties: dict[str, JSON] = Field(
        default_factory=dict, description="The properties to check."
    )


class DiffRequest(_Request):
    """``iac_diff``: which properties differ and whether the change needs a replace."""

    type: str = Field(description="Resource type.")
    id: str = Field(default="", description="The object's id ('' before it exists).")
    old: dict[str, JSON] = Field(
        default_factory=dict, description="Properties the object was created or last updated with."
    )
    new: dict[str, JSON] = Field(default_factory=dict, description="Desired properties.")


class CreateRequest(_Request):
    """``iac_create``: make an object, idempotently on ``idempotency_key``."""

    type: str = Field(description="Resource type.")
    name: str = Field(description="The resource's name in its deployment.")
    urn: str = Field(description="'<deployment>/<address>', the resource's identity in state.")
    idempotency_key: str = Field(
        min_length=1,
        description="Opaque key; a repeated create with the same key returns the same object.",
    )
    properties: dict[str, JSON] = Field(default_factory=dict, description="Desired properties.")


class ReadRequest(_Request):
    """``iac_read``: the object as it is now."""

    type: str = Field(description="Resource type.")
    id: str = Field(description="The object's id as create returned it.")
    properties: dict[str, JSON] = Field(
        default_factory=dict, description="Last known properties (a hint; may be empty)."
    )


class UpdateRequest(_Request):
    """``iac_update``: change an object in place."""

    type: str = Field(description="Resource type.")
    id: str = Field(description="The object's id.")
    old: dict[str, JSON] = Field(
        default_factory=dict, description="Properties the object was created or last updated with."
    )
    new: dict[str, JSON] = Field(default_factory=dict, description="Desired properties.")


class DeleteRequest(_Request):
    """``iac_delete``: remove an object; a missing object counts as deleted."""

    type: str = Field(description="Resource type.")
    id: str = Field(description="The object's id.")
    properties: dict[str, JSON] = Field(
        default_factory=dict, description="Last known properties (a hint; may be empty)."
    )


class ListFilter(_Request):
    """What ``iac_list`` selects; an empty filter lists every object of the type the provider
    made."""

    idempotency_key: str | None = Field(
        default=None, description="Only the object created with this idempotency key."
    )


class ListRequest(_Request):
    """``iac_list``: objects of a type (import, discovery, crash recovery)."""

    type: str = Field(description="Resource type.")
    filter: ListFilter = Field(default_factory=ListFilter, description="Selection.")


class BeginRequest(_Request):
    """``iac_begin``: open a backend transaction (a savepoint)."""


class CommitRequest(_Request):
    """``iac_commit``: keep the changes made since ``iac_begin``."""

    transaction_id: str = Field(min_length=1, description="What iac_begin returned.")


class RollbackRequest(_Request):
    """``iac_rollback``: undo the changes made since ``iac_begin``."""

    transaction_id: str = Field(min_length=1, description="What iac_begin returned.")
