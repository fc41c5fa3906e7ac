"""``docker:image:pull``: an image pulled from a registry into the engine.

A pulled image cannot carry a label, so the idempotency key goes into a key record (``_keys``).
The object's id is the reference (``registry/repository:tag`` or ``...@sha256:...``); it
exists while the engine has an image under that reference.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from docker.errors import ImageNotFound, NotFound
from pydantic import Field, ValidationInfo, field_validator

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from ._base import dump, refuse_replace_changes, subject
from ._engine import Engine
from ._image_build import TAG_PATTERN, normalized, split_tag
from ._keys import KeyRecord, KeyStore
from ._model import Model, RegistryAuth, invalid, is_observed, observed
from ._stream import drain

TYPE = "docker:image:pull"
T = TypeVar("T")
_DIGEST = re.compile(r"^(?P<repo>[^@]+)@sha256:[0-9a-f]{64}$")


def reference_id(image: str) -> str:
    """The object id of a pull of ``image``: the reference as the engine names it (Docker Hub's
    ``docker.io/library/`` left out) with its tag spelt out."""
    for hub in ("docker.io/", "index.docker.io/"):
        if image.startswith(hub):
            image = image[len(hub) :]
            image = image.removeprefix("library/")
    return image if "@" in image else normalized(image)


class PullProperties(Model):
    """Properties of ``docker:image:pull``."""

    image: str = Field(
        description="What to pull: repository[:tag] or repository@sha256:digest, e.g. "
        "127.0.0.1:5000/team/web:1 (tag default: latest)."
    )
    platform: str | None = Field(default=None, description="Platform, e.g. linux/amd64.")
    policy: Literal["always", "missing"] = Field(
        default="missing",
        description="missing: pull only when the engine does not have the reference yet; "
        "always: pull on every create.",
    )
    keep_locally: bool = Field(
        default=False,
        alias="keepLocally",
        description="On delete, keep the image in the engine (only forget it).",
    )
    auth: RegistryAuth | None = Field(default=None, description="Registry credentials.")

    @field_validator("image")
    @classmethod
    def _reference(cls, value: str, info: ValidationInfo) -> str:
        if is_observed(info):
            return value
        match = _DIGEST.match(value)
        repository = match.group("repo") if match else value
        if not TAG_PATTERN.match(repository) or (match and ":" in repository.rsplit("/", 1)[-1]):
            raise invalid(
                f"'{value}' is not an image reference like 127.0.0.1:5000/team/web:1 or "
                "team/web@sha256:<64 hex digits>"
            )
        return value

    def recorded(self) -> dict[str, Any]:
        """What the key record keeps: every property but the credentials."""
        return {k: v for k, v in dump(self).items() if k != "auth"}


class PullOutputs(Model):
    """Outputs of ``docker:image:pull``."""

    id: str = Field(description="The image id (sha256:...).")
    image: str = Field(description="The reference pulled.")
    digest: str = Field(
        description="The repository digest (repository@sha256:...); '' when the engine has "
        "none (an image that was not pulled)."
    )


PULL = TypeSpec(
    type=TYPE,
    description="An image pulled from a registry the engine can reach.",
    properties=PullProperties,
    outputs=PullOutputs,
    replace_on_changes=("image", "platform"),
    secret_paths=("auth.password",),
    examples=(
        Example(
            properties={"image": "127.0.0.1:5000/team/web:1"},
            update={"image": "127.0.0.1:5000/team/web:1", "policy": "always"},
            description="An image from a registry on this machine.",
        ),
    ),
)


def _inspect(client: Any, reference: str) -> dict[str, Any] | None:
    try:
        image: dict[str, Any] = client.api.inspect_image(reference)
    except ImageNotFound:
        return None
    names = (image.get("RepoTags") or []) + (image.get("RepoDigests") or [])
    return image if reference in names else None


def _outputs(image: dict[str, Any], reference: str) -> PullOutputs:
    repository = reference.split("@", 1)[0] if "@" in reference else split_tag(reference)[0]
    digests = [d for d in image.get("RepoDigests") or [] if d.split("@", 1)[0] == repository]
    return PullOutputs(id=image["Id"], image=reference, digest=digests[0] if digests else "")


class PullHandler:
    """Pulls, reads, deletes (untags) and lists pulled images."""

    spec = PULL

    def __init__(self, engine: Engine, keys: KeyStore) -> None:
        self.engine = engine
        self.keys = keys

    async def _keys(self, fn: Callable[..., T], *args: Any) -> T:
        return await self.engine.blocking(fn, *args)

    async def create(self, ctx: CreateContext, props: PullProperties) -> Created[PullOutputs]:
        key = ctx.idempotency_key
        reference = reference_id(props.image)
        what = subject(TYPE, reference)
        record = await self._keys(self.keys.get, key)
        if record is not None and record.type == TYPE:
            found = await self.read(record.id, props)
            if found is not None:
                return Created(found.id, found.outputs)
        claim = KeyRecord(
            key=key,
            type=TYPE,
            id=reference,
            name=ctx.name,
            urn=ctx.urn,
            properties=props.recorded(),
        )
        await self._keys(self.keys.put, claim)

        def pull(client: Any) -> dict[str, Any]:
            present = _inspect(client, reference)
            if present is not None and props.policy == "missing":
                return present
            stream = client.api.pull(
                reference,
                stream=True,
                decode=True,
                auth_config=props.auth.config() if props.auth else None,
                platform=props.platform,
            )
            drain(stream, what)
            pulled = _inspect(client, reference)
            if pulled is None:
                raise ProviderError(
                    "INTERNAL", f"{what}: the engine reported a pull but has no such image"
                )
            return pulled

        try:
            image = await self.engine.run(pull, subject=what, long=True)
        except BaseException:
            await self._keys(self.keys.delete, key)  # a failed create leaves nothing
            raise
        return Created(reference, _outputs(image, reference))

    async def read(
        self, id_: str, props: PullProperties | None
    ) -> Observed[PullProperties, PullOutputs] | None:
        image = await self.engine.run(_inspect, id_, subject=subject(TYPE, id_))
        if image is None:
            return None
        records = await self._keys(self.keys.by_id, TYPE, id_)
        if props is not None:
            declared = dump(props)
        elif records:
            declared = records[0].properties
        else:
            declared = {"image": id_}
        return Observed(
            id_,
            observed(PullProperties, declared),
            _outputs(image, id_),
            name=records[0].name if records else "",
        )

    async def update(self, id_: str, old: PullProperties, new: PullProperties) -> PullOutputs:
        refuse_replace_changes(PULL, id_, old, new)
        found = await self.read(id_, new)
        if found is None:
            raise ProviderError("NOT_FOUND", f"{subject(TYPE, id_)} is no longer in the engine")
        for record in await self._keys(self.keys.by_id, TYPE, id_):
            await self._keys(
                self.keys.put, record.model_copy(update={"properties": new.recorded()})
            )
        return found.outputs

    async def delete(self, id_: str, props: PullProperties | None) -> None:
        records = await self._keys(self.keys.by_id, TYPE, id_)
        keep = (
            props.keep_locally
            if props is not None
            else any(r.properties.get("keepLocally") for r in records)
        )
        if not keep:

            def untag(client: Any) -> None:
                if _inspect(client, id_) is None:
                    return
                try:
                    client.api.remove_image(id_, noprune=False)
                except NotFound:
                    return

            await self.engine.run(untag, subject=subject(TYPE, id_))
        for record in records:
            await self._keys(self.keys.delete, record.key)

    async def list(
        self, idempotency_key: str | None = None
    ) -> builtins.list[Observed[PullProperties, PullOutputs]]:
        if idempotency_key is not None:
            record = await self._keys(self.keys.get, idempotency_key)
            records = [record] if record is not None and record.type == TYPE else []
        else:
            records = await self._keys(self.keys.all, TYPE)
        found = []
        for record in records:
            item = await self.read(record.id, None)
            if item is not None:
                found.append(Observed(item.id, item.properties, item.outputs, name=record.name))
        return found
