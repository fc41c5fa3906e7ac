"""The property and output models of ``docker:container``."""

from __future__ import annotations

import ipaddress
import posixpath
import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from . import _labels as labels
from ._model import (
    LABELS_DESCRIPTION,
    Model,
    Sparse,
    check_labels,
    check_relative_path,
    invalid,
    is_observed,
)

_MEMORY = re.compile(r"^([1-9][0-9]*)([bkmg]?)$")
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def memory_bytes(value: str) -> int:
    """``"64m"`` -> 67108864 (b, k, m, g: powers of 1024)."""
    match = _MEMORY.match(value)
    if match is None:
        raise ValueError(f"not a memory size: {value!r}")
    return int(match.group(1)) * _UNITS[match.group(2)]


def memory_text(size: int) -> str:
    """67108864 -> ``"64m"``: the largest unit that divides ``size`` exactly."""
    for unit in ("g", "m", "k"):
        if size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]}{unit}"
    return str(size)


class PortMapping(Sparse):
    """A container port published on the host."""

    container_port: int = Field(alias="containerPort", ge=1, le=65535, description="Port inside.")
    host_port: int | None = Field(
        default=None,
        alias="hostPort",
        ge=1,
        le=65535,
        description="Port on the host (default: the engine picks a free one).",
    )
    protocol: Literal["tcp", "udp"] = Field(default="tcp", description="tcp or udp.")
    host_ip: str = Field(
        default="127.0.0.1",
        alias="hostIp",
        description="Host address to publish on (default 127.0.0.1: this machine only).",
    )

    @field_validator("host_ip")
    @classmethod
    def _ip(cls, value: str, info: ValidationInfo) -> str:
        if is_observed(info) or value == "":
            return value
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise invalid(f"'{value}' is not an IP address") from None
        return value


class VolumeMount(Sparse):
    """A named volume or a project directory mounted into the container."""

    source: str = Field(
        min_length=1,
        description="type volume: the volume's name; type bind: a path relative to the "
        "project directory (confined to it).",
    )
    target: str = Field(min_length=1, description="Absolute path inside the container.")
    type: Literal["volume", "bind"] = Field(default="volume", description="volume or bind.")
    read_only: bool = Field(default=False, alias="readOnly", description="Mount read-only.")

    @field_validator("target")
    @classmethod
    def _absolute(cls, value: str, info: ValidationInfo) -> str:
        if not is_observed(info) and not posixpath.isabs(value):
            raise invalid(f"'{value}' must be an absolute path inside the container")
        return value

    @model_validator(mode="after")
    def _source(self, info: ValidationInfo) -> VolumeMount:
        if is_observed(info):
            return self
        if self.type == "bind":
            check_relative_path(self.source, info)
        elif not re.match(labels.NAME_PATTERN, self.source):
            raise invalid(f"'{self.source}' is not a volume name (letters, digits, _ . -)")
        return self


class NetworkAttachment(Sparse):
    """A user-defined network the container joins."""

    name: str = Field(min_length=1, description="The network's name.")
    aliases: list[str] = Field(
        default_factory=list, description="Extra DNS names of the container on this network."
    )
    ipv4_address: str | None = Field(
        default=None,
        alias="ipv4Address",
        description="A fixed address (the network needs an explicit subnet).",
    )

    @field_validator("ipv4_address")
    @classmethod
    def _ipv4(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or is_observed(info):
            return value
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            raise invalid(f"'{value}' is not an IPv4 address") from None
        return value


class Healthcheck(Sparse):
    """How the engine checks the container's health (times in seconds)."""

    test: list[str] = Field(
        min_length=1,
        description='["CMD", program, args...], ["CMD-SHELL", "command"] or ["NONE"].',
    )
    interval: float | None = Field(default=None, gt=0, description="Seconds between checks.")
    timeout: float | None = Field(default=None, gt=0, description="Seconds a check may take.")
    retries: int | None = Field(default=None, ge=0, description="Failures before unhealthy.")
    start_period: float | None = Field(
        default=None, alias="startPeriod", gt=0, description="Seconds of grace after start."
    )

    @field_validator("test")
    @classmethod
    def _kind(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if not is_observed(info) and value[0] not in ("CMD", "CMD-SHELL", "NONE"):
            raise invalid("the first item must be CMD, CMD-SHELL or NONE")
        return value


RestartPolicy = Literal["no", "always", "unless-stopped", "on-failure"]


class ContainerProperties(Model):
    """Properties of ``docker:container``."""

    image: str = Field(
        min_length=1,
        description="Image name or id; it must already be in the engine (nothing is pulled "
        "implicitly).",
    )
    name: str | None = Field(
        default=None,
        pattern=labels.NAME_PATTERN,
        description="Container name (default: the resource name and 8 hex digits of its "
        "idempotency key).",
    )
    command: list[str] | None = Field(
        default=None, description="argv replacing the image's CMD (default: the image's)."
    )
    entrypoint: list[str] | None = Field(
        default=None, description="argv replacing the image's ENTRYPOINT (default: the image's)."
    )
    env: dict[str, str] = Field(
        default_factory=dict, description="Environment variables (secret: values are redacted)."
    )
    ports: list[PortMapping] = Field(default_factory=list, description="Published ports.")
    volumes: list[VolumeMount] = Field(default_factory=list, description="Mounts.")
    networks: list[NetworkAttachment] = Field(
        default_factory=list,
        description="User-defined networks to join; the first is the primary one.",
    )
    network_mode: Literal["none", "host", "bridge"] | None = Field(
        default=None,
        alias="networkMode",
        description="none, host or bridge instead of networks (with --bridge=none, only none "
        "and host work).",
    )
    restart_policy: RestartPolicy = Field(
        default="no", alias="restartPolicy", description="When the engine restarts it."
    )
    labels: dict[str, str] = Field(default_factory=dict, description=LABELS_DESCRIPTION)
    healthcheck: Healthcheck | None = Field(
        default=None, description="Health check (default: the image's, if any)."
    )
    memory: str | None = Field(
        default=None,
        description='Memory limit, swap included: a number with unit b, k, m or g ("64m"); '
        "at least 6m.",
    )
    running: bool = Field(default=True, description="Whether the container runs.")

    _labels = field_validator("labels")(check_labels)

    @field_validator("memory")
    @classmethod
    def _memory(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not is_observed(info) and _MEMORY.match(value) is None:
            raise invalid(
                f"'{value}' is not a memory size: a whole number with an optional unit "
                'b, k, m or g, like "64m" (quote it in YAML)'
            )
        return value

    @field_validator("env")
    @classmethod
    def _env(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        if is_observed(info):
            return value
        bad = sorted(k for k in value if not k or "=" in k)
        if bad:
            raise invalid(f"variable names must be non-empty and contain no '=': {bad}")
        return value

    @model_validator(mode="after")
    def _network_choice(self, info: ValidationInfo) -> ContainerProperties:
        if is_observed(info):
            return self
        if self.network_mode is not None and self.networks:
            raise invalid(
                "give either networkMode or networks, not both (networks are user-defined "
                "networks; networkMode is none, host or bridge)"
            )
        if self.network_mode in ("none", "host") and self.ports:
            raise invalid(
                f"ports cannot be published with networkMode {self.network_mode}; join a "
                "network (networks) or use networkMode host without ports"
            )
        return self


class ContainerOutputs(Model):
    """Outputs of ``docker:container``."""

    id: str = Field(description="The container's id.")
    name: str = Field(description="The container's name.")
    ip_address: str = Field(
        alias="ipAddress",
        description="Address on the primary network; 127.0.0.1 with networkMode host; '' "
        "with none or while stopped.",
    )
    exposed_port: int | None = Field(
        alias="exposedPort",
        description="Host port of the first published port (null without ports or while stopped).",
    )
    status: str = Field(description="created, running, exited, ...")
    health: str = Field(description="starting, healthy, unhealthy, or none without a check.")
