"""What a provider author writes: a :class:`TypeSpec` per resource type and a handler
satisfying :class:`ResourceHandler`, whose methods take and return the type's pydantic models."""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel

from mcp_iac.protocol import Capabilities, HealthResult, ResourceTypeSchema, TypeExample

PropsT = TypeVar("PropsT", bound=BaseModel)
OutT = TypeVar("OutT", bound=BaseModel)

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
"""The ``log_level`` of a built ``MCPServer``."""
Transport = Literal["stdio", "http"]
"""How :func:`serve` serves a provider: stdio, or streamable HTTP."""


@dataclass(frozen=True, slots=True)
class CreateContext:
    """Who asks for a create: the resource's name and URN, and the idempotency key."""

    name: str
    urn: str
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class Created(Generic[OutT]):
    """What a create made: the provider id and the outputs."""

    id: str
    outputs: OutT


@dataclass(frozen=True, slots=True)
class Observed(Generic[PropsT, OutT]):
    """An object as it is now: properties read back from the system, outputs, and the name it
    was created under (empty when unknown)."""

    id: str
    properties: PropsT
    outputs: OutT
    name: str = ""


@dataclass(frozen=True, slots=True)
class Example:
    """Sample properties of a type, published in ``iac_describe`` and used by the contract
    suite: ``properties`` must create a valid object; ``update``, when given, must be an
    in-place change of it (no replace-on-change path differs)."""

    properties: dict[str, Any]
    update: dict[str, Any] | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class TypeSpec(Generic[PropsT, OutT]):
    """A resource type's contract: its models and the facts ``iac_describe`` publishes.

    Paths (``replace_on_changes``, ``secret_paths``) use the wire names of the fields (their
    aliases), e.g. ``triggersReplace`` or ``spec.ports[0]``.
    """

    type: str
    description: str
    properties: builtins.type[PropsT]
    outputs: builtins.type[OutT]
    replace_on_changes: tuple[str, ...] = ()
    secret_paths: tuple[str, ...] = ()
    delete_before_replace: bool = False
    importable: bool = True
    examples: tuple[Example, ...] = ()

    def schema(self) -> ResourceTypeSchema:
        """The ``iac_describe`` entry for this type, JSON Schemas generated from the models."""
        return ResourceTypeSchema(
            type=self.type,
            description=self.description,
            properties=self.properties.model_json_schema(by_alias=True),
            outputs=self.outputs.model_json_schema(by_alias=True, mode="serialization"),
            replace_on_changes=self.replace_on_changes,
            secret_paths=self.secret_paths,
            delete_before_replace=self.delete_before_replace,
            capabilities=Capabilities(update=True, list=True, import_=self.importable),
            examples=tuple(
                TypeExample(properties=e.properties, update=e.update, description=e.description)
                for e in self.examples
            ),
        )


class ResourceHandler(Protocol[PropsT, OutT]):
    """The operations of one resource type. Raise ``ProviderError`` for failures the caller
    should see with a code (``NOT_FOUND``, ``CONFLICT``, ``UNAVAILABLE``...); anything else
    becomes ``INTERNAL`` with its message.

    Promises the engine's rollback and crash recovery rely on:

    - ``create`` is idempotent on ``ctx.idempotency_key`` (record the key on the object, or
      derive the id from it) and a failed create leaves nothing behind;
    - ``read`` returns None when the object does not exist or the id names nothing;
    - ``delete`` of a missing object succeeds; a failed delete leaves the object in place;
    - ``list(k)`` returns the object created with idempotency key ``k`` if it exists, and
      ``list(None)`` every object of the type the provider made.

    ``props`` of ``read`` and ``delete`` are the last known properties, or None when the caller
    sent none or they no longer fit the model; both must work from the id alone.
    """

    async def create(self, ctx: CreateContext, props: PropsT, /) -> Created[OutT]: ...

    async def read(self, id_: str, props: PropsT | None, /) -> Observed[PropsT, OutT] | None: ...

    async def update(self, id_: str, old: PropsT, new: PropsT, /) -> OutT: ...

    async def delete(self, id_: str, props: PropsT | None, /) -> None: ...

    async def list(
        self, idempotency_key: str | None = None, /
    ) -> builtins.list[Observed[PropsT, OutT]]: ...


@dataclass(frozen=True, slots=True)
class FunctionHandler(Generic[PropsT, OutT]):
    """A :class:`ResourceHandler` made of plain async functions, for providers that prefer
    functions to a class: ``FunctionHandler(create=..., read=..., update=..., delete=...,
    list=...)``."""

    create: Callable[[CreateContext, PropsT], Awaitable[Created[OutT]]]
    read: Callable[[str, PropsT | None], Awaitable[Observed[PropsT, OutT] | None]]
    update: Callable[[str, PropsT, PropsT], Awaitable[OutT]]
    delete: Callable[[str, PropsT | None], Awaitable[None]]
    list: Callable[[str | None], Awaitable[builtins.list[Observed[PropsT, OutT]]]]


class TransactionHandler(Protocol):
    """Native backend transactions (``iac_begin``/``iac_commit``/``iac_rollback``), e.g. an
    OPNsense configuration savepoint. A transaction covers every change the provider makes
    between ``begin`` and ``commit`` or ``rollback``."""

    async def begin(self) -> str:
        """Open a transaction; returns its id."""
        ...

    async def commit(self, transaction_id: str, /) -> None:
        """Keep the changes; committing an already committed transaction succeeds."""
        ...

    async def rollback(self, transaction_id: str, /) -> None:
        """Undo the changes; rolling back an already rolled back transaction succeeds."""
        ...


HealthCheck = Callable[[], Awaitable[HealthResult]]
"""A provider's health hook: checks the backend, returns status and backend version. The SDK
measures latency when the hook leaves ``latency_ms`` at 0; a ``ProviderError`` it raises is the
answer (``UNAVAILABLE`` when the backend cannot be reached)."""

AnyHandler = ResourceHandler[Any, Any]

REQUIRED_METHODS: Sequence[str] = ("create", "read", "update", "delete", "list")
"""The methods every resource handler has."""
