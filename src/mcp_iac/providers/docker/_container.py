"""``docker:container``: a container, created, started and kept as declared.

Containers are mostly immutable: what the engine can change in place (restart policy, memory
limit, running or stopped) is updated; everything else replaces the container (delete first:
names and host ports would collide otherwise).
"""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

from docker.errors import ImageNotFound, NotFound
from docker.types import Mount

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from . import _labels as labels
from ._base import refuse_replace_changes, subject
from ._container_models import (
    ContainerOutputs,
    ContainerProperties,
    Healthcheck,
    NetworkAttachment,
    PortMapping,
    VolumeMount,
    memory_bytes,
    memory_text,
)
from ._engine import Engine
from ._model import observed
from ._paths import confine

TYPE = "docker:container"
_NS = 1_000_000_000

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


def _ordered(actual: list[Any], hinted: list[Any] | None) -> list[Any]:
    """``actual`` in the declared order when it holds the same items, else as found."""
    if hinted is not None and sorted(map(repr, actual)) == sorted(map(repr, hinted)):
        return list(hinted)
    return actual


def _healthcheck(raw: dict[str, Any] | None) -> Healthcheck | None:
    if not raw or not raw.get("Test"):
        return None

    def seconds(field: str) -> float | None:
        value = raw.get(field) or 0
        return value / _NS if value else None

    return observed(
        Healthcheck,
        {
            "test": raw["Test"],
            "interval": seconds("Interval"),
            "timeout": seconds("Timeout"),
            "retries": raw.get("Retries") or None,
            "startPeriod": seconds("StartPeriod"),
        },
    )


def _env_dict(items: list[str] | None) -> dict[str, str]:
    pairs = (item.partition("=") for item in items or [])
    return {k: v for k, _, v in pairs}


def _ports(host_config: dict[str, Any]) -> list[PortMapping]:
    found: list[PortMapping] = []
    for spec, bindings in sorted((host_config.get("PortBindings") or {}).items()):
        port, _, protocol = spec.partition("/")
        for binding in bindings or [{}]:
            host_port = (binding or {}).get("HostPort") or ""
            found.append(
                observed(
                    PortMapping,
                    {
                        "containerPort": int(port),
                        "protocol": protocol or "tcp",
                        "hostIp": (binding or {}).get("HostIp", ""),
                        "hostPort": int(host_port) if host_port else None,
                    },
                )
            )
    return found


def _mounts(host_config: dict[str, Any], project: Path) -> list[VolumeMount]:
    real_project = os.path.realpath(project)
    found: list[VolumeMount] = []
    for mount in host_config.get("Mounts") or []:
        source = mount.get("Source", "")
        if mount.get("Type") == "bind":
            relative = os.path.relpath(source, real_project)
            source = source if relative.startswith("..") else relative
        found.append(
            observed(
                VolumeMount,
                {
                    "source": source,
                    "target": mount.get("Target", ""),
                    "type": mount.get("Type", "volume"),
                    "readOnly": bool(mount.get("ReadOnly")),
                },
            )
        )
    return found


def _networks(attrs: dict[str, Any]) -> tuple[str | None, list[NetworkAttachment]]:
    mode = attrs["HostConfig"].get("NetworkMode") or "default"
    if mode in ("none", "host", "bridge"):
        return mode, []
    if mode == "default":
        return None, []
    endpoints = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
    short_id = attrs["Id"][:12]
    attached = []
    # The primary network (the one the container was created on) comes first.
    for name in sorted(endpoints, key=lambda n: (n != mode, n)):
        endpoint = endpoints[name] or {}
        ipam = endpoint.get("IPAMConfig") or {}
        aliases = [a for a in endpoint.get("Aliases") or [] if a != short_id]
        attached.append(
            observed(
                NetworkAttachment,
                {"name": name, "aliases": aliases, "ipv4Address": ipam.get("IPv4Address") or None},
            )
        )
    return None, attached


def _observe(
    attrs: dict[str, Any],
    image_config: dict[str, Any],
    hint: ContainerProperties | None,
    project: Path,
) -> Observed[ContainerProperties, ContainerOutputs]:
    config = attrs.get("Config") or {}
    host = attrs.get("HostConfig") or {}
    state = attrs.get("State") or {}
    found_labels = config.get("Labels") or {}
    image_labels = image_config.get("Labels") or {}
    image_env = _env_dict(image_config.get("Env"))
    name = attrs["Name"].lstrip("/")

    def inherited(actual: Any, from_image: Any, declared: Any) -> Any:
        # What the container got from its image reads as "not given", unless declared so.
        if actual is None or (declared is None and actual == from_image):
            return None
        return actual

    hinted_env = hint.env if hint else {}
    env = {
        k: v
        for k, v in _env_dict(config.get("Env")).items()
        if k in hinted_env or image_env.get(k) != v
    }
    hinted_labels = hint.labels if hint else {}
    user = {
        k: v
        for k, v in labels.user_labels(found_labels).items()
        if k in hinted_labels or image_labels.get(k) != v
    }
    memory = host.get("Memory") or 0
    memory_out = None
    if memory:
        memory_out = memory_text(memory)
        if hint and hint.memory and memory_bytes(hint.memory) == memory:
            memory_out = hint.memory
    mode, networks = _networks(attrs)
    image_health = _healthcheck(image_config.get("Healthcheck"))
    health = _healthcheck(config.get("Healthcheck"))
    ports = _ordered(_ports(host), hint.ports if hint else None)
    props = observed(
        ContainerProperties,
        {
            "image": config.get("Image") or attrs.get("Image", ""),
            "name": None
            if name == labels.derived_name(found_labels) and (hint is None or hint.name is None)
            else name,
            "command": inherited(config.get("Cmd"), image_config.get("Cmd"), hint and hint.command),
            "entrypoint": inherited(
                config.get("Entrypoint"),
                image_config.get("Entrypoint"),
                hint and hint.entrypoint,
            ),
            "env": env,
            "ports": [p.model_dump(by_alias=True) for p in ports],
            "volumes": [m.model_dump(by_alias=True) for m in _mounts(host, project)],
            "networks": [
                n.model_dump(by_alias=True)
                for n in _ordered(networks, hint.networks if hint else None)
            ],
            "networkMode": mode,
            "restartPolicy": (host.get("RestartPolicy") or {}).get("Name") or "no",
            "labels": user,
            "healthcheck": None
            if health is None or (health == image_health and (hint is None or not hint.healthcheck))
            else health.model_dump(by_alias=True),
            "memory": memory_out,
            "running": bool(state.get("Running")),
        },
    )
    return Observed(
        attrs["Id"],
        props,
        _outputs(attrs, props),
        name=found_labels.get(labels.NAME, ""),
    )


def _outputs(attrs: dict[str, Any], props: ContainerProperties) -> ContainerOutputs:
    state = attrs.get("State") or {}
    settings = attrs.get("NetworkSettings") or {}
    running = bool(state.get("Running"))
    ip = ""
    if props.network_mode == "host":
        ip = "127.0.0.1"
    elif running:
        endpoints = settings.get("Networks") or {}
        primary = props.networks[0].name if props.networks else props.network_mode or "bridge"
        ip = (endpoints.get(primary) or {}).get("IPAddress") or ""
    exposed = None
    if props.ports and running:
        first = props.ports[0]
        published = (settings.get("Ports") or {}).get(f"{first.container_port}/{first.protocol}")
        for binding in published or []:
            if binding.get("HostPort"):
                exposed = int(binding["HostPort"])
                break
    return ContainerOutputs.model_validate(
        {
            "id": attrs["Id"],
            "name": attrs["Name"].lstrip("/"),
            "ipAddress": ip,
            "exposedPort": exposed,
            "status": state.get("Status") or "",
            "health": (state.get("Health") or {}).get("Status") or "none",
        }
    )


def _inspect(client: Any, id_: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The container's and its image's attributes, or None when there is no such container."""
    try:
        attrs: dict[str, Any] = client.api.inspect_container(id_)
    except NotFound:
        return None
    if id_ not in (attrs["Id"], attrs["Name"].lstrip("/")):
        return None  # an id prefix: not the object asked for
    try:
        image_config = client.api.inspect_image(attrs["Image"]).get("Config") or {}
    except ImageNotFound:
        image_config = {}
    return attrs, image_config


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
                "interval": int(check.interval * _NS) if check.interval else None,
                "timeout": int(check.timeout * _NS) if check.timeout else None,
                "retries": check.retries,
                "start_period": int(check.start_period * _NS) if check.start_period else None,
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
        found = await self.engine.run(_inspect, id_, subject=subject(TYPE, id_))
        if found is None:
            return None
        attrs, image_config = found
        return _observe(attrs, image_config, props, self.project)

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
            if _inspect(client, id_) is None:
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
                inspected = _inspect(client, summary["Id"])
                if inspected is not None:
                    found.append(inspected)
            return found

        found = await self.engine.run(find, subject=f"{TYPE} list")
        return [_observe(attrs, image, None, self.project) for attrs, image in found]
