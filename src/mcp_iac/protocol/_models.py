"""iac/1 request and result models shared by the engine (client side) and providers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mcp_iac.core import JSON

PROTOCOL_VERSION = "iac/1"


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Capabilities(_Wire):
    """What a resource type supports beyond create/read/delete."""

    update: bool = True
    list: bool = True
    import_: bool = Field(default=True, alias="import")


class ResourceTypeSchema(_Wire):
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


class ProviderSchema(_Wire):
    """``iac_describe`` data: the provider and its resource types."""

    name: str
    version: str
    protocol: str = PROTOCOL_VERSION
    types: tuple[ResourceTypeSchema, ...] = ()
    transactions: bool = False

    def type_schema(self, type_: str) -> ResourceTypeSchema | None:
        for t in self.types:
            if t.type == type_:
                return t
        return None


class ValidationIssue(_Wire):
    path: str
    message: str


class CreateResult(_Wire):
    id: str
    outputs: dict[str, JSON] = Field(default_factory=dict)


class ReadResult(_Wire):
    exists: bool
    properties: dict[str, JSON] = Field(default_factory=dict)
    outputs: dict[str, JSON] = Field(default_factory=dict)


class UpdateResult(_Wire):
    outputs: dict[str, JSON] = Field(default_factory=dict)


class ListItem(_Wire):
    id: str
    name: str = ""
    properties: dict[str, JSON] = Field(default_factory=dict)
    outputs: dict[str, JSON] = Field(default_factory=dict)


class HealthResult(_Wire):
    status: str
    latency_ms: float = 0.0
    backend_version: str = ""
