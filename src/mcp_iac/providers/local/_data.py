"""``local:data``: a value kept in state, like Terraform's ``terraform_data``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, JsonValue

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from ._base import Handler, Model, blocking
from ._store import KeyStore, RecordStore, object_id


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


def _outputs(record: DataRecord) -> DataOutputs:
    return DataOutputs(output=record.properties.input, id=record.id)


class DataHandler(Handler[DataProperties, DataOutputs]):
    """Keeps each object as one JSON record; the id is a UUID 5 of the idempotency key."""

    spec = DATA

    def __init__(self, keys: KeyStore, directory: Path) -> None:
        super().__init__(keys)
        self.records = RecordStore(directory, DataRecord)

    async def _existing(self, id_: str) -> DataOutputs | None:
        record = await blocking(self.records.get, id_)
        return None if record is None else _outputs(record)

    async def create(self, ctx: CreateContext, props: DataProperties) -> Created[DataOutputs]:
        id_ = object_id(ctx.idempotency_key)
        record = DataRecord(id=id_, key=ctx.idempotency_key, properties=props)

        async def existing() -> DataOutputs | None:
            return await self._existing(id_)

        async def make() -> DataOutputs:
            await blocking(self.records.put, id_, record)
            return _outputs(record)

        return await self.create_once(ctx, id_, existing=existing, make=make)

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
        await blocking(self.keys.remove, record.key)
