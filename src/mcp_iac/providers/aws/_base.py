"""``AwsHandler``: what every AWS resource type shares — idempotent create by the key tag,
read, delete and list — built from a few type-specific steps.

A type says how to ``find`` its objects by idempotency key, ``fetch`` one by id, ``observe`` it
in the user's terms, ``make`` it (one create call carrying the key tags), ``configure`` it
after that (follow-up calls; must converge, since a retried create repeats them), ``settle``
(wait until AWS says it is ready) and ``remove`` it. The promises of the provider SDK follow:

- create first looks the key up: a retry, or a create after a crash, returns the object the
  first call made (and finishes configuring and waiting for it) instead of making another;
- a create that fails for good after the object was made deletes it again (a failure that may
  clear by itself, like a wait running out, leaves it: the retry resumes, and the engine finds
  it by key);
- read returns None for a missing object; delete of a missing object succeeds.
"""

from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Observed, TypeSpec

from ._aws import Aws, Raw
from ._errors import AwsError, Subject
from ._tags import KEY_TAG, NAME_TAG, has_key

PropsT = TypeVar("PropsT", bound=BaseModel)
OutT = TypeVar("OutT", bound=BaseModel)


def _flat(value: object, path: str, out: dict[str, object]) -> None:
    if isinstance(value, str):
        out[path] = value
    elif isinstance(value, dict):
        for key, item in value.items():
            _flat(item, f"{path}.{key}", out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flat(item, f"{path}[{index}]", out)


def _values(props: BaseModel | None, skip: tuple[str, ...]) -> dict[str, object]:
    """Every string of ``props`` by its property path (secrets and tags left out)."""
    out: dict[str, object] = {}
    if props is None:
        return out
    for key, value in props.model_dump(by_alias=True).items():
        if key not in skip and key != "tags":
            _flat(value, key, out)
    return out


class AwsHandler(ABC, Generic[PropsT, OutT]):
    """The operations of one AWS resource type (see the module docstring)."""

    spec: TypeSpec[PropsT, OutT]
    fields: ClassVar[Mapping[str, str]] = {}
    """AWS request parameter names mapped to property paths, to name the property an AWS
    validation error is about."""

    def __init__(self, aws: Aws) -> None:
        self.aws = aws

    # --- what each type provides ---------------------------------------------------------

    @abstractmethod
    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        """Ids of live objects carrying ``idempotency_key`` (all mcp-iac objects for None)."""

    @abstractmethod
    async def fetch(self, id_: str) -> Raw | None:
        """The object as AWS describes it, or None when it does not exist (or is going)."""

    @abstractmethod
    def tags_of(self, raw: Raw) -> dict[str, str]:
        """All tags of a fetched object."""

    def owned(self, raw: Raw, idempotency_key: str | None) -> bool:
        """True when the fetched object was made by mcp-iac (with ``idempotency_key``, if
        given)."""
        return has_key(self.tags_of(raw), idempotency_key)

    @abstractmethod
    def observe(self, raw: Raw, hint: PropsT | None) -> Observed[PropsT, OutT]:
        """A fetched object in the user's terms; ``hint`` (the last known properties) only
        orders lists and keeps forms AWS does not echo (a secret, a relative name)."""

    @abstractmethod
    async def make(self, ctx: CreateContext, props: PropsT) -> str:
        """Create the object with the key tags (one call where AWS allows); return its id."""

    async def configure(self, ctx: CreateContext, id_: str, props: PropsT) -> None:
        """Calls that complete a new object (rules, attributes); must converge when repeated."""
        del ctx, id_, props

    async def settle(self, id_: str, props: PropsT) -> None:
        """Wait until AWS reports the object ready (bounded by the settings' wait_timeout)."""
        del id_, props

    @abstractmethod
    async def remove(self, id_: str, raw: Raw) -> None:
        """Delete an existing object (and wait until it is gone where dependents care)."""

    @abstractmethod
    async def update(self, id_: str, old: PropsT, new: PropsT) -> OutT:
        """Change the object in place; ``NOT_FOUND`` when it is gone."""

    # --- shared ----------------------------------------------------------------------------

    def subject(self, what: str, props: PropsT | None = None) -> Subject:
        """The subject of errors about object ``what`` (an id or a name)."""
        values = _values(props, self.spec.secret_paths)
        return Subject(f"{self.spec.type} '{what}'", self.fields, values)

    def missing(self, id_: str) -> AwsError:
        """The error of an update on an object that is gone."""
        return AwsError(
            "NOT_FOUND",
            f"{self.spec.type} '{id_}' does not exist (deleted outside mcp-iac?)",
            aws_code="NotFound",
        )

    async def existing(self, id_: str) -> Raw:
        """The object, fetched; ``NOT_FOUND`` when it is gone (for updates)."""
        raw = await self.fetch(id_)
        if raw is None:
            raise self.missing(id_)
        return raw

    async def outputs_now(self, id_: str, props: PropsT) -> OutT:
        """The object's outputs as they are now (after an update)."""
        observed = await self.read(id_, props)
        if observed is None:
            raise self.missing(id_)
        return observed.outputs

    async def create(self, ctx: CreateContext, props: PropsT) -> Created[OutT]:
        found = await self.find(ctx.idempotency_key)
        made = not found
        id_ = await self.make(ctx, props) if made else found[0]
        try:
            await self.configure(ctx, id_, props)
            await self.settle(id_, props)
        except ProviderError as exc:
            if made and not exc.retryable:
                await self._undo(id_, exc)
            raise
        observed = await self.read(id_, props)
        if observed is None:
            raise AwsError(
                "UNAVAILABLE",
                f"{self.spec.type} '{id_}' was created but AWS does not show it yet",
                aws_code="NotVisible",
            )
        return Created(id_, observed.outputs)

    async def _undo(self, id_: str, cause: ProviderError) -> None:
        try:
            raw = await self.fetch(id_)
            if raw is not None:
                await self.remove(id_, raw)
        except ProviderError as exc:
            raise AwsError(
                cause.code,
                f"{cause.reason}; removing the half-made {self.spec.type} '{id_}' failed too "
                f"({exc.reason}); it carries the tag {KEY_TAG}, delete it by hand",
                aws_code="UndoFailed",
                retryable=False,
                details=cause.details,
            ) from exc

    async def read(self, id_: str, props: PropsT | None) -> Observed[PropsT, OutT] | None:
        raw = await self.fetch(id_)
        if raw is None:
            return None
        return self.observe(raw, props)

    async def delete(self, id_: str, props: PropsT | None) -> None:
        raw = await self.fetch(id_)
        if raw is None:
            return
        await self.remove(id_, raw)

    async def list(
        self, idempotency_key: str | None = None
    ) -> builtins.list[Observed[PropsT, OutT]]:
        found: builtins.list[Observed[PropsT, OutT]] = []
        for id_ in dict.fromkeys(await self.find(idempotency_key)):
            raw = await self.fetch(id_)
            if raw is None:
                continue
            if not self.owned(raw, idempotency_key):
                continue
            observed = self.observe(raw, None)
            name = self.tags_of(raw).get(NAME_TAG, "")
            found.append(Observed(observed.id, observed.properties, observed.outputs, name))
        return found


AnyAwsHandler = AwsHandler[Any, Any]
