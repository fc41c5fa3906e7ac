"""``docker:container``: a container, created, started and kept as declared.

Containers are mostly immutable: what the engine can change in place (restart policy, memory
limit, running or stopped) is updated; everything else replaces the container (delete first:
names and host ports would collide otherwise).
"""

from __future__ import annotations

import builtins
from typing import Any

from docker.errors import NotFound
from docker.types import Mount

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from . import _labels as labels
from ._base import refuse_replace_changes, subject
from ._container_models import ContainerOutputs, ContainerProperties, memory_bytes
from ._container_read import NS, inspect_container, observe_container
from ._engine import Engine
from ._paths import confine

TYPE = "docker:container"

CONTAINER = TypeSpec(
    type=TYPE,
    description="A Docker container, created from an image already in the engine and started.",
    properties=ContainerProperties,
    outputs=ContainerOutputs,
    replace_on_changes=(
        "image",
        "name",
        "command",
        "entrypoint",
        "env",
        "ports",
        "volumes",
        "networks",
        "networkMode",
        "labels",
        "healthcheck",
    ),
    secret_paths=("env",),
    delete_before_replace=True,
    examples=(
        Example(
            properties={
                "image": "local/busybox:1",
                "command": ["sleep", "3600"],
                "networkMode": "none",
                "env": {"GREETING": "hello"},
                "restartPolicy": "no",
                "memory": "64m",
            },
            update={
                "image": "local/busybox:1",
                "command": ["sleep", "3600"],
                "networkMode": "none",
                "env": {"GREETING": "hello"},
                "restartPolicy": "unless-stopped",
                "memory": "128m",
            },
            description="A busybox container without a network; restart policy and memory "
            "limit then changed in place.",
        ),
    ),
)


def _start(client: Any, id_: str) -> None:
    client.api.start(id_)


class ContainerHandler:
    """Creates, reads, updates, deletes and lists containers."""

    spec = CONTAINER

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.project = engine.settings.project_path

    def _create_args(self, props: ContainerProperties, what: str) -> dict[str, Any]:
        mounts = []
        for i, volume in enumerate(props.volumes):
            source = volume.source
            if volume.type == "bind":
                source = str(
                    confine(
                        self.project, source, subject=what, path=f"volumes[{i}].source", kind="any"
                    )
                )
            mounts.append(
                Mount(
                    target=volume.target,
                    source=source,
                    type=volume.type,
                    read_only=volume.read_only,
                )
            )
        ports: dict[str, list[tuple[str, int | None]]] = {}
        for port in props.ports:
            spec = f"{port.container_port}/{port.protocol}"
            ports.setdefault(spec, []).append((port.host_ip, port.host_port))
        args: dict[str, Any] = {
            "command": props.command,
            "entrypoint": props.entrypoint,
            "environment": dict(props.env),
            "ports": ports or None,
            "mounts": mounts,
            "restart_policy": {"Name": props.restart_policy}
            if props.restart_policy != "no"
            else None,
            "detach": True,
        }
        if props.memory is not None:
            args["mem_limit"] = args["memswap_limit"] = memory_bytes(props.memory)
        if props.healthcheck is not None:
            check = props.healthcheck
            args["healthcheck"] = {
                "test": check.test,
                "interval": int(check.interval * NS) if check.interval else None,
                "timeout": int(check.timeout * NS) if check.timeout else None,
                "retries": check.retries,
                "start_period": int(check.start_period * NS) if check.start_period else None,
            }
        if props.network_mode is not None:
            args["network_mode"] = props.network_mode
        return args

    @staticmethod
    def _check_inputs(client: Any, props: ContainerProperties, name: str, what: str) -> None:
        def invalid(path: str, message: str) -> ProviderError:
            return ProviderError(
                "VALIDATION",
                f"{what}: property '{path}': {message}",
                details=[{"path": path, "message": message}],
            )

        try:
            existing = client.api.inspect_container(name)
        except NotFound:
            existing = None
        if existing is not None and existing["Name"].lstrip("/") == name:
            raise ProviderError(
                "CONFLICT",
                f"{what}: a container named '{name}' already exists and was not made by this "
                "resource; remove it, import it, or choose another name",
            )
        for i, volume in enumerate(props.volumes):
            if volume.type != "volume":
                continue
            try:
                client.volumes.get(volume.source)
            except NotFound:
                raise invalid(
                    f"volumes[{i}].source",
                    f"volume '{volume.source}' does not exist; declare it as a docker:volume "
                    "(the engine would otherwise make an untracked one)",
                ) from None
        for i, attachment in enumerate(props.networks):
            if not any(
                n.name == attachment.name for n in client.networks.list(names=[attachment.name])
            ):
                raise invalid(
                    f"networks[{i}].name",
                    f"network '{attachment.name}' does not exist; declare it as a docker:network "
                    "and give its name output",
                )

    async def create(
        self, ctx: CreateContext, props: ContainerProperties
    ) -> Created[ContainerOutputs]:
        key = ctx.idempotency_key
        for item in await self.list(key):
            # Made by an earlier attempt with this key: finish what it may not have done.
            if props.running and not item.properties.running:
                await self.engine.run(_start, item.id, subject=subject(TYPE, item.id))
                return Created(item.id, await self._outputs(item.id, props))
            return Created(item.id, item.outputs)
        name = props.name or labels.default_name(ctx.name, key)
        what = subject(TYPE, name)
        args = self._create_args(props, what)
        args["labels"] = {**props.labels, **labels.ours(TYPE, ctx)}
        args["name"] = name

        def make(client: Any) -> str:
            self._check_inputs(client, props, name, what)
            first, others = (
                (props.networks[0], props.networks[1:]) if props.networks else (None, [])
            )
            if first is not None:
                args["network"] = first.name
                args["networking_config"] = {
                    first.name: client.api.create_endpoint_config(
                        aliases=first.aliases or None, ipv4_address=first.ipv4_address
                    )
                }
            container = client.containers.create(props.image, **args)
            try:
                for attachment in others:
                    client.api.connect_container_to_network(
                        container.id,
                        attachment.name,
                        aliases=attachment.aliases or None,
                        ipv4_address=attachment.ipv4_address,
                    )
                if props.running:
                    container.start()
            except BaseException:
                # A failed create leaves nothing behind.
                client.api.remove_container(container.id, v=True, force=True)
                raise
            return str(container.id)

        id_ = await self.engine.run(make, subject=what, missing_image="VALIDATION")
        return Created(id_, await self._outputs(id_, props))

    async def _outputs(self, id_: str, props: ContainerProperties) -> ContainerOutputs:
        found = await self.read(id_, props)
        if found is None:
            raise ProviderError(
                "CONFLICT", f"{subject(TYPE, id_)} was removed by someone else meanwhile"
            )
        return found.outputs

    async def read(
        self, id_: str, props: ContainerProperties | None
    ) -> Observed[ContainerProperties, ContainerOutputs] | None:
        found = await self.engine.run(inspect_container, id_, subject=subject(TYPE, id_))
        if found is None:
            return None
        attrs, image_config = found
        return observe_container(attrs, image_config, props, self.project)

    async def update(
        self, id_: str, old: ContainerProperties, new: ContainerProperties
    ) -> ContainerOutputs:
        refuse_replace_changes(CONTAINER, id_, old, new)
        what = subject(TYPE, id_)
        current = await self.read(id_, new)
        if current is None:
            raise ProviderError("NOT_FOUND", f"{what} does not exist")
        now = current.properties
        changes: dict[str, Any] = {}
        if now.restart_policy != new.restart_policy:
            changes["restart_policy"] = {"Name": new.restart_policy}
        if now.memory != new.memory:
            if new.memory is None:
                raise ProviderError(
                    "VALIDATION",
                    f"{what}: the engine cannot remove a memory limit in place; replace the "
                    "container (e.g. change its name or another replace-on-change property), "
                    "or give a larger limit",
                    details=[{"path": "memory", "message": "cannot be removed in place"}],
                )
            changes["mem_limit"] = changes["memswap_limit"] = memory_bytes(new.memory)

        def apply(client: Any) -> None:
            if changes:
                client.api.update_container(id_, **changes)
            if new.running and not now.running:
                client.api.start(id_)
            elif not new.running and now.running:
                client.api.stop(id_, timeout=self.engine.settings.stop_timeout)

        await self.engine.run(apply, subject=what)
        return await self._outputs(id_, new)

    async def delete(self, id_: str, props: ContainerProperties | None) -> None:
        stop_timeout = self.engine.settings.stop_timeout

        def remove(client: Any) -> None:
            if inspect_container(client, id_) is None:
                return
            try:
                client.api.stop(id_, timeout=stop_timeout)
                client.api.remove_container(id_, v=True, force=True)
            except NotFound:
                return

        await self.engine.run(remove, subject=subject(TYPE, id_))

    async def list(
        self, idempotency_key: str | None = None
    ) -> builtins.list[Observed[ContainerProperties, ContainerOutputs]]:
        def find(client: Any) -> builtins.list[tuple[dict[str, Any], dict[str, Any]]]:
            summaries = client.api.containers(
                all=True, filters=labels.label_filter(TYPE, idempotency_key)
            )
            found = []
            for summary in summaries:
                if not labels.made_by(summary.get("Labels"), TYPE, idempotency_key):
                    continue
                inspected = inspect_container(client, summary["Id"])
                if inspected is not None:
                    found.append(inspected)
            return found

        found = await self.engine.run(find, subject=f"{TYPE} list")
        return [observe_container(attrs, image, None, self.project) for attrs, image in found]
