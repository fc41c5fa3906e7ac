"""``local:data``: a value kept in state, like Terraform's ``terraform_data``.

The object is a record that names its own idempotency key, and its id is a UUID 5 of that key,
so one atomic write both claims the key and makes the object: a create writes no separate key
file (one durable write instead of two); :func:`claims` lets the shared key store see the claim.
Objects made by earlier builds kept a key file as well; it is still honoured for their names and
removed with them.
"""

from __future__ import annotations

import builtins
from pathlib import Path

from pydantic import Field, JsonValue

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from ._base import Handler, Model, blocking
from ._store import Claimed, KeyRecord, KeyStore, RecordStore, object_id


class DataProperties(Model):
    """Properties of ``local:data``."""

    input: JsonValue = Field(
        default=None, description="Any JSON value; echoed as the output ``output``."
    )
    triggers_replace: JsonValue = Field(
        default=None,
        alias="triggersReplace",
        description="Any JSON value; a change replaces the object (a new id).",
    )


class DataOutputs(Model):
    """Outputs of ``local:data``."""

    output: JsonValue = Field(default=None, description="The current ``input``.")
    id: str = Field(description="The object's id (a UUID derived from the idempotency key).")


class DataRecord(Model):
    """The object itself, as stored in ``<data_dir>/data/<id>.json``."""

    id: str
    key: str
    properties: DataProperties
    name: str = ""
    urn: str = ""


DATA = TypeSpec(
    type="local:data",
    description="A JSON value kept by the provider, like Terraform's terraform_data: it carries "
    "a value through the graph, and a change of triggersReplace replaces it.",
    properties=DataProperties,
    outputs=DataOutputs,
    replace_on_changes=("triggersReplace",),
    examples=(
        Example(
            properties={"input": {"greeting": "hello"}},
            update={"input": {"greeting": "hello again"}},
            description="A JSON value, then changed in place.",
        ),
    ),
)


def data_records(directory: Path) -> RecordStore[DataRecord]:
    """The store of ``local:data`` objects in ``directory``."""
    return RecordStore(directory, DataRecord)


def claims(records: RecordStore[DataRecord]) -> Claimed:
    """The key claims of ``local:data`` objects, for :class:`KeyStore`: the object a key's
    create made, when it exists."""

    def claimed(key: str) -> KeyRecord | None:
        id_ = object_id(key)
        record = records.get(id_)
        if record is None or record.key != key:
            return None
        return KeyRecord(key=key, type=DATA.type, id=id_, name=record.name, urn=record.urn)

    return claimed


def _outputs(record: DataRecord) -> DataOutputs:
    return DataOutputs(output=record.properties.input, id=record.id)


class DataHandler(Handler[DataProperties, DataOutputs]):
    """Keeps each object as one JSON record; the id is a UUID 5 of the idempotency key, and the
    record itself is the claim of the key (see the module doc)."""

    spec = DATA

    def __init__(self, keys: KeyStore, records: RecordStore[DataRecord]) -> None:
        super().__init__(keys)
        self.records = records

    async def _existing(self, id_: str) -> DataOutputs | None:
        record = await blocking(self.records.get, id_)
        return None if record is None else _outputs(record)

    async def create(self, ctx: CreateContext, props: DataProperties) -> Created[DataOutputs]:
        key = ctx.idempotency_key
        id_ = object_id(key)
        prior = await blocking(self.keys.get, key)  # this object, or another type's claim
        if prior is not None and (prior.type != self.spec.type or prior.id != id_):
            raise ProviderError(
                "CONFLICT",
                f"idempotency key '{key}' already made {prior.type} '{prior.id}', "
                f"not {self.spec.type} '{id_}'",
            )
        if prior is not None:  # made already, or an earlier build's key file without the object
            existing = await self._existing(id_)
            if existing is not None:
                return Created(id_, existing)
        record = DataRecord(id=id_, key=key, properties=props, name=ctx.name, urn=ctx.urn)
        await blocking(self.records.put, id_, record)
        return Created(id_, _outputs(record))

    async def read(
        self, id_: str, props: DataProperties | None
    ) -> Observed[DataProperties, DataOutputs] | None:
        record = await blocking(self.records.get, id_)
        if record is None:
            return None
        return Observed(id_, record.properties, _outputs(record))

    async def update(self, id_: str, old: DataProperties, new: DataProperties) -> DataOutputs:
        record = await blocking(self.records.get, id_)
        if record is None:
            raise ProviderError("NOT_FOUND", f"local:data '{id_}' does not exist")
        changed = record.model_copy(update={"properties": new})
        await blocking(self.records.put, id_, changed)
        return _outputs(changed)

    async def delete(self, id_: str, props: DataProperties | None) -> None:
        record = await blocking(self.records.get, id_)
        if record is None:
            return
        await blocking(self.records.remove, id_)
        await blocking(self.keys.remove, record.key)  # a key file of an earlier build

    async def list(
        self, idempotency_key: str | None = None
    ) -> builtins.list[Observed[DataProperties, DataOutputs]]:
        """Objects this provider made that still exist; with ``idempotency_key``, the one a
        create with that key made (its record names the key)."""
        if idempotency_key is not None:
            found = await blocking(self.records.get, object_id(idempotency_key))
            records = [found] if found is not None and found.key == idempotency_key else []
        else:
            records = await blocking(self.records.all)
        return [
            Observed(r.id, r.properties, _outputs(r), name=r.name or await self._old_name(r))
            for r in records
        ]

    async def _old_name(self, record: DataRecord) -> str:
        # a record written before records carried their name: its key file has it
        claim = await blocking(self.keys.get, record.key)
        return claim.name if claim is not None and claim.id == record.id else ""
