"""``memo``: a small in-memory provider for SDK tests, with switches that break its promises."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, IacProvider, Observed, TypeSpec


class MemoProperties(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=1)
    shelf: str = "a"
    token: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)


class MemoOutputs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    length: int
    receipt: str = ""


MEMO = TypeSpec(
    type="memo:note",
    description="A string kept in memory.",
    properties=MemoProperties,
    outputs=MemoOutputs,
    replace_on_changes=("shelf",),
    secret_paths=("token", "receipt"),
    examples=(Example(properties={"text": "hello"}, update={"text": "hello, world"}),),
)


@dataclass
class Faults:
    """Ways to break the contract, for tests of the contract suite."""

    create_ignores_key: bool = False
    read_lies: bool = False
    delete_missing_fails: bool = False
    create_raises: Exception | None = None
    update_raises: Exception | None = None


@dataclass
class MemoHandler:
    objects: dict[str, tuple[str, str, MemoProperties]] = field(default_factory=dict)
    """id -> (idempotency key, name, properties)."""
    faults: Faults = field(default_factory=Faults)
    calls: list[str] = field(default_factory=list)

    def _id(self, key: str) -> str:
        if self.faults.create_ignores_key:
            return uuid.uuid4().hex
        return str(uuid.uuid5(uuid.NAMESPACE_OID, key))

    @staticmethod
    def _outputs(props: MemoProperties) -> MemoOutputs:
        return MemoOutputs(length=len(props.text), receipt="r-" + props.text[:3])

    async def create(self, ctx: CreateContext, props: MemoProperties) -> Created[MemoOutputs]:
        self.calls.append("create")
        if self.faults.create_raises is not None:
            raise self.faults.create_raises
        id_ = self._id(ctx.idempotency_key)
        self.objects.setdefault(id_, (ctx.idempotency_key, ctx.name, props))
        return Created(id_, self._outputs(self.objects[id_][2]))

    async def read(
        self, id_: str, props: MemoProperties | None
    ) -> Observed[MemoProperties, MemoOutputs] | None:
        self.calls.append("read")
        found = self.objects.get(id_)
        if found is None:
            return None
        _, name, stored = found
        if self.faults.read_lies:
            stored = stored.model_copy(update={"text": "something else"})
        return Observed(id_, stored, self._outputs(stored), name=name)

    async def update(self, id_: str, old: MemoProperties, new: MemoProperties) -> MemoOutputs:
        self.calls.append("update")
        if self.faults.update_raises is not None:
            raise self.faults.update_raises
        if id_ not in self.objects:
            raise ProviderError("NOT_FOUND", f"memo '{id_}' does not exist")
        key, name, _ = self.objects[id_]
        self.objects[id_] = (key, name, new)
        return self._outputs(new)

    async def delete(self, id_: str, props: MemoProperties | None) -> None:
        self.calls.append("delete")
        if id_ not in self.objects:
            if self.faults.delete_missing_fails:
                raise ProviderError("INTERNAL", f"memo '{id_}' cannot be deleted: not there")
            return
        del self.objects[id_]

    async def list(
        self, idempotency_key: str | None = None
    ) -> list[Observed[MemoProperties, MemoOutputs]]:
        self.calls.append("list")
        found = []
        for id_, (key, name, props) in self.objects.items():
            if idempotency_key is None or key == idempotency_key:
                found.append(Observed(id_, props, self._outputs(props), name=name))
        return found


def memo_provider(handler: MemoHandler | None = None) -> tuple[IacProvider, MemoHandler]:
    """A ``memo`` provider and its handler."""
    handler = handler or MemoHandler()
    provider = IacProvider("memo", version="2.1.0")
    provider.add(MEMO, handler)
    return provider, handler
