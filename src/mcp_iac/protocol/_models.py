"""iac/1 result models shared by the engine (client side) and providers.

Results are parsed leniently: a field a newer provider adds is ignored, never an error (see the
versioning rules in docs/provider-protocol.md). Requests, in ``_requests``, are strict.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mcp_iac.core import JSON

PROTOCOL_VERSION = "iac/1"


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True, defer_build=True)


class Capabilities(_Result):
    """What a resource type supports beyond create/read/delete."""

    update: bool = True
    list: bool = True
    import_: bool = Field(default=True, alias="import")


class TypeExample(_Result):
    """Sample properties of a resource type (``iac_describe``), for documentation and for the
    contract suite: ``properties`` create a valid object; ``update``, when given, are properties
    the object can be changed to in place (no replace-on-change path differs)."""

    properties: dict[str, JSON]
    update: dict[str, JSON] | None = None
    description: str = ""


class ResourceTypeSchema(_Result):
    """One resource type as a provider describes it (``iac_describe``)."""

    type: str
    description: str = ""
    properties: dict[str, Any] = Field(default_factory=lambda: {"type": "object"})
    """JSON Schema of the properties."""
    outputs: dict[str, Any] = Field(default_factory=lambda: {"type": "object"})
    """JSON Schema of the outputs."""
    replace_on_changes: tuple[str, ...] = Field(default=(), alias="replaceOnChanges")
    """Property paths whose change forces a replace rather than an in-place update."""
    secret_paths: tuple[str, ...] = Field(default=(), alias="secretPaths")
    """Property or output paths whose values are sensitive."""
    delete_before_replace: bool = Field(default=False, alias="deleteBeforeReplace")
    """Default replace order for this type (e.g. when the name must stay unique)."""
    capabilities: Capabilities = Field(default_factory=Capabilities)
    examples: tuple[TypeExample, ...] = ()
    """Sample properties; the contract suite uses the first one when not given samples."""


class ProviderSchema(_Result):
    """``iac_describe`` data: the provider and its resource types."""

    name: str
    version: str
    protocol: str = PROTOCOL_VERSION
    types: tuple[ResourceTypeSchema, ...] = ()
    transactions: bool = False
    """Whether ``iac_begin``, ``iac_commit`` and ``iac_rollback`` are offered."""

    def type_schema(self, type_: str) -> ResourceTypeSchema | None:
        for t in self.types:
            if t.type == type_:
                return t
        return None


class ValidationIssue(_Result):
    """One problem with a request: the property path (``""`` for the whole value) and why."""

    path: str
    message: str


class ValidateResult(_Result):
    """``iac_validate`` data."""

    valid: bool
    errors: tuple[ValidationIssue, ...] = ()


class DiffResult(_Result):
    """``iac_diff`` data: the property paths that differ, and whether the change needs a
    replace (``replace_paths``: the changed paths that force it)."""

    changed: tuple[str, ...] = ()
    replace: bool = False
    replace_paths: tuple[str, ...] = ()


class CreateResult(_Result):
    """``iac_create`` data: the provider's id of the object and its outputs."""

    id: str
    outputs: dict[str, JSON] = Field(default_factory=dict)


class ReadResult(_Result):
    """``iac_read`` data: whether the object exists, and if so its properties and outputs."""

    exists: bool
    properties: dict[str, JSON] = Field(default_factory=dict)
    outputs: dict[str, JSON] = Field(default_factory=dict)


class UpdateResult(_Result):
    """``iac_update`` data: the outputs after the change."""

    outputs: dict[str, JSON] = Field(default_factory=dict)


class DeleteResult(_Result):
    """``iac_delete`` data: empty; success means the object no longer exists."""


class ListItem(_Result):
    """One object found by ``iac_list``."""

    id: str
    name: str = ""
    properties: dict[str, JSON] = Field(default_factory=dict)
    outputs: dict[str, JSON] = Field(default_factory=dict)


class ListResult(_Result):
    """``iac_list`` data."""

    items: tuple[ListItem, ...] = ()


class HealthResult(_Result):
    """``iac_health`` data: ``status`` is ``ok``, ``degraded`` or ``down``."""

    status: str
    latency_ms: float = 0.0
    backend_version: str = ""


class TransactionResult(_Result):
    """``iac_begin``, ``iac_commit`` and ``iac_rollback`` data."""

    transaction_id: str
