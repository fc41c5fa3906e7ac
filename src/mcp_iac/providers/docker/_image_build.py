"""``docker:image:build``: an image built from a context directory inside the project.

The classic builder builds it (BuildKit is not used). The build context and the Dockerfile are
confined to the project directory: absolute paths, ``..`` escapes and symlinks leading out of
it are rejected. The image carries the provider's labels, so the idempotency key finds it;
because labels are part of the image, every build resource makes its own image id. What the
image was built from (context, Dockerfile, build args, target, labels) is recorded in the label
``mcp-iac.build`` and read back from it; only ``tags`` can drift (tags can be moved or removed
outside mcp-iac), and only ``tags`` change in place.
"""

from __future__ import annotations

import builtins
import json
import os
import re
from typing import Any

from docker.errors import ImageNotFound, NotFound
from pydantic import Field, JsonValue, ValidationInfo, field_validator

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from . import _labels as labels
from ._base import dump, refuse_replace_changes, subject
from ._engine import Engine
from ._model import (
    LABELS_DESCRIPTION,
    Model,
    check_labels,
    check_relative_path,
    invalid,
    is_observed,
    observed,
)
from ._paths import confine
from ._stream import built_image

TYPE = "docker:image:build"
BUILD_LABEL = "mcp-iac.build"

TAG_PATTERN = re.compile(
    r"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*"
    r"(:[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})?$"
)
"""An image reference with an optional tag (what ``docker tag`` accepts; no digest)."""


def split_tag(reference: str) -> tuple[str, str]:
    """``repo[:tag]`` -> (repo, tag), tag ``latest`` when absent (a ``host:port`` is no tag)."""
    repository, _, tag = reference.rpartition(":")
    if not repository or "/" in tag:
        return reference, "latest"
    return repository, tag


def normalized(reference: str) -> str:
    """``app`` -> ``app:latest``: how the engine lists a tag."""
    repository, tag = split_tag(reference)
    return f"{repository}:{tag}"


class BuildProperties(Model):
    """Properties of ``docker:image:build``."""

    context: str = Field(
        default=".",
        description="Build context directory, relative to the project directory (it must "
        "stay inside it).",
    )
    dockerfile: str = Field(
        default="Dockerfile", description="The Dockerfile, relative to the context (inside it)."
    )
    build_args: dict[str, str] = Field(
        default_factory=dict,
        alias="buildArgs",
        description="Build arguments (ARG). They are recorded in the image: never secrets.",
    )
    target: str | None = Field(default=None, description="The stage of a multi-stage build.")
    tags: list[str] = Field(
        default_factory=list, description='Tags to give the image, e.g. ["web:1.2"].'
    )
    labels: dict[str, str] = Field(default_factory=dict, description=LABELS_DESCRIPTION)
    triggers_replace: JsonValue = Field(
        default=None,
        alias="triggersReplace",
        description="Any JSON value; a change rebuilds the image (e.g. a version, or a hash "
        "of the sources: a changed file alone does not trigger a rebuild).",
    )

    _labels = field_validator("labels")(check_labels)
    _paths = field_validator("context", "dockerfile")(check_relative_path)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if is_observed(info):
            return value
        bad = [t for t in value if not TAG_PATTERN.match(t)]
        if bad:
            raise invalid(
                f"not image tags: {bad}; a tag is a lowercase repository name with an "
                "optional :tag, like web:1.2 or 127.0.0.1:5000/team/web:1.2"
            )
        if len({normalized(t) for t in value}) != len(value):
            raise invalid("a tag is listed twice")
        return value

    def recorded(self) -> dict[str, Any]:
        """What the ``mcp-iac.build`` label keeps: every property but ``tags``."""
        return {k: v for k, v in dump(self).items() if k != "tags"}


class BuildOutputs(Model):
    """Outputs of ``docker:image:build``."""

    id: str = Field(description="The image id (sha256:...); usable as a container's image.")
    tag: str = Field(description="The first tag ('' without tags).")
    tags: list[str] = Field(description="The declared tags that name the image now.")
    size: int = Field(description="Image size in bytes.")


BUILD = TypeSpec(
    type=TYPE,
    description="An image built with the classic builder from a context inside the project.",
    properties=BuildProperties,
    outputs=BuildOutputs,
    replace_on_changes=(
        "context",
        "dockerfile",
        "buildArgs",
        "target",
        "labels",
        "triggersReplace",
    ),
    examples=(
        Example(
            properties={"context": "app", "tags": ["web:1"]},
            update={"context": "app", "tags": ["web:1", "web:latest"]},
            description="The image of ./app/Dockerfile, tagged web:1, then also web:latest.",
        ),
    ),
)


def _observe(
    image: dict[str, Any], hint: BuildProperties | None
) -> Observed[BuildProperties, BuildOutputs]:
    config = image.get("Config") or {}
    found_labels = config.get("Labels") or {}
    try:
        recorded = json.loads(found_labels.get(BUILD_LABEL, "{}"))
    except ValueError:
        recorded = {}
    repo_tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
    declared = hint.tags if hint else []
    # Declared spellings first ("web" for "web:latest"), then tags added outside mcp-iac.
    tags = [t for t in declared if normalized(t) in repo_tags]
    spelled = {normalized(t) for t in tags}
    tags += [t for t in repo_tags if t not in spelled]
    props = observed(BuildProperties, {**recorded, "tags": tags})
    outputs = BuildOutputs(
        id=image["Id"], tag=tags[0] if tags else "", tags=tags, size=int(image.get("Size") or 0)
    )
    return Observed(image["Id"], props, outputs, name=found_labels.get(labels.NAME, ""))


def _inspect(client: Any, id_: str) -> dict[str, Any] | None:
    try:
        image: dict[str, Any] = client.api.inspect_image(id_)
    except ImageNotFound:
        return None
    return image if image["Id"] == id_ or id_ in (image.get("RepoTags") or []) else None


def _retag(client: Any, image_id: str, old: list[str], new: list[str]) -> None:
    """Give ``image_id`` the tags ``new``, removing the ones of ``old`` no longer wanted (only
    where they still name this image)."""
    wanted = {normalized(t) for t in new}
    if not new and old:
        image = _inspect(client, image_id)
        left = set((image or {}).get("RepoTags") or []) - {normalized(t) for t in old}
        if not left:
            raise ProviderError(
                "VALIDATION",
                f"{subject(TYPE, image_id)}: removing its last tag would delete the image "
                "(the engine deletes an image with its last name); keep a tag, or replace "
                "the resource (change triggersReplace)",
                details=[{"path": "tags", "message": "cannot become empty in place"}],
            )
    for tag in new:
        repository, version = split_tag(tag)
        client.api.tag(image_id, repository, version, force=True)
    for tag in old:
        full = normalized(tag)
        if full in wanted:
            continue
        current = _inspect(client, full)
        if current is not None and current["Id"] == image_id:
            client.api.remove_image(full, noprune=True)


def _without_heirs(client: Any, images: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop images that only inherited the provider's labels: an image built elsewhere FROM one
    of ours carries our labels too, and has that image among its ancestors."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for image in images:
        key = ((image.get("Config") or {}).get("Labels") or {}).get(labels.KEY, "")
        by_key.setdefault(key, []).append(image)
    kept: list[dict[str, Any]] = []
    for group in by_key.values():
        if len(group) == 1:
            kept.extend(group)
            continue
        ids = {i["Id"] for i in group}
        for image in group:
            ancestors = {h.get("Id") for h in client.api.history(image["Id"])[1:]}
            if not ancestors & ids:
                kept.append(image)
    return kept


class BuildHandler:
    """Builds, reads, retags, deletes and lists images."""

    spec = BUILD

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.project = engine.settings.project_path

    async def create(self, ctx: CreateContext, props: BuildProperties) -> Created[BuildOutputs]:
        key = ctx.idempotency_key
        what = subject(TYPE, ctx.name)
        for item in await self.list(key):
            # Built by an earlier attempt with this key: it may not have tagged it yet.
            await self.engine.run(_retag, item.id, [], props.tags, subject=what)
            return Created(item.id, await self._outputs(item.id, props))
        context = confine(self.project, props.context, subject=what, path="context", kind="dir")
        dockerfile = confine(
            context, props.dockerfile, subject=what, path="dockerfile", kind="file"
        )
        build_labels = {
            **props.labels,
            **labels.ours(TYPE, ctx),
            BUILD_LABEL: json.dumps(props.recorded(), sort_keys=True),
        }

        def build(client: Any) -> str:
            stream = client.api.build(
                path=str(context),
                dockerfile=os.path.relpath(dockerfile, context),
                buildargs=props.build_args or None,
                target=props.target,
                labels=build_labels,
                rm=True,
                forcerm=True,
                decode=True,
                timeout=int(self.engine.settings.build_timeout),
            )
            image_id = str(client.api.inspect_image(built_image(stream, what))["Id"])
            try:
                _retag(client, image_id, [], props.tags)
            except BaseException:
                # A failed create leaves nothing behind (cached layers are the builder's).
                client.api.remove_image(image_id, force=True)
                raise
            return image_id

        image_id = await self.engine.run(build, subject=what, long=True, missing_image="VALIDATION")
        return Created(image_id, await self._outputs(image_id, props))

    async def _outputs(self, id_: str, props: BuildProperties) -> BuildOutputs:
        found = await self.read(id_, props)
        if found is None:
            raise ProviderError(
                "CONFLICT", f"{subject(TYPE, id_)} was removed by someone else meanwhile"
            )
        return found.outputs

    async def read(
        self, id_: str, props: BuildProperties | None
    ) -> Observed[BuildProperties, BuildOutputs] | None:
        image = await self.engine.run(_inspect, id_, subject=subject(TYPE, id_))
        return None if image is None else _observe(image, props)

    async def update(self, id_: str, old: BuildProperties, new: BuildProperties) -> BuildOutputs:
        refuse_replace_changes(BUILD, id_, old, new)
        what = subject(TYPE, id_)
        current = await self.read(id_, old)
        if current is None:
            raise ProviderError("NOT_FOUND", f"{what} does not exist")
        await self.engine.run(_retag, id_, current.properties.tags, new.tags, subject=what)
        return await self._outputs(id_, new)

    async def delete(self, id_: str, props: BuildProperties | None) -> None:
        what = subject(TYPE, id_)

        def remove(client: Any) -> None:
            image = _inspect(client, id_)
            if image is None:
                return
            users = [
                c["Names"][0].lstrip("/") if c.get("Names") else c["Id"][:12]
                for c in client.api.containers(all=True, filters={"ancestor": image["Id"]})
                if c.get("ImageID") == image["Id"]
            ]
            if users:
                raise ProviderError(
                    "CONFLICT",
                    f"{what} is used by container(s) {', '.join(users)}; remove them first",
                )
            try:
                client.api.remove_image(image["Id"], force=True)
            except NotFound:
                return

        await self.engine.run(remove, subject=what)

    async def list(
        self, idempotency_key: str | None = None
    ) -> builtins.list[Observed[BuildProperties, BuildOutputs]]:
        def find(client: Any) -> builtins.list[dict[str, Any]]:
            summaries = client.api.images(filters=labels.label_filter(TYPE, idempotency_key))
            found = []
            for summary in summaries:
                if labels.made_by(summary.get("Labels"), TYPE, idempotency_key):
                    image = _inspect(client, summary["Id"])
                    if image is not None:
                        found.append(image)
            return _without_heirs(client, found)

        images = await self.engine.run(find, subject=f"{TYPE} list")
        return [_observe(i, None) for i in images]
