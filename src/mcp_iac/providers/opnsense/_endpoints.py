"""Every OPNsense REST endpoint the client calls, in one declarative table.

Paths and command names are OPNsense's own (``opnsense/core`` controllers; HAProxy from the
``os-haproxy`` plugin); ``docs/providers/opnsense.md`` lists them and a test checks each
against the per-version OpenAPI specs. A :class:`Component` is one MVC model the provider
manages: where its records are read, written, deleted and listed, the post key its bodies use,
and the action that applies written changes to the running system.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from ._version import Version

Method = Literal["GET", "POST"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One REST endpoint: ``method path[/param...]``.

    ``params`` names the positional path parameters (``uuid``); ``since`` is the first release
    that has it and ``plugin`` the package that brings it (``os-haproxy``), when not core.
    """

    method: Method
    path: str
    params: tuple[str, ...] = ()
    since: Version | None = None
    plugin: str | None = None

    def url_path(self, *args: str) -> str:
        """The request path with ``args`` filled in as path segments.

        Raises:
            ValueError: the wrong number of arguments.
        """
        if len(args) != len(self.params):
            raise ValueError(f"{self.path} takes {len(self.params)} path parameter(s), got {args}")
        return "/".join((self.path, *(quote(a, safe="") for a in args)))

    def __str__(self) -> str:
        shown = "".join(f"/{{{p}}}" for p in self.params)
        return f"{self.method} {self.path}{shown}"


@dataclass(frozen=True, slots=True)
class Component:
    """An OPNsense MVC model the provider manages.

    ``post_key`` wraps record bodies (``{"vlan": {...}}``) and prefixes validation messages
    (``vlan.tag``). ``apply`` (None: changes take effect when saved) makes written changes
    live; OPNsense only saves ``config.xml`` on a write. ``identity_field`` names a field every
    stored record has, for controllers whose ``get`` answers an unknown uuid with something
    else than ``[]`` (the user controller: ``{"user": {"otp_uri": "", ...}}``).
    """

    name: str
    title: str
    post_key: str
    get: Endpoint
    set: Endpoint
    delete: Endpoint
    search: Endpoint
    apply: Endpoint | None
    since: Version | None = None
    plugin: str | None = None
    identity_field: str | None = None

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        """Every endpoint of the component."""
        rest = (self.get, self.set, self.delete, self.search)
        return (*rest, self.apply) if self.apply is not None else rest


def _mvc(
    name: str,
    title: str,
    base: str,
    post_key: str,
    *,
    item: str,
    search: str | None = None,
    apply: str | None,
    since: str | None = None,
    plugin: str | None = None,
    identity_field: str | None = None,
) -> Component:
    """A component whose commands are ``get<item>``, ``set<item>``, ``del<item>`` and
    ``search<item>`` (or ``search``) under ``base``; ``apply`` is a command under ``base`` or
    an absolute path."""
    first = Version.parse(since) if since else None

    def ep(method: Method, command: str, params: tuple[str, ...] = ()) -> Endpoint:
        return Endpoint(method, f"{base}/{command}", params, first, plugin)

    uuid = ("uuid",)
    return Component(
        name=name,
        title=title,
        post_key=post_key,
        get=ep("GET", f"get{item}", uuid),
        set=ep("POST", f"set{item}", uuid),
        delete=ep("POST", f"del{item}", uuid),
        search=ep("POST", search or f"search{item}"),
        apply=None if apply is None else Endpoint("POST", _under(base, apply), (), first, plugin),
        since=first,
        plugin=plugin,
        identity_field=identity_field,
    )


def _under(base: str, command: str) -> str:
    return command if command.startswith("/") else f"{base}/{command}"


HAPROXY_PLUGIN = "os-haproxy"

VLAN = _mvc(
    "interfaces/vlan",
    "VLAN",
    "/api/interfaces/vlan_settings",
    "vlan",
    item="Item",
    apply="reconfigure",
)
ALIAS = _mvc(
    "firewall/alias", "alias", "/api/firewall/alias", "alias", item="Item", apply="reconfigure"
)
FILTER_RULE = _mvc(
    "firewall/filter", "filter rule", "/api/firewall/filter", "rule", item="Rule", apply="apply"
)
SOURCE_NAT = _mvc(
    "firewall/source_nat",
    "outbound NAT rule",
    "/api/firewall/source_nat",
    "rule",
    item="Rule",
    apply="apply",
    since="24.1",
)
ONE_TO_ONE_NAT = _mvc(
    "firewall/one_to_one",
    "1:1 NAT rule",
    "/api/firewall/one_to_one",
    "rule",
    item="Rule",
    apply="apply",
    since="24.7",
)
PORT_FORWARD = _mvc(
    "firewall/d_nat",
    "port forward",
    "/api/firewall/d_nat",
    "rule",
    item="Rule",
    apply="apply",
    since="26.1",
)
HAPROXY_SERVER = _mvc(
    "haproxy/server",
    "HAProxy server",
    "/api/haproxy/settings",
    "server",
    item="Server",
    search="searchServers",
    apply="/api/haproxy/service/reconfigure",
    plugin=HAPROXY_PLUGIN,
)
HAPROXY_BACKEND = _mvc(
    "haproxy/backend",
    "HAProxy backend",
    "/api/haproxy/settings",
    "backend",
    item="Backend",
    search="searchBackends",
    apply="/api/haproxy/service/reconfigure",
    plugin=HAPROXY_PLUGIN,
)
HAPROXY_FRONTEND = _mvc(
    "haproxy/frontend",
    "HAProxy frontend",
    "/api/haproxy/settings",
    "frontend",
    item="Frontend",
    search="searchFrontends",
    apply="/api/haproxy/service/reconfigure",
    plugin=HAPROXY_PLUGIN,
)
HOST_OVERRIDE = _mvc(
    "unbound/host",
    "Unbound host override",
    "/api/unbound/settings",
    "host",
    item="HostOverride",
    apply="/api/unbound/service/reconfigure",
)
KEA_SUBNET = _mvc(
    "kea/subnet4",
    "Kea DHCPv4 subnet",
    "/api/kea/dhcpv4",
    "subnet4",
    item="Subnet",
    apply="/api/kea/service/reconfigure",
    since="24.1",
)
KEA_RESERVATION = _mvc(
    "kea/reservation",
    "Kea DHCPv4 reservation",
    "/api/kea/dhcpv4",
    "reservation",
    item="Reservation",
    apply="/api/kea/service/reconfigure",
    since="24.1",
)
CERTIFICATE = _mvc(
    "trust/cert",
    "certificate",
    "/api/trust/cert",
    "cert",
    item="",
    search="search",
    apply=None,  # the trust store has no service: a saved certificate is in use at once
    since="24.7",
)
USER = _mvc(
    "auth/user",
    "user",
    "/api/auth/user",
    "user",
    item="",
    search="search",
    apply=None,  # add/set/del sync the system account themselves (configd "auth sync user")
    since="25.1",
    identity_field="name",  # get/<unknown uuid> answers {"user": {"otp_uri": "", ...}}
)
USER_TEMPLATE = Endpoint("GET", "/api/auth/user/get", (), USER.since)
"""``get`` without a uuid: a new user's defaults, with the option lists (the groups by gid)."""

COMPONENTS: tuple[Component, ...] = (
    VLAN,
    ALIAS,
    FILTER_RULE,
    SOURCE_NAT,
    ONE_TO_ONE_NAT,
    PORT_FORWARD,
    HAPROXY_SERVER,
    HAPROXY_BACKEND,
    HAPROXY_FRONTEND,
    HOST_OVERRIDE,
    KEA_SUBNET,
    KEA_RESERVATION,
    CERTIFICATE,
    USER,
)

FIRMWARE_INFO = Endpoint("GET", "/api/core/firmware/info")
"""Firmware facts; ``product_version`` is the probe the client gates features on."""

BACKUPS = Endpoint("GET", "/api/core/backup/backups", ("host",))
"""Configuration history of a host (``this``), newest first."""

REVERT_BACKUP = Endpoint("POST", "/api/core/backup/revertBackup", ("backup",))
"""Restore ``config.xml`` from a history entry (services still need reconfiguring)."""

CORE: tuple[Endpoint, ...] = (FIRMWARE_INFO, BACKUPS, REVERT_BACKUP)

TEMPLATES: tuple[Endpoint, ...] = (USER_TEMPLATE,)
"""``get`` actions called without a uuid, for option lists."""


def all_endpoints() -> tuple[Endpoint, ...]:
    """Every endpoint the client can call, each once."""
    seen: dict[tuple[str, str], Endpoint] = {}
    for endpoint in (*CORE, *(e for c in COMPONENTS for e in c.endpoints), *TEMPLATES):
        seen.setdefault((endpoint.method, endpoint.path), endpoint)
    return tuple(seen.values())
