"""The shape every resource type of the local provider has, ready for the provider SDK.

A resource type is a :class:`TypeSpec` (pydantic models for properties and outputs, plus the
schema facts the planner needs) and a :class:`Handler` with async ``create``, ``read``,
``update``, ``delete`` and ``list`` that take and return those models: exactly what the
provider SDK serves (``TypeSpec``, ``CreateContext``, ``Created`` and ``Observed`` come from
``mcp_iac.sdk``). ``LocalProvider`` only dispatches and converts between wire dictionaries and
models; ``build_server`` serves the same handlers over MCP.
"""

from __future__ import annotations

import builtins
import functools
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, Generic, ParamSpec, TypeVar

import anyio.to_thread
from pydantic import BaseModel, ConfigDict
from pydantic.fields import ComputedFieldInfo, FieldInfo

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Observed, TypeSpec

from ._store import KeyRecord, KeyStore

PropsT = TypeVar("PropsT", bound=BaseModel)
OutT = TypeVar("OutT", bound=BaseModel)
_A = ParamSpec("_A")
_R = TypeVar("_R")


def _title(name: str, info: FieldInfo | ComputedFieldInfo) -> str:
    return getattr(info, "alias", None) or name


class Model(BaseModel):
    """Base of the property and output models: immutable, and unknown fields are errors.

    Fields with a camelCase user-facing name declare it as their alias; only that name is
    accepted on input, and schemas and dumps use it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", field_title_generator=_title)


async def blocking(fn: Callable[_A, _R], *args: _A.args, **kwargs: _A.kwargs) -> _R:
    """Run blocking file I/O (fsync and friends) in a worker thread, off the event loop.

    The thread is never abandoned on cancellation, so a started write always completes and is
    accounted for.
    """
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


class Handler(ABC, Generic[PropsT, OutT]):
    """The operations of one resource type. Errors are raised as ``ProviderError``.

    Promises (the engine's rollback and crash recovery rely on them):
    - ``create`` is idempotent on ``ctx.idempotency_key`` and records the key durably before it
      touches the object; a failed create leaves no object behind.
    - ``read`` returns None when the object does not exist (or the id names nothing).
    - ``delete`` of a missing object succeeds; a failed delete leaves the object in place.
    """

    spec: TypeSpec[PropsT, OutT]

    def __init__(self, keys: KeyStore) -> None:
        self.keys = keys

    @abstractmethod
    async def create(self, ctx: CreateContext, props: PropsT) -> Created[OutT]: ...

    @abstractmethod
    async def read(self, id_: str, props: PropsT | None) -> Observed[PropsT, OutT] | None: ...

    @abstractmethod
    async def update(self, id_: str, old: PropsT, new: PropsT) -> OutT: ...

    @abstractmethod
    async def delete(self, id_: str, props: PropsT | None) -> None: ...

    async def create_once(
        self,
        ctx: CreateContext,
        id_: str,
        *,
        existing: Callable[[], Awaitable[OutT | None]],
        make: Callable[[], Awaitable[OutT]],
        guard: Callable[[], Awaitable[None]] | None = None,
    ) -> Created[OutT]:
        """Create object ``id_`` at most once per idempotency key, surviving a kill anywhere.

        The key record is durable before ``make`` touches the object; it is not rewritten
        afterwards, because objects are written atomically: the record plus the object existing
        means created (one fsync'd write saved per create). A repeated call finds the record: if
        the object exists (``existing`` returns its outputs) that is the answer; otherwise the
        work is done again, with no conflict check, since the record proves the object is ours.
        ``guard`` runs only for a new key, before anything is written (the file type's "already
        exists" check).

        Raises:
            ProviderError: ``CONFLICT`` when the key already made a different object, or what
                ``guard`` and ``make`` raise.
        """
        key = ctx.idempotency_key
        prior = await blocking(self.keys.get, key)
        if prior is not None and (prior.type != self.spec.type or prior.id != id_):
            raise ProviderError(
                "CONFLICT",
                f"idempotency key '{key}' already made {prior.type} '{prior.id}', "
                f"not {self.spec.type} '{id_}'",
            )
        claim = KeyRecord(key=key, type=self.spec.type, id=id_, name=ctx.name, urn=ctx.urn)
        if prior is None:
            if guard is not None:
                await guard()
            await blocking(self.keys.put, claim)
        else:
            outputs = await existing()
            if outputs is not None:
                return Created(id_, outputs)
        return Created(id_, await make())

    async def list(
        self, idempotency_key: str | None = None
    ) -> builtins.list[Observed[PropsT, OutT]]:
        """Objects of this type that this provider made and that still exist.

        With ``idempotency_key``: the object created with that key, if its key record and the
        object both exist.
        """
        if idempotency_key is not None:
            record = await blocking(self.keys.get, idempotency_key)
            records = [record] if record is not None and record.type == self.spec.type else []
        else:
            records = await blocking(self.keys.all, self.spec.type)
        seen: set[str] = set()
        found: builtins.list[Observed[PropsT, OutT]] = []
        for record in records:
            if record.id in seen:
                continue
            seen.add(record.id)
            item = await self.read(record.id, None)
            if item is not None:
                found.append(replace(item, name=record.name))
        return found


AnyHandler = Handler[Any, Any]
