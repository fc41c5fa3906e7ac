"""Component tables of services in core: Unbound host overrides, Kea DHCPv4, trust store."""

from __future__ import annotations

from typing import Final

from ._behaviours import CertBehaviour, HostOverrideBehaviour, KeaBehaviour
from ._fields import (
    Boolean,
    CertRef,
    Description,
    Generated,
    Hostname,
    Integer,
    Mac,
    Network,
    Option,
    Relation,
    Text,
    Unique,
    options,
)
from ._schema import Commands, Component

ON: Final = Boolean(required=True, default="1")

HOST_OVERRIDE: Final = Component(
    id="unbound/settings/host_override",
    module="unbound",
    controller="settings",
    model="OPNsense.Unbound.Unbound",
    model_name="unbound",
    mount="unboundplus",
    path="hosts.host",
    post_key="host",
    fields=(
        ("enabled", ON),
        ("hostname", Hostname(ip_allowed=False)),
        ("domain", Hostname(required=True, ip_allowed=False)),
        (
            "rr",
            Option(
                required=True,
                default="A",
                values=options(
                    ("A", "A (IPv4 address)"),
                    ("AAAA", "AAAA (IPv6 address)"),
                    ("MX", "MX (Mail server)"),
                    ("TXT", "TXT (Text record)"),
                ),
            ),
        ),
        ("mxprio", Integer(minimum=0, maximum=65535)),
        ("mx", Hostname(ip_allowed=False)),
        ("ttl", Integer(minimum=0, maximum=2147483647)),
        ("server", Text()),
        ("txtdata", Text()),
        ("addptr", Boolean(default="1")),
        ("description", Description()),
    ),
    commands=Commands(
        "getHostOverride",
        "addHostOverride",
        "setHostOverride",
        "delHostOverride",
        "searchHostOverride",
        "toggleHostOverride",
    ),
    apply_group="unbound",
    default_sort="hostname",
    behaviour=HostOverrideBehaviour(),
)

V4_LIST: Final = Network(family="ipv4", netmask="forbidden", as_list=True)

KEA_SUBNET: Final = Component(
    id="kea/dhcpv4/subnet",
    module="kea",
    controller="dhcpv4",
    model="OPNsense.Kea.KeaDhcpv4",
    model_name="dhcpv4",
    mount="dhcp4",
    path="subnets.subnet4",
    post_key="subnet4",
    fields=(
        ("subnet", Network(required=True, family="ipv4", netmask="required")),
        ("valid_lifetime", Integer(minimum=0)),
        ("next_server", Network(family="ipv4", netmask="forbidden")),
        ("option_data_autocollect", ON),
        ("option_data.domain_name_servers", V4_LIST),
        (
            "option_data.domain_search",
            Hostname(
                ip_allowed=False, as_list=True, message="Please specify a valid list of domains."
            ),
        ),
        ("option_data.routers", V4_LIST),
        ("option_data.domain_name", Hostname(ip_allowed=False)),
        ("option_data.ntp_servers", V4_LIST),
        ("option_data.time_servers", V4_LIST),
        ("option_data.tftp_server_name", Text(mask=r'^([^\n"])*$')),
        ("option_data.boot_file_name", Text(mask=r'^([^\n"])*$')),
        ("match-client-id", ON),
        (
            "allocator",
            Option(
                blank="Default",
                values=options(
                    ("iterative", "Iterative"), ("random", "Random"), ("flq", "Free Lease Queue")
                ),
            ),
        ),
        ("pools", Text()),
        ("description", Description()),
    ),
    uniques=(Unique("subnet", "Subnet must be unique."),),
    commands=Commands("getSubnet", "addSubnet", "setSubnet", "delSubnet", "searchSubnet"),
    apply_group="kea",
    safe_delete=True,
    default_sort="subnet",
    behaviour=KeaBehaviour(reservation=False),
)

KEA_RESERVATION: Final = Component(
    id="kea/dhcpv4/reservation",
    module="kea",
    controller="dhcpv4",
    model="OPNsense.Kea.KeaDhcpv4",
    model_name="dhcpv4",
    mount="dhcp4",
    path="reservations.reservation",
    post_key="reservation",
    fields=(
        (
            "subnet",
            Relation(
                required=True,
                target="kea/dhcpv4/subnet",
                display="subnet",
                message="Related subnet not found.",
            ),
        ),
        ("ip_address", Network(family="ipv4", netmask="forbidden")),
        ("hw_address", Mac()),
        (
            "client_id",
            Text(
                mask=r"^(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+)$",
                message="Value must be a colon-separated hexadecimal sequence (e.g., 01:02:f3).",
            ),
        ),
        ("hostname", Hostname(ip_allowed=False)),
        ("description", Description()),
        ("option_data.domain_name_servers", V4_LIST),
        ("option_data.routers", V4_LIST),
    ),
    uniques=(
        Unique("ip_address", "Duplicate entry exists."),
        Unique("hw_address", "Duplicate entry exists.", ("subnet",), case_insensitive=True),
        Unique("client_id", "Duplicate entry exists.", ("subnet",)),
    ),
    commands=Commands(
        "getReservation",
        "addReservation",
        "setReservation",
        "delReservation",
        "searchReservation",
    ),
    apply_group="kea",
    default_sort="hw_address",
    behaviour=KeaBehaviour(reservation=True),
)

CERT_ACTIONS: Final = options(
    ("internal", "Create an internal Certificate"),
    ("external", "Create a Certificate Signing Request"),
    ("import", "Import an existing Certificate"),
    ("sign_csr", "Sign a Certificate Signing Request"),
    ("import_csr", "Import certificate (signed by CA)"),
    ("reissue", "Reissue and replace certificate (does not restart services)"),
    ("manual", "Manual"),
)

TRUST_CERT: Final = Component(
    id="trust/cert",
    module="trust",
    controller="cert",
    model="OPNsense.Trust.Cert",
    model_name="cert",
    mount="cert",
    path="cert",
    post_key="cert",
    fields=(
        ("refid", Generated(kind="refid")),
        ("descr", Description(required=True)),
        ("caref", CertRef(kind="ca", blank="self-signed")),
        ("crt", Text()),
        ("csr", Text()),
        ("prv", Text()),
        ("action", Option(required=True, default="internal", volatile=True, values=CERT_ACTIONS)),
        ("crt_payload", Text(volatile=True)),
        ("csr_payload", Text(volatile=True)),
        ("prv_payload", Text(volatile=True)),
        ("commonname", Text(volatile=True)),
        ("in_use", Boolean(volatile=True)),
        ("is_user", Boolean(volatile=True)),
        ("name", Text(volatile=True)),
        ("valid_from", Text(volatile=True)),
        ("valid_to", Text(volatile=True)),
    ),
    commands=Commands("get", "add", "set", "del", "search", model_get=None),
    apply_group=None,
    default_sort="descr",
    search_fields=(
        "descr",
        "caref",
        "name",
        "valid_from",
        "valid_to",
        "commonname",
        "in_use",
        "is_user",
        "refid",
    ),
    behaviour=CertBehaviour(),
)

SERVICES: Final[tuple[Component, ...]] = (
    HOST_OVERRIDE,
    KEA_SUBNET,
    KEA_RESERVATION,
    TRUST_CERT,
)
