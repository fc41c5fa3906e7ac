"""HAProxy (plugin ``os-haproxy``): ``opnsense:service:haproxy:server``, ``...:backend`` and
``...:frontend`` (Services → HAProxy → Settings → Real Servers / Backend Pools / Public
Services). A backend links servers by uuid, a frontend names its default backend by uuid:
reference the ``uuid`` outputs (``${opnsense:service:haproxy:server:web-1.uuid}``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator

from mcp_iac.sdk import Example, TypeSpec

from . import _values as v
from ._endpoints import HAPROXY_BACKEND, HAPROXY_FRONTEND, HAPROXY_SERVER
from ._handler import Model, RecordHandler, reported

_NAME = r"^[0-9A-Za-z._-]{1,255}$"


def _uuid_of(value: str, what: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError:
        raise ValueError(
            f"{value!r} is not a uuid; reference the {what}'s uuid output, e.g. "
            f"${{opnsense:service:haproxy:{what}:<name>.uuid}}"
        ) from None
    return value


# --- server ----------------------------------------------------------------------------------


class ServerProperties(Model):
    """Properties of ``opnsense:service:haproxy:server``."""

    name: str = Field(pattern=_NAME, description="Server name (letters, digits, . _ -).")
    address: str = Field(min_length=1, description="IP address or host name of the server.")
    port: int | None = Field(
        default=None, ge=1, le=65535, description="Port; none: the port the client used."
    )
    mode: Literal["active", "backup", "disabled"] = Field(
        default="active",
        description="active, backup (used when all active ones are down), disabled.",
    )
    weight: int | None = Field(default=None, ge=0, le=256, description="Load-balancing weight.")
    ssl: bool = Field(default=False, description="Speak TLS to the server.")
    ssl_verify: bool = Field(
        default=True, alias="sslVerify", description="Verify the server's certificate (with ssl)."
    )
    enabled: bool = Field(default=True, description="Whether the server is used.")
    description: str = Field(default="", max_length=255, description="Free text.")


class ServerOutputs(Model):
    """Outputs of ``opnsense:service:haproxy:server``."""

    uuid: str = Field(description="The server's uuid: what backends list in 'servers'.")
    name: str = Field(description="The server name.")


SERVER_TYPE = TypeSpec(
    type="opnsense:service:haproxy:server",
    description="An HAProxy real server (needs the os-haproxy plugin).",
    properties=ServerProperties,
    outputs=ServerOutputs,
    examples=(
        Example(
            properties={"name": "web-1", "address": "198.18.10.11", "port": 8080},
            update={"name": "web-1", "address": "198.18.10.11", "port": 8080, "weight": 50},
            description="A real server, then its weight set.",
        ),
    ),
)


class ServerHandler(RecordHandler[ServerProperties, ServerOutputs]):
    """HAProxy real servers."""

    spec = SERVER_TYPE
    component = HAPROXY_SERVER
    field_paths = {
        "name": "name",
        "address": "address",
        "port": "port",
        "mode": "mode",
        "weight": "weight",
        "ssl": "ssl",
        "sslVerify": "sslVerify",
        "enabled": "enabled",
        "description": "description",
    }
    equivalences = {"address": v.same_folded}

    def fields(self, props: ServerProperties) -> dict[str, Any]:
        return {
            "enabled": v.bit(props.enabled),
            "name": props.name,
            "description": props.description,
            "address": props.address,
            "port": v.number(props.port),
            "mode": props.mode,
            "type": "static",
            "weight": v.number(props.weight),
            "ssl": v.bit(props.ssl),
            "sslVerify": v.bit(props.ssl_verify),
        }

    def properties_of(self, record: Mapping[str, Any]) -> ServerProperties:
        return reported(
            ServerProperties,
            name=v.text(record.get("name")),
            address=v.text(record.get("address")),
            port=v.integer(record.get("port")),
            mode=v.one(record.get("mode")) or "active",
            weight=v.integer(record.get("weight")),
            ssl=v.flag(record.get("ssl")),
            ssl_verify=v.flag(record.get("sslVerify")),
            enabled=v.flag(record.get("enabled")),
            description=v.text(record.get("description")),
        )

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> ServerOutputs:
        return ServerOutputs(uuid=uuid_, name=v.text(record.get("name")))


# --- backend ---------------------------------------------------------------------------------


class BackendProperties(Model):
    """Properties of ``opnsense:service:haproxy:backend``."""

    name: str = Field(pattern=_NAME, description="Backend pool name (letters, digits, . _ -).")
    mode: Literal["http", "tcp"] = Field(default="http", description="http (layer 7) or tcp.")
    balance: Literal["source", "roundrobin", "static-rr", "leastconn", "uri", "random"] = Field(
        default="source", description="Balancing algorithm (field 'algorithm')."
    )
    servers: list[str] = Field(
        default_factory=list,
        description="uuids of the pool's servers (field 'linkedServers'): reference "
        "${opnsense:service:haproxy:server:<name>.uuid}.",
    )
    enabled: bool = Field(default=True, description="Whether the backend is used.")
    description: str = Field(default="", max_length=255, description="Free text.")

    @field_validator("servers")
    @classmethod
    def _server_uuids(cls, value: list[str]) -> list[str]:
        return [_uuid_of(item, "server") for item in value]


class BackendOutputs(Model):
    """Outputs of ``opnsense:service:haproxy:backend``."""

    uuid: str = Field(description="The backend's uuid: what a frontend's defaultBackend takes.")
    name: str = Field(description="The backend name.")


BACKEND_TYPE = TypeSpec(
    type="opnsense:service:haproxy:backend",
    description="An HAProxy backend pool of real servers (needs the os-haproxy plugin).",
    properties=BackendProperties,
    outputs=BackendOutputs,
    examples=(
        Example(
            properties={"name": "web-pool", "mode": "http", "balance": "leastconn"},
            update={
                "name": "web-pool",
                "mode": "http",
                "balance": "roundrobin",
                "description": "web servers",
            },
            description="An empty pool, then its algorithm changed.",
        ),
    ),
)


class BackendHandler(RecordHandler[BackendProperties, BackendOutputs]):
    """HAProxy backend pools."""

    spec = BACKEND_TYPE
    component = HAPROXY_BACKEND
    field_paths = {
        "name": "name",
        "mode": "mode",
        "algorithm": "balance",
        "linkedServers": "servers",
        "enabled": "enabled",
        "description": "description",
    }
    equivalences = {"servers": v.same_set}

    def fields(self, props: BackendProperties) -> dict[str, Any]:
        return {
            "enabled": v.bit(props.enabled),
            "name": props.name,
            "description": props.description,
            "mode": props.mode,
            "algorithm": props.balance,
            "linkedServers": v.csv(props.servers),
        }

    def properties_of(self, record: Mapping[str, Any]) -> BackendProperties:
        return reported(
            BackendProperties,
            name=v.text(record.get("name")),
            mode=v.one(record.get("mode")),
            balance=v.one(record.get("algorithm")),
            servers=v.selected(record.get("linkedServers")),
            enabled=v.flag(record.get("enabled")),
            description=v.text(record.get("description")),
        )

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> BackendOutputs:
        return BackendOutputs(uuid=uuid_, name=v.text(record.get("name")))


# --- frontend --------------------------------------------------------------------------------


def split_bind(bind: str) -> tuple[str, int | None]:
    """``0.0.0.0:443`` → (``0.0.0.0``, 443); ``[::]:443`` → (``::``, 443)."""
    host, sep, port = bind.rpartition(":")
    if not sep:
        return bind, None
    host = host.removeprefix("[").removesuffix("]")
    first = port.split("-", 1)[0]
    return host, int(first) if first.isdigit() else None


def _binds(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def same_binds(declared: Any, observed: Any) -> bool:
    """Listen addresses naming the same binds (OPNsense lower-cases them; one bind may be
    declared as a string)."""
    want = sorted(b.lower() for b in _binds(declared))
    have = sorted(b.lower() for b in _binds(observed))
    return want == have


class FrontendProperties(Model):
    """Properties of ``opnsense:service:haproxy:frontend``."""

    name: str = Field(pattern=_NAME, description="Public service name (letters, digits, . _ -).")
    bind: str | list[str] = Field(
        description="Listen address(es) host:port, e.g. 0.0.0.0:443 or [::]:443."
    )
    mode: Literal["http", "ssl", "tcp"] = Field(
        default="http",
        description="http (HTTP/HTTPS with TLS offloading), ssl (TLS, TCP mode), tcp.",
    )
    default_backend: str | None = Field(
        default=None,
        alias="defaultBackend",
        description="uuid of the backend pool: ${opnsense:service:haproxy:backend:<name>.uuid}.",
    )
    ssl_certificate: str | None = Field(
        default=None,
        alias="sslCertificate",
        description="Trust-store certificate to offload TLS with (its refid: "
        "${opnsense:security:certificate:<name>.refid}); turns TLS on.",
    )
    enabled: bool = Field(default=True, description="Whether the service listens.")
    description: str = Field(default="", max_length=255, description="Free text.")

    @field_validator("bind")
    @classmethod
    def _some_bind(cls, value: str | list[str]) -> str | list[str]:
        binds = _binds(value)
        if not binds or not all(b.strip() for b in binds):
            raise ValueError("give at least one listen address like 0.0.0.0:443")
        for bind in binds:
            if "," in bind:
                raise ValueError(f"{bind!r}: list several addresses as a list, not with commas")
        return value

    @field_validator("default_backend")
    @classmethod
    def _backend_uuid(cls, value: str | None) -> str | None:
        return None if value is None else _uuid_of(value, "backend")


class FrontendOutputs(Model):
    """Outputs of ``opnsense:service:haproxy:frontend``."""

    uuid: str = Field(description="The frontend's uuid.")
    name: str = Field(description="The public service name.")
    bind_address: str = Field(
        alias="bindAddress",
        description="Address of the first listen address (for firewall rules' destination).",
    )
    bind_port: int | None = Field(alias="bindPort", description="Its port.")


FRONTEND_TYPE = TypeSpec(
    type="opnsense:service:haproxy:frontend",
    description="An HAProxy public service: listen addresses and a default backend "
    "(needs the os-haproxy plugin).",
    properties=FrontendProperties,
    outputs=FrontendOutputs,
    examples=(
        Example(
            properties={"name": "web", "bind": "198.18.0.1:8080", "mode": "http"},
            update={"name": "web", "bind": ["198.18.0.1:8080", "198.18.0.1:8081"], "mode": "http"},
            description="A public service on one address, then on two.",
        ),
    ),
)


class FrontendHandler(RecordHandler[FrontendProperties, FrontendOutputs]):
    """HAProxy public services."""

    spec = FRONTEND_TYPE
    component = HAPROXY_FRONTEND
    field_paths = {
        "name": "name",
        "bind": "bind",
        "mode": "mode",
        "defaultBackend": "defaultBackend",
        "ssl_enabled": "sslCertificate",
        "ssl_certificates": "sslCertificate",
        "ssl_default_certificate": "sslCertificate",
        "enabled": "enabled",
        "description": "description",
    }
    equivalences = {"bind": same_binds}

    def fields(self, props: FrontendProperties) -> dict[str, Any]:
        cert = props.ssl_certificate or ""
        return {
            "enabled": v.bit(props.enabled),
            "name": props.name,
            "description": props.description,
            "bind": v.csv(_binds(props.bind)),
            "mode": props.mode,
            "defaultBackend": props.default_backend or "",
            "ssl_enabled": v.bit(bool(cert)),
            "ssl_certificates": cert,
            "ssl_default_certificate": cert,
        }

    def properties_of(self, record: Mapping[str, Any]) -> FrontendProperties:
        binds = v.selected(record.get("bind"))
        certs = v.selected(record.get("ssl_certificates"))
        default_cert = v.one(record.get("ssl_default_certificate"))
        tls = v.flag(record.get("ssl_enabled"))
        return reported(
            FrontendProperties,
            name=v.text(record.get("name")),
            bind=binds[0] if len(binds) == 1 else binds,
            mode=v.one(record.get("mode")),
            default_backend=v.one(record.get("defaultBackend")) or None,
            ssl_certificate=(default_cert or (certs[0] if certs else None)) if tls else None,
            enabled=v.flag(record.get("enabled")),
            description=v.text(record.get("description")),
        )

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> FrontendOutputs:
        binds = v.selected(record.get("bind"))
        host, port = split_bind(binds[0]) if binds else ("", None)
        return FrontendOutputs(
            uuid=uuid_, name=v.text(record.get("name")), bindAddress=host, bindPort=port
        )
