"""``docker:registry:push``: a local image published to a registry as ``registry/repository:tag``.

The object is the pushed reference; its id is that reference. A push cannot carry a label, so
the idempotency key, and the digest the push produced, go into a key record (``_keys``). Read
asks the registry (through the engine) for the reference's digest: gone from the registry means
gone; another digest there means someone pushed over it, and ``image`` then reads as
``registry/repository@<that digest>`` (drift). Delete forgets the push and leaves the
registry's content alone: a registry deletes by digest, which would also take every other tag
of the same image with it.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable
from typing import Any, TypeVar

from docker.errors import NotFound
from pydantic import Field, ValidationInfo, field_validator

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from ._base import dump, refuse_replace_changes, subject
from ._engine import Engine
from ._image_build import split_tag
from ._keys import KeyRecord, KeyStore
from ._model import Model, RegistryAuth, invalid, is_observed, observed
from ._stream import drain

TYPE = "docker:registry:push"
T = TypeVar("T")

_REGISTRY = re.compile(r"^[a-zA-Z0-9.-]+(:[0-9]+)?(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$")
_REPOSITORY = re.compile(
    r"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$"
)
_TAG = re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$")


class PushProperties(Model):
    """Properties of ``docker:registry:push``."""

    image: str = Field(
        min_length=1,
        description="The local image to push: its id (sha256:..., e.g. a build's id output) or "
        "a name in the engine.",
    )
    registry: str = Field(
        description="The registry host (and port), optionally with a namespace: "
        "127.0.0.1:5000 or registry.example.com/team."
    )
    repository: str | None = Field(
        default=None,
        description="Repository under the registry (default: the repository of the image's "
        "first tag, without its registry host).",
    )
    tag: str = Field(default="latest", description="The tag to push as.")
    auth: RegistryAuth | None = Field(default=None, description="Registry credentials.")

    @field_validator("registry")
    @classmethod
    def _registry(cls, value: str, info: ValidationInfo) -> str:
        if not is_observed(info) and not _REGISTRY.match(value):
            raise invalid(
                f"'{value}' is not a registry like 127.0.0.1:5000 or registry.example.com/team "
                "(no scheme, no trailing slash)"
            )
        return value

    @field_validator("repository")
    @classmethod
    def _repository(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not is_observed(info) and not _REPOSITORY.match(value):
            raise invalid(f"'{value}' is not a repository name (lowercase, like team/web)")
        return value

    @field_validator("tag")
    @classmethod
    def _tag(cls, value: str, info: ValidationInfo) -> str:
        if not is_observed(info) and not _TAG.match(value):
            raise invalid(f"'{value}' is not a tag (letters, digits, _ . -, at most 128)")
        return value

    def recorded(self) -> dict[str, Any]:
        """What the key record keeps: every property but the credentials."""
        return {k: v for k, v in dump(self).items() if k != "auth"}


class PushOutputs(Model):
    """Outputs of ``docker:registry:push``."""

    reference: str = Field(description="registry/repository:tag as pushed (the id).")
    digest: str = Field(description="The manifest digest in the registry (sha256:...).")
    repository_digest: str = Field(
        alias="repositoryDigest", description="registry/repository@digest: pull exactly this."
    )
    image_id: str = Field(alias="imageId", description="The local image id that was pushed.")


PUSH = TypeSpec(
    type=TYPE,
    description="A local image pushed to a registry as registry/repository:tag.",
    properties=PushProperties,
    outputs=PushOutputs,
    replace_on_changes=("image", "registry", "repository", "tag"),
    secret_paths=("auth.password",),
    importable=False,
    examples=(
        Example(
            properties={"image": "web:1", "registry": "127.0.0.1:5000", "repository": "team/web"},
            description="Publish the local image web:1 as 127.0.0.1:5000/team/web:latest.",
        ),
    ),
)


def _local_repository(image: dict[str, Any]) -> str | None:
    """The repository of the image's first tag, without a registry host."""
    for tag in image.get("RepoTags") or []:
        repository, _ = split_tag(tag)
        first, _, rest = repository.partition("/")
        if rest and ("." in first or ":" in first or first == "localhost"):
            return rest
        return repository
    return None


def _outputs(record: KeyRecord, digest: str) -> PushOutputs:
    base = record.id.rsplit(":", 1)[0]
    return PushOutputs.model_validate(
        {
            "reference": record.id,
            "digest": digest,
            "repositoryDigest": f"{base}@{digest}" if digest else "",
            "imageId": str(record.outputs.get("imageId", "")),
        }
    )


class PushHandler:
    """Pushes, reads (from the registry), forgets and lists pushes."""

    spec = PUSH

    def __init__(self, engine: Engine, keys: KeyStore) -> None:
        self.engine = engine
        self.keys = keys

    async def _keys(self, fn: Callable[..., T], *args: Any) -> T:
        return await self.engine.blocking(fn, *args)

    async def create(self, ctx: CreateContext, props: PushProperties) -> Created[PushOutputs]:
        key = ctx.idempotency_key
        record = await self._keys(self.keys.get, key)
        if record is not None and record.type == TYPE and record.outputs.get("digest"):
            found = await self.read(record.id, props)
            if found is not None:
                return Created(found.id, found.outputs)
        what = subject(TYPE, ctx.name)
        auth = props.auth.config() if props.auth else None

        def resolve(client: Any) -> tuple[str, str]:
            image = client.api.inspect_image(props.image)
            repository = props.repository or _local_repository(image)
            if repository is None:
                raise ProviderError(
                    "VALIDATION",
                    f"{what}: image '{props.image}' has no tag to take a repository name from; "
                    "give repository",
                    details=[{"path": "repository", "message": "required for an untagged image"}],
                )
            return str(image["Id"]), f"{props.registry}/{repository}"

        image_id, target = await self.engine.run(resolve, subject=what, missing_image="VALIDATION")
        reference = f"{target}:{props.tag}"
        claim = KeyRecord(
            key=key,
            type=TYPE,
            id=reference,
            name=ctx.name,
            urn=ctx.urn,
            properties=props.recorded(),
            outputs={"imageId": image_id},
        )
        await self._keys(self.keys.put, claim)

        def push(client: Any) -> str:
            image = client.api.inspect_image(image_id)
            tagged_before = reference in (image.get("RepoTags") or [])
            client.api.tag(image_id, target, props.tag, force=True)
            try:
                stream = client.api.push(
                    target, tag=props.tag, stream=True, decode=True, auth_config=auth
                )
                aux = drain(stream, subject(TYPE, reference))
            finally:
                others = [t for t in image.get("RepoTags") or [] if t != reference]
                if not tagged_before and others:
                    # The push tag was only the means: the image keeps its own names.
                    client.api.remove_image(reference, noprune=True)
            digests = [str(a["Digest"]) for a in aux if a.get("Digest")]
            if not digests:
                raise ProviderError(
                    "INTERNAL", f"{subject(TYPE, reference)}: the push reported no digest"
                )
            return digests[-1]

        try:
            digest = await self.engine.run(push, subject=subject(TYPE, reference), long=True)
        except BaseException:
            await self._keys(self.keys.delete, key)  # a failed create leaves nothing
            raise
        done = claim.model_copy(update={"outputs": {"imageId": image_id, "digest": digest}})
        await self._keys(self.keys.put, done)
        return Created(reference, _outputs(done, digest))

    async def read(
        self, id_: str, props: PushProperties | None
    ) -> Observed[PushProperties, PushOutputs] | None:
        records = await self._keys(self.keys.by_id, TYPE, id_)
        if not records:
            return None  # not pushed by this provider, or forgotten by delete
        record = records[-1]
        auth = props.auth.config() if props is not None and props.auth else None

        def remote(client: Any) -> str | None:
            try:
                data = client.images.get_registry_data(id_, auth_config=auth)
            except NotFound:
                return None
            return str(data.id)

        digest = await self.engine.run(remote, subject=subject(TYPE, id_))
        if digest is None:
            return None
        declared = dump(props) if props is not None else dict(record.properties)
        if digest != record.outputs.get("digest"):
            # Someone pushed another image over this reference.
            declared["image"] = f"{id_.rsplit(':', 1)[0]}@{digest}"
        return Observed(
            id_, observed(PushProperties, declared), _outputs(record, digest), name=record.name
        )

    async def update(self, id_: str, old: PushProperties, new: PushProperties) -> PushOutputs:
        refuse_replace_changes(PUSH, id_, old, new)
        found = await self.read(id_, new)
        if found is None:
            raise ProviderError("NOT_FOUND", f"{subject(TYPE, id_)} is not in the registry")
        for record in await self._keys(self.keys.by_id, TYPE, id_):
            await self._keys(
                self.keys.put, record.model_copy(update={"properties": new.recorded()})
            )
        return found.outputs

    async def delete(self, id_: str, props: PushProperties | None) -> None:
        for record in await self._keys(self.keys.by_id, TYPE, id_):
            await self._keys(self.keys.delete, record.key)

    async def list(
        self, idempotency_key: str | None = None
    ) -> builtins.list[Observed[PushProperties, PushOutputs]]:
        if idempotency_key is not None:
            record = await self._keys(self.keys.get, idempotency_key)
            records = [record] if record is not None and record.type == TYPE else []
        else:
            records = await self._keys(self.keys.all, TYPE)
        # From the records alone: asking the registry would need credentials list does not get
        # (read checks the registry).
        return [
            Observed(
                r.id,
                observed(PushProperties, r.properties),
                _outputs(r, str(r.outputs["digest"])),
                name=r.name,
            )
            for r in records
            if r.outputs.get("digest")  # else interrupted before the push finished: not made
        ]
