"""The desired-state model: a deployment, its variables, resources, options and outputs."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ._address import make_address, split_type
from ._values import JSON

VariableType = Literal["string", "integer", "number", "boolean", "list", "object", "any"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ResourceOptions(_Frozen):
    """Per-resource behaviour, one field at a time.

    - ``protect``: any plan that would delete or replace the resource is refused.
    - ``ignore_changes`` (``ignoreChanges``): property paths (``tags.owner``, ``rules[0]``) ignored
      when diffing desired against recorded values and when reporting drift.
    - ``delete_before_replace`` (``deleteBeforeReplace``): on replace, delete the old object first
      (default: create the new one first, then delete the old one).
    - ``timeout_seconds`` (``timeoutSeconds``): limit for each provider call of this resource.
    - ``retries``: how many times a retryable provider error is retried, with backoff and jitter.
    """

    protect: bool = False
    ignore_changes: tuple[str, ...] = Field(default=(), alias="ignoreChanges")
    delete_before_replace: bool = Field(default=False, alias="deleteBeforeReplace")
    timeout_seconds: float = Field(default=300.0, alias="timeoutSeconds", gt=0)
    retries: int = Field(default=2, ge=0, le=20)


_new = object.__new__
# what ``object.__setattr__(model, name, value)`` finds for each of these names: the instance
# dict and the three slots BaseModel declares (ResourceSpec declares none of its own)
_set_dict = vars(BaseModel)["__dict__"].__set__
_set_fields_set = vars(BaseModel)["__pydantic_fields_set__"].__set__
_set_extra = vars(BaseModel)["__pydantic_extra__"].__set__
_set_private = vars(BaseModel)["__pydantic_private__"].__set__


class ResourceSpec(_Frozen):
    """One desired resource. ``type`` always carries the provider prefix."""

    type: str
    name: str
    server: str
    properties: dict[str, JSON] = Field(default_factory=dict)
    depends_on: tuple[str, ...] = Field(default=(), alias="dependsOn")
    options: ResourceOptions = Field(default_factory=ResourceOptions)

    @classmethod
    def checked(
        cls,
        *,
        type: str,
        name: str,
        server: str,
        properties: dict[str, JSON],
        depends_on: tuple[str, ...],
        options: ResourceOptions,
        address: str,
    ) -> ResourceSpec:
        """A spec from values its caller has already checked, without validating them again.

        For the loader, which checks every field itself (strings, a tuple of strings, JSON
        properties) and knows the address: validating ``properties`` a second time was most of
        the cost of loading. What ``model_construct`` does for all six fields, without its
        per-field alias and default lookups; the Python API keeps the validating constructor.
        The four attributes every pydantic model instance carries are set through their slots'
        descriptors, as ``object.__setattr__`` would, without its lookup of each name.
        """
        spec = _new(cls)
        _set_dict(
            spec,
            {
                "type": type,
                "name": name,
                "server": server,
                "properties": properties,
                "depends_on": depends_on,
                "options": options,
                "address": address,  # the cached property, already known
            },
        )
        _set_fields_set(spec, set(_RESOURCE_FIELDS))
        _set_extra(spec, None)
        _set_private(spec, None)
        return spec

    @cached_property
    def provider(self) -> str:
        return split_type(self.type)[0]

    @cached_property
    def address(self) -> str:
        return make_address(self.server, self.type, self.name)


_RESOURCE_FIELDS = frozenset(ResourceSpec.model_fields)


class VariableSpec(_Frozen):
    """A typed deployment input, overridable with ``--var name=value``.

    A variable without a ``default`` key is required (an explicit ``default: null`` is not).
    """

    @property
    def required(self) -> bool:
        return "default" not in self.model_fields_set

    type: VariableType = "string"
    default: JSON = None
    description: str = ""


class DeploymentSpec(_Frozen):
    """A named set of resources (a stack), as loaded from a file or built in Python."""

    name: str
    variables: dict[str, VariableSpec] = Field(default_factory=dict)
    resources: tuple[ResourceSpec, ...] = ()
    outputs: dict[str, JSON] = Field(default_factory=dict)
    source: str | None = None
    """The file it was loaded from, for error messages."""

    def resource(self, address: str) -> ResourceSpec | None:
        for r in self.resources:
            if r.address == address:
                return r
        return None
