"""Reading a container back: its properties as declared, from what the engine reports.

The engine reports a container with everything its image gave it (command, environment,
labels, health check). Those read as "not given" unless the declaration gave them, so that an
unchanged container compares equal to its declaration and a real change shows as drift.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from docker.errors import ImageNotFound, NotFound

from mcp_iac.sdk import Observed

from . import _labels as labels
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
from ._model import Sparse, observed, shaped

S = TypeVar("S", bound=Sparse)

NS = 1_000_000_000
"""Nanoseconds per second (the engine's unit of health-check times)."""


def _matched(
    found: list[dict[str, Any]],
    hints: Sequence[S],
    model: type[S],
    identity: Callable[[Mapping[str, Any]], Any],
) -> list[S]:
    """Items read back, each shaped like the declared item it corresponds to (same
    ``identity``), in the declared order when every declared item was found."""
    unused = [(i, h, identity(h.model_dump(by_alias=True))) for i, h in enumerate(hints)]
    pairs: list[tuple[int, S]] = []
    for raw in found:
        match = next((u for u in unused if u[2] == identity(raw)), None)
        if match is not None:
            unused.remove(match)
        position = match[0] if match is not None else len(hints) + len(pairs)
        pairs.append((position, shaped(model, raw, match[1] if match is not None else None)))
    if not unused:
        pairs.sort(key=lambda pair: pair[0])
    return [item for _, item in pairs]


def _healthcheck(raw: dict[str, Any] | None, hint: Healthcheck | None) -> Healthcheck | None:
    if not raw or not raw.get("Test"):
        return None

    def seconds(field: str) -> float | None:
        value = raw.get(field) or 0
        return value / NS if value else None

    found = {
        "test": raw["Test"],
        "interval": seconds("Interval"),
        "timeout": seconds("Timeout"),
        "retries": raw.get("Retries") or None,
        "startPeriod": seconds("StartPeriod"),
    }
    return shaped(Healthcheck, found, hint)


def _env_dict(items: list[str] | None) -> dict[str, str]:
    pairs = (item.partition("=") for item in items or [])
    return {k: v for k, _, v in pairs}


def _ports(host_config: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for spec, bindings in sorted((host_config.get("PortBindings") or {}).items()):
        port, _, protocol = spec.partition("/")
        for binding in bindings or [{}]:
            host_port = (binding or {}).get("HostPort") or ""
            found.append(
                {
                    "containerPort": int(port),
                    "protocol": protocol or "tcp",
                    "hostIp": (binding or {}).get("HostIp", ""),
                    "hostPort": int(host_port) if host_port else None,
                }
            )
    return found


def _port_identity(item: Mapping[str, Any]) -> Any:
    return (item.get("containerPort"), item.get("protocol", "tcp"))


def _mounts(host_config: dict[str, Any], project: Path) -> list[dict[str, Any]]:
    real_project = os.path.realpath(project)
    found: list[dict[str, Any]] = []
    for mount in host_config.get("Mounts") or []:
        source = mount.get("Source", "")
        if mount.get("Type") == "bind":
            relative = os.path.relpath(source, real_project)
            source = source if relative.startswith("..") else relative
        found.append(
            {
                "source": source,
                "target": mount.get("Target", ""),
                "type": mount.get("Type", "volume"),
                "readOnly": bool(mount.get("ReadOnly")),
            }
        )
    return found


def _networks(attrs: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]]]:
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
            {"name": name, "aliases": aliases, "ipv4Address": ipam.get("IPv4Address") or None}
        )
    return None, attached


def observe_container(
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
    hinted_health = hint.healthcheck if hint else None
    image_health = _healthcheck(image_config.get("Healthcheck"), hinted_health)
    health = _healthcheck(config.get("Healthcheck"), hinted_health)
    ports = _matched(_ports(host), hint.ports if hint else [], PortMapping, _port_identity)
    mounts = _matched(
        _mounts(host, project),
        hint.volumes if hint else [],
        VolumeMount,
        lambda m: m.get("target"),
    )
    attached = _matched(
        networks, hint.networks if hint else [], NetworkAttachment, lambda n: n.get("name")
    )
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
            "volumes": [m.model_dump(by_alias=True) for m in mounts],
            "networks": [n.model_dump(by_alias=True) for n in attached],
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
        outputs(attrs, props),
        name=found_labels.get(labels.NAME, ""),
    )


def outputs(attrs: dict[str, Any], props: ContainerProperties) -> ContainerOutputs:
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


def inspect_container(client: Any, id_: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
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
