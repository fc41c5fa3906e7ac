"""The five iac/1 operations, written once for every OPNsense MVC record type.

A resource type says how its properties become OPNsense fields (:meth:`RecordHandler.fields`),
how a record becomes properties again (:meth:`RecordHandler.properties_of`) and what its
outputs are; this base does the rest:

- **create** writes ``setItem/<uuid>`` where the uuid is a UUID 5 of the idempotency key.
  ``setItem`` is an upsert, so a repeated or interrupted create lands on the same record and
  never leaves an untracked copy; a record already there under that uuid is the answer.
- **read** is ``getItem/<uuid>`` (``[]``: gone), turned back into the properties a user would
  declare, so drift compares like with like; where the record means what the last known
  properties say in another spelling (``443`` for ``"443"``, a list in another order), the
  declared spelling is kept.
- **update** writes every managed field (a property removed from the declaration returns to
  its default); **delete** is ``delItem`` (``not found`` counts as deleted).
- every write is followed by the component's apply action, also when a retry finds the write
  already done (the earlier attempt may have died before applying).
- **list** by key reads the key's uuid; without a key it lists the records whose uuid is a
  UUID 5 (OPNsense itself makes version 4 uuids), i.e. the ones made through this provider.
"""

from __future__ import annotations

import builtins
import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic.fields import ComputedFieldInfo, FieldInfo

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Observed, TypeSpec

from ._client import OpnsenseClient
from ._endpoints import Component
from ._errors import missing_endpoint
from ._values import Equivalence

PropsT = TypeVar("PropsT", bound=BaseModel)
OutT = TypeVar("OutT", bound=BaseModel)

NAMESPACE = uuid.UUID("0f6a4f3e-2b7c-5d1e-9a8b-6c5d4e3f2a10")
"""UUID 5 namespace of the records this provider makes (``uuid5(NAMESPACE, key)``)."""


def key_uuid(idempotency_key: str) -> str:
    """The uuid of the record a create with ``idempotency_key`` makes."""
    return str(uuid.uuid5(NAMESPACE, idempotency_key))


def parse_uuid(text: str) -> str | None:
    """``text`` as a canonical uuid, or None when it is not one."""
    try:
        parsed = uuid.UUID(text)
    except ValueError:
        return None
    return str(parsed) if str(parsed) == text.lower() else None


def made_here(text: str) -> bool:
    """Whether record uuid ``text`` looks made by this provider (a UUID 5)."""
    try:
        return uuid.UUID(text).version == 5
    except ValueError:
        return False


M = TypeVar("M", bound=BaseModel)


def reported(model: type[M], **values: Any) -> M:
    """``model`` holding ``values`` as the firewall reports them, without validation: read
    reports what is there, also values a declaration could not say (drift shows them)."""
    return model.model_construct(**values)


def _title(name: str, info: FieldInfo | ComputedFieldInfo) -> str:
    return getattr(info, "alias", None) or name


class Model(BaseModel):
    """Base of the property and output models: immutable, unknown fields are errors, camelCase
    names are aliases (the only names accepted and shown)."""

    model_config = ConfigDict(frozen=True, extra="forbid", field_title_generator=_title)


class RecordHandler(ABC, Generic[PropsT, OutT]):
    """The operations of one OPNsense record type. Subclasses set :attr:`spec`,
    :attr:`component` and :attr:`field_paths`, and implement the three mappings."""

    spec: ClassVar[TypeSpec[Any, Any]]
    component: ClassVar[Component]
    field_paths: ClassVar[Mapping[str, str]] = {}
    """OPNsense field (``tag``, ``destination.port``) → the user's property path, so that
    OPNsense's validation messages name what the user wrote."""
    equivalences: ClassVar[Mapping[str, Equivalence]] = {}
    """Property (attribute name) → when a value read back means the declared one."""
    gated_by: ClassVar[str] = ""
    """The property whose value picks a component that needs a newer firmware ("" for none)."""

    def __init__(self, client: OpnsenseClient) -> None:
        self.client = client

    # --- what a type says ----------------------------------------------------------------

    @abstractmethod
    def fields(self, props: PropsT) -> dict[str, Any]:
        """Every OPNsense field this type manages, from the properties."""

    async def write_fields(
        self, new: PropsT, old: PropsT | None, component: Component, *, subject: str
    ) -> dict[str, Any]:
        """What a create (``old`` None) or an update writes: :meth:`fields`, unless a type
        must ask the firewall first (a name to resolve) or compare with the old properties
        (a password written only when it changes).

        Raises:
            ProviderError: ``VALIDATION`` when the properties cannot be written as they are.
        """
        return self.fields(new)

    def decode(self, component: Component, record: Mapping[str, Any]) -> PropsT:
        """A record of ``component`` in the user's terms (types spanning several components
        override this; the rest implement :meth:`properties_of`)."""
        return self.properties_of(record)

    @abstractmethod
    def properties_of(self, record: Mapping[str, Any]) -> PropsT:
        """A ``getItem`` record in the user's terms (built with :func:`reported`)."""

    @abstractmethod
    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> OutT:
        """The outputs of record ``uuid_``."""

    def component_for(self, props: PropsT) -> Component:
        """Where records with these properties live (one component, unless a type spans
        several)."""
        return self.component

    def components(self) -> Sequence[Component]:
        """Every component records of this type can live in."""
        return (self.component,)

    def locate(self, id_: str) -> tuple[Component, str] | None:
        """The component and uuid an id names; None when it names nothing."""
        found = parse_uuid(id_)
        return None if found is None else (self.component, found)

    def id_of(self, component: Component, uuid_: str) -> str:
        """The iac/1 id of record ``uuid_`` of ``component``."""
        return uuid_

    # --- the operations ------------------------------------------------------------------

    def subject(self, name: str) -> str:
        return f"{self.spec.type} '{name}'"

    async def create(self, ctx: CreateContext, props: PropsT) -> Created[OutT]:
        async with self.client.session():  # one connection pool per operation, closed after
            component = self.component_for(props)
            subject = self.subject(ctx.name)
            await self.require(component, subject)
            uuid_ = key_uuid(ctx.idempotency_key)
            record = await self.client.get_item(component, uuid_, subject=subject)
            if record is None:
                await self.client.set_item(
                    component,
                    uuid_,
                    await self.write_fields(props, None, component, subject=subject),
                    subject=subject,
                    properties=self.field_paths,
                )
            await self.client.apply(component, subject=subject)
            record = await self._must_read(component, uuid_, subject)
            return Created(self.id_of(component, uuid_), self.outputs_of(uuid_, record))

    async def read(self, id_: str, props: PropsT | None) -> Observed[PropsT, OutT] | None:
        async with self.client.session():
            where = self.locate(id_)
            if where is None:
                return None
            component, uuid_ = where
            record = await self.client.get_item(component, uuid_, subject=self.subject(id_))
            if record is None:
                return None
            observed = self._as_declared(self.decode(component, record), props)
            return Observed(id_, observed, self.outputs_of(uuid_, record))

    async def update(self, id_: str, old: PropsT, new: PropsT) -> OutT:
        async with self.client.session():
            subject = self.subject(id_)
            where = self.locate(id_)
            if where is None:
                raise ProviderError("NOT_FOUND", f"{subject}: not an id of this type")
            component, uuid_ = where
            if component is not self.component_for(new):
                raise ProviderError(
                    "VALIDATION",
                    f"{subject}: cannot move to a {self.component_for(new).title} in place",
                )
            if await self.client.get_item(component, uuid_, subject=subject) is None:
                raise ProviderError(
                    "NOT_FOUND", f"{subject}: the {component.title} no longer exists"
                )
            fields = await self.write_fields(new, old, component, subject=subject)
            await self.client.set_item(
                component, uuid_, fields, subject=subject, properties=self.field_paths
            )
            await self.client.apply(component, subject=subject)
            record = await self._must_read(component, uuid_, subject)
            return self.outputs_of(uuid_, record)

    async def delete(self, id_: str, props: PropsT | None) -> None:
        async with self.client.session():
            where = self.locate(id_)
            if where is None:
                return
            component, uuid_ = where
            subject = self.subject(id_)
            await self.client.delete_item(component, uuid_, subject=subject)
            # Also when it was already gone: the attempt that deleted it may have died unapplied.
            await self.client.apply(component, subject=subject)

    async def list(
        self, idempotency_key: str | None = None
    ) -> builtins.list[Observed[PropsT, OutT]]:
        async with self.client.session():
            found: builtins.list[Observed[PropsT, OutT]] = []
            version = await self.client.version()
            for component in self.components():
                if component.since is not None and version < component.since:
                    continue  # this firmware cannot hold records of it
                if idempotency_key is not None:
                    uuids = [key_uuid(idempotency_key)]
                else:
                    rows = await self.client.search(component, subject=self.spec.type)
                    uuids = [str(r["uuid"]) for r in rows if made_here(str(r.get("uuid", "")))]
                for uuid_ in uuids:
                    item = await self.read(self.id_of(component, uuid_), None)
                    if item is not None:
                        found.append(item)
            return found

    # --- helpers -------------------------------------------------------------------------

    async def require(self, component: Component, subject: str) -> None:
        """Refuse a component the firewall's release does not have yet, or whose plugin the
        firmware says is not installed.

        Raises:
            ProviderError: ``VALIDATION`` saying which release or plugin is needed.
        """
        version = await self.client.version()
        if component.plugin is not None and self.client.plugin_installed(component.plugin) is False:
            raise ProviderError(
                "VALIDATION",
                f"{subject}: "
                + missing_endpoint(url=self.client.url, endpoint=component.get, version=version),
                details={"missing_endpoint": component.get.path, "plugin": component.plugin},
            )
        if component.since is None or version >= component.since:
            return
        message = (
            f"{component.title}s need OPNsense {component.since.series} or later (that release "
            f"brought {component.get.path.rsplit('/', 1)[0]}); {self.client.url} runs OPNsense "
            f"{version}: upgrade the firewall"
        )
        details = [{"path": self.gated_by, "message": message}] if self.gated_by else None
        raise ProviderError("VALIDATION", f"{subject}: {message}", details=details)

    async def _must_read(self, component: Component, uuid_: str, subject: str) -> dict[str, Any]:
        record = await self.client.get_item(component, uuid_, subject=subject)
        if record is None:
            raise ProviderError(
                "UNAVAILABLE",
                f"{subject}: saved {component.title} {uuid_}, but it cannot be read back",
            )
        return record

    def _as_declared(self, observed: PropsT, declared: PropsT | None) -> PropsT:
        """``observed``, keeping declared spellings of equivalent values."""
        if declared is None or not self.equivalences:
            return observed
        keep: dict[str, Any] = {}
        for name, equivalent in self.equivalences.items():
            want, have = getattr(declared, name), getattr(observed, name)
            if want != have and equivalent(want, have):
                keep[name] = want
        return observed.model_copy(update=keep) if keep else observed
