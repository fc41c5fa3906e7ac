"""Component tables of core: VLANs, aliases, filter rules and NAT (from the models' XML)."""

from __future__ import annotations

from typing import Final

from ._behaviours import AliasBehaviour, VlanBehaviour
from ._fields import (
    Boolean,
    Description,
    Generated,
    Integer,
    Interfaces,
    IpProtocol,
    Lines,
    Network,
    NetworkAlias,
    Option,
    Port,
    Relation,
    Text,
    Unique,
    VlanParent,
    options,
)
from ._schema import Commands, Component

PCP: Final = options(
    ("1", "Background (1, lowest)"),
    ("0", "Best Effort (0, default)"),
    ("2", "Excellent Effort (2)"),
    ("3", "Critical Applications (3)"),
    ("4", "Video (4)"),
    ("5", "Voice (5)"),
    ("6", "Internetwork Control (6)"),
    ("7", "Network Control (7, highest)"),
)

TCP_FLAGS: Final = options(
    *((f, f) for f in ("syn", "ack", "fin", "rst", "psh", "urg", "ece", "cwr"))
)

ICMP_TYPES: Final = options(
    ("echoreq", "Echo Request"),
    ("echorep", "Echo Reply"),
    ("unreach", "Destination Unreachable"),
    ("redir", "Redirect"),
    ("routeradv", "Router Advertisement"),
    ("routersol", "Router Solicitation"),
    ("timex", "Time Exceeded"),
    ("paramprob", "Parameter Problem"),
    ("timereq", "Timestamp"),
    ("timerep", "Timestamp Reply"),
    ("photuris", "Photuris"),
    ("squench", "Source Quench"),
)

SEQUENCE: Final = Integer(
    required=True,
    default="1",
    minimum=1,
    maximum=999999,
    message="Sequence shall be between 1 and 999999.",
)

CATEGORIES: Final = Relation(
    target="firewall/category", multiple=True, message="Related category not found."
)
"""Categories are not emulated: any category uuid is "not found"."""

FLAG: Final = Boolean(required=True, default="0")
ON: Final = Boolean(required=True, default="1")
BIG: Final = Integer(minimum=1, maximum=2147483647)
TAG_TEXT: Final = Text(mask=r"^([0-9a-zA-Z.,_\-]){0,512}$")

VLAN: Final = Component(
    id="interfaces/vlan_settings",
    module="interfaces",
    controller="vlan_settings",
    model="OPNsense.Interfaces.Vlan",
    model_name="vlan",
    mount="vlans",
    path="vlan",
    post_key="vlan",
    fields=(
        ("if", VlanParent(required=True)),
        ("tag", Integer(required=True, minimum=1, maximum=4094)),
        ("pcp", Option(required=True, default="0", values=PCP)),
        (
            "proto",
            Option(blank="Auto", values=options(("802.1q", "802.1Q"), ("802.1ad", "802.1ad"))),
        ),
        ("descr", Description()),
        ("vlanif", Generated(required=True, client_writable=True)),
    ),
    uniques=(
        Unique("tag", "Tag for this device must be unique.", ("if",)),
        Unique("vlanif", "The device name must be unique."),
    ),
    commands=Commands("getItem", "addItem", "setItem", "delItem", "searchItem"),
    apply_group="vlan",
    default_sort="vlanif",
    behaviour=VlanBehaviour(),
)

ALIAS_TYPES: Final = options(
    ("host", "Host(s)"),
    ("network", "Network(s)"),
    ("port", "Port(s)"),
    ("url", "URL (IPs)"),
    ("urltable", "URL Table (IPs)"),
    ("geoip", "GeoIP"),
    ("networkgroup", "Network group"),
    ("mac", "MAC address"),
    ("asn", "BGP ASN"),
    ("dynipv6host", "Dynamic IPv6 Host"),
    ("authgroup", "OpenVPN group"),
    ("internal", "Internal (automatic)"),
    ("external", "External (advanced)"),
)

ALIAS: Final = Component(
    id="firewall/alias",
    module="firewall",
    controller="alias",
    model="OPNsense.Firewall.Alias",
    model_name="alias",
    mount="Alias",
    path="aliases.alias",
    post_key="alias",
    fields=(
        ("enabled", ON),
        ("name", Text(required=True)),
        ("type", Option(required=True, default="host", values=ALIAS_TYPES)),
        ("proto", Option(multiple=True, values=options(("IPv4", "IPv4"), ("IPv6", "IPv6")))),
        ("interface", Interfaces()),
        ("counters", FLAG),
        ("updatefreq", Text(mask=r"^[0-9]+(\.[0-9]+)?$")),
        ("content", Lines()),
        ("categories", CATEGORIES),
        ("description", Description()),
    ),
    uniques=(Unique("name", "An alias with this name already exists."),),
    commands=Commands("getItem", "addItem", "setItem", "delItem", "searchItem", "toggleItem"),
    apply_group="alias",
    default_sort="name",
    behaviour=AliasBehaviour(),
)

FILTER: Final = Component(
    id="firewall/filter",
    module="firewall",
    controller="filter",
    model="OPNsense.Firewall.Filter",
    model_name="filter",
    mount="Filter",
    path="rules.rule",
    post_key="rule",
    fields=(
        ("enabled", ON),
        (
            "statetype",
            Option(
                required=True,
                default="keep",
                values=options(
                    ("keep", "keep state"),
                    ("sloppy", "sloppy state"),
                    ("modulate", "modulate state"),
                    ("synproxy", "synproxy state"),
                    ("none", "no state"),
                ),
            ),
        ),
        (
            "state-policy",
            Option(
                blank="default",
                values=options(
                    ("if-bound", "Bind states to interface"), ("floating", "Floating states")
                ),
            ),
        ),
        ("sequence", SEQUENCE),
        (
            "action",
            Option(
                required=True,
                default="pass",
                values=options(("pass", "Pass"), ("block", "Block"), ("reject", "Reject")),
            ),
        ),
        ("quick", ON),
        ("interfacenot", FLAG),
        ("interface", Interfaces(multiple=True)),
        (
            "direction",
            Option(
                required=True,
                default="in",
                values=options(("in", "In"), ("out", "Out"), ("any", "Both")),
            ),
        ),
        (
            "ipprotocol",
            Option(
                required=True,
                default="inet",
                values=options(("inet", "IPv4"), ("inet6", "IPv6"), ("inet46", "any")),
            ),
        ),
        ("protocol", IpProtocol(required=True, default="any")),
        ("icmptype", Option(multiple=True, values=ICMP_TYPES)),
        ("source_net", NetworkAlias(required=True, default="any", multiple=True)),
        ("source_not", FLAG),
        ("source_port", Port()),
        ("destination_net", NetworkAlias(required=True, default="any", multiple=True)),
        ("destination_not", FLAG),
        ("destination_port", Port()),
        (
            "gateway",
            Option(
                message="Specify a valid gateway from the list matching the networks ip protocol."
            ),
        ),
        (
            "replyto",
            Option(
                message="Specify a valid gateway from the list matching the networks ip protocol."
            ),
        ),
        ("disablereplyto", FLAG),
        ("log", FLAG),
        ("allowopts", FLAG),
        ("nosync", FLAG),
        ("nopfsync", FLAG),
        ("statetimeout", BIG),
        ("max-src-nodes", BIG),
        ("max-src-states", BIG),
        ("max-src-conn", BIG),
        ("max", BIG),
        ("max-src-conn-rate", Integer(minimum=1, maximum=4294967)),
        ("max-src-conn-rates", BIG),
        ("overload", Relation(target="firewall/alias", message="Alias not found.")),
        ("adaptivestart", Integer(minimum=0, maximum=2147483647)),
        ("adaptiveend", Integer(minimum=0, maximum=2147483647)),
        ("prio", Option(blank="Any priority", values=PCP)),
        ("set-prio", Option(blank="Keep current priority", values=PCP)),
        ("set-prio-low", Option(blank="Keep current priority", values=PCP)),
        ("tag", TAG_TEXT),
        ("tagged", TAG_TEXT),
        ("tcpflags1", Option(multiple=True, values=TCP_FLAGS)),
        ("tcpflags2", Option(multiple=True, values=TCP_FLAGS)),
        ("tcpflags_any", Boolean()),
        ("categories", CATEGORIES),
        ("sched", Option()),
        (
            "shaper1",
            Relation(target="trafficshaper/pipe", message="Related pipe or queue not found."),
        ),
        (
            "shaper2",
            Relation(target="trafficshaper/pipe", message="Related pipe or queue not found."),
        ),
        ("description", Description()),
    ),
    commands=Commands("getRule", "addRule", "setRule", "delRule", "searchRule", "toggleRule"),
    apply_group="filter",
    default_sort="sequence",
    search_filters=(("interface", "interface"), ("category", "categories")),
)

SOURCE_NAT: Final = Component(
    id="firewall/source_nat",
    module="firewall",
    controller="source_nat",
    model="OPNsense.Firewall.Filter",
    model_name="filter",
    mount="Filter",
    path="snatrules.rule",
    post_key="rule",
    fields=(
        ("enabled", ON),
        ("nonat", FLAG),
        ("sequence", SEQUENCE),
        ("interface", Interfaces(required=True, default="lan")),
        (
            "ipprotocol",
            Option(
                required=True, default="inet", values=options(("inet", "IPv4"), ("inet6", "IPv6"))
            ),
        ),
        ("protocol", IpProtocol(required=True, default="any")),
        ("source_net", NetworkAlias(required=True, default="any")),
        ("source_not", FLAG),
        ("source_port", Port()),
        ("destination_net", NetworkAlias(required=True, default="any")),
        ("destination_not", FLAG),
        ("destination_port", Port()),
        ("target", NetworkAlias(required=True, default="wanip")),
        ("target_port", Port(aliases=False)),
        ("staticnatport", Boolean()),
        ("log", FLAG),
        ("categories", CATEGORIES),
        ("tagged", TAG_TEXT),
        ("description", Description()),
    ),
    commands=Commands("getRule", "addRule", "setRule", "delRule", "searchRule", "toggleRule"),
    apply_group="source_nat",
    default_sort="sequence",
    since="24.1",
)

ONE_TO_ONE: Final = Component(
    id="firewall/one_to_one",
    module="firewall",
    controller="one_to_one",
    model="OPNsense.Firewall.Filter",
    model_name="filter",
    mount="Filter",
    path="onetoone.rule",
    post_key="rule",
    fields=(
        ("enabled", ON),
        ("log", FLAG),
        ("sequence", SEQUENCE),
        ("interface", Interfaces(required=True, default="wan")),
        (
            "type",
            Option(
                required=True, default="binat", values=options(("binat", "BINAT"), ("nat", "NAT"))
            ),
        ),
        ("source_net", NetworkAlias(required=True)),
        ("source_not", FLAG),
        ("destination_net", NetworkAlias(required=True, default="any")),
        ("destination_not", FLAG),
        ("external", Network(required=True)),
        (
            "natreflection",
            Option(blank="Default", values=options(("enable", "Enable"), ("disable", "Disable"))),
        ),
        ("categories", CATEGORIES),
        ("description", Description()),
    ),
    commands=Commands("getRule", "addRule", "setRule", "delRule", "searchRule", "toggleRule"),
    apply_group="one_to_one",
    default_sort="sequence",
    since="24.7",
)

D_NAT: Final = Component(
    id="firewall/d_nat",
    module="firewall",
    controller="d_nat",
    model="OPNsense.Firewall.DNat",
    model_name="dnat",
    mount="nat",
    path="rule",
    post_key="rule",
    fields=(
        ("sequence", SEQUENCE),
        ("disabled", Boolean()),
        ("nordr", Boolean()),
        ("interface", Interfaces(multiple=True)),
        (
            "ipprotocol",
            Option(
                blank="any",
                values=options(("inet", "IPv4"), ("inet6", "IPv6"), ("inet46", "IPv4+IPv6")),
            ),
        ),
        ("protocol", IpProtocol(blank="any")),
        ("source.network", NetworkAlias()),
        ("source.port", Port()),
        ("source.not", Boolean()),
        ("destination.network", NetworkAlias()),
        ("destination.port", Port()),
        ("destination.not", Boolean()),
        ("target", NetworkAlias()),
        ("local-port", Port()),
        (
            "poolopts",
            Option(
                blank="Default",
                values=options(
                    ("round-robin", "Round Robin"),
                    ("round-robin sticky-address", "Round Robin with Sticky Address"),
                    ("random", "Random"),
                    ("random sticky-address", "Random with Sticky Address"),
                    ("source-hash", "Source Hash"),
                    ("bitmask", "Bitmask"),
                ),
            ),
        ),
        ("log", Boolean()),
        ("descr", Description()),
        ("tag", Text()),
        ("tagged", Text()),
        ("nosync", Boolean()),
        (
            "natreflection",
            Option(
                blank="Use system default",
                values=options(("purenat", "Enable"), ("disable", "Disable")),
            ),
        ),
        (
            "pass",
            Option(blank="Manual", values=options(("rule", "Register rule"), ("pass", "Pass"))),
        ),
    ),
    commands=Commands("getRule", "addRule", "setRule", "delRule", "searchRule", "toggleRule"),
    apply_group="d_nat",
    default_sort="sequence",
    toggle_field="disabled",
    since="26.1",
)

FIREWALL: Final[tuple[Component, ...]] = (VLAN, ALIAS, FILTER, SOURCE_NAT, ONE_TO_ONE, D_NAT)
