"""``docker:volume``: a named volume."""

from __future__ import annotations

import builtins
from typing import Any

from docker.errors import NotFound
from pydantic import Field, field_validator

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from . import _labels as labels
from ._base import refuse_replace_changes, subject
from ._engine import Engine
from ._model import LABELS_DESCRIPTION, Model, check_labels, observed

TYPE = "docker:volume"


class VolumeProperties(Model):
    """Properties of ``docker:volume``."""

    name: str | None = Field(
        default=None,
        pattern=labels.NAME_PATTERN,
        description="The volume's name (default: the resource name and 8 hex digits of its "
        "idempotency key).",
    )
    driver: str = Field(default="local", min_length=1, description="Volume driver.")
    driver_opts: dict[str, str] = Field(
        default_factory=dict, alias="driverOpts", description="Options for the driver."
    )
    labels: dict[str, str] = Field(default_factory=dict, description=LABELS_DESCRIPTION)

    _labels = field_validator("labels")(check_labels)


class VolumeOutputs(Model):
    """Outputs of ``docker:volume``."""

    id: str = Field(description="The volume's name (Docker's id of a volume).")
    name: str = Field(description="The volume's name.")
    driver: str = Field(description="Volume driver.")
    mountpoint: str = Field(description="Where the engine keeps the volume's data.")


VOLUME = TypeSpec(
    type=TYPE,
    description="A named Docker volume.",
    properties=VolumeProperties,
    outputs=VolumeOutputs,
    replace_on_changes=("name", "driver", "driverOpts", "labels"),
    delete_before_replace=True,
    examples=(
        Example(
            properties={"labels": {"app": "demo"}},
            description="A local volume named after the resource.",
        ),
    ),
)


def _observe(
    volume: Any, hint: VolumeProperties | None
) -> Observed[VolumeProperties, VolumeOutputs]:
    attrs = volume.attrs
    found_labels = attrs.get("Labels") or {}
    name = attrs["Name"]
    derived = labels.derived_name(found_labels)
    declared_default = hint is None or hint.name is None
    props = observed(
        VolumeProperties,
        {
            "name": None if (name == derived and declared_default) else name,
            "driver": attrs.get("Driver") or "local",
            "driverOpts": attrs.get("Options") or {},
            "labels": labels.user_labels(found_labels),
        },
    )
    outputs = VolumeOutputs(
        id=name, name=name, driver=props.driver, mountpoint=attrs.get("Mountpoint") or ""
    )
    return Observed(name, props, outputs, name=found_labels.get(labels.NAME, ""))


class VolumeHandler:
    """Creates, reads, deletes and lists volumes (a volume never changes in place)."""

    spec = VOLUME

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def create(self, ctx: CreateContext, props: VolumeProperties) -> Created[VolumeOutputs]:
        key = ctx.idempotency_key
        for item in await self.list(key):
            return Created(item.id, item.outputs)
        name = props.name or labels.default_name(ctx.name, key)
        what = subject(TYPE, name)

        def make(client: Any) -> Any:
            try:
                existing = client.volumes.get(name)
            except NotFound:
                existing = None
            if existing is not None:
                # The engine would hand back the existing volume as if it were new.
                raise ProviderError(
                    "CONFLICT",
                    f"{what} already exists and was not made by this resource; import it, "
                    "remove it, or choose another name",
                )
            return client.volumes.create(
                name=name,
                driver=props.driver,
                driver_opts=props.driver_opts,
                labels={**props.labels, **labels.ours(TYPE, ctx)},
            )

        volume = await self.engine.run(make, subject=what)
        found = _observe(volume, props)
        return Created(found.id, found.outputs)

    async def read(
        self, id_: str, props: VolumeProperties | None
    ) -> Observed[VolumeProperties, VolumeOutputs] | None:
        def get(client: Any) -> Any:
            try:
                return client.volumes.get(id_)
            except NotFound:
                return None

        volume = await self.engine.run(get, subject=subject(TYPE, id_))
        return None if volume is None else _observe(volume, props)

    async def update(self, id_: str, old: VolumeProperties, new: VolumeProperties) -> VolumeOutputs:
        refuse_replace_changes(VOLUME, id_, old, new)
        found = await self.read(id_, new)
        if found is None:
            raise ProviderError("NOT_FOUND", f"{subject(TYPE, id_)} does not exist")
        return found.outputs

    async def delete(self, id_: str, props: VolumeProperties | None) -> None:
        def remove(client: Any) -> None:
            try:
                client.volumes.get(id_).remove()
            except NotFound:
                return

        await self.engine.run(remove, subject=subject(TYPE, id_))

    async def list(
        self, idempotency_key: str | None = None
    ) -> builtins.list[Observed[VolumeProperties, VolumeOutputs]]:
        def find(client: Any) -> builtins.list[Any]:
            found = client.volumes.list(filters=labels.label_filter(TYPE, idempotency_key))
            return [
                v for v in found if labels.made_by(v.attrs.get("Labels"), TYPE, idempotency_key)
            ]

        volumes = await self.engine.run(find, subject=f"{TYPE} list")
        return [_observe(v, None) for v in volumes]
