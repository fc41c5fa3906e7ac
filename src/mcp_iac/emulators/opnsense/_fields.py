"""Field types of the emulated models, after OPNsense's ``Base/FieldTypes``.

A field knows how to check a value (beyond "required", which the validator handles for all),
how ``get``/``getItem`` render it (plain string or option map) and how ``search*`` rows describe
it. Values are stored as strings, as in ``config.xml``; multi-selects are comma-separated.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import ipaddress
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from mcp_iac.core import JSON

Record = Mapping[str, str]

PRESENCE_MESSAGE = "A value is required."


class Lookup(Protocol):
    """What a field may consult to list options or resolve references."""

    def interfaces(self) -> Mapping[str, tuple[str, str]]:
        """Assigned interfaces: name (``lan``) -> (device, description)."""
        ...

    def records(self, component: str) -> Mapping[str, Record]:
        """The records of one component, by uuid."""
        ...


@dataclass(frozen=True, kw_only=True, slots=True)
class Field:
    """A scalar field (TextField): any string, optionally constrained by ``mask``."""

    required: bool = False
    default: str = ""
    message: str | None = None
    mask: str | None = None
    multiple: bool = False
    volatile: bool = False

    def fallback_message(self) -> str:
        return "Text does not validate."

    def normalize(self, value: str, current: str) -> str:
        """What storing a posted ``value`` keeps (``setValue``); ``current`` is the stored one."""
        return value

    def as_string(self, value: str) -> str:
        """How a stored scalar value reads (``__toString``): in ``getItem`` and search rows."""
        return value

    def options(self, look: Lookup) -> dict[str, str] | None:
        """Option keys and labels for list fields; None for scalar ones."""
        return None

    def problems(self, value: str, look: Lookup) -> list[str]:
        """Messages for a non-empty ``value`` (the empty case is the validator's)."""
        if self.mask is not None and re.search(self.mask, value) is None:
            return [self.message or self.fallback_message()]
        return []

    def blank_label(self) -> str:
        return "None"

    def render(self, value: str, look: Lookup) -> JSON:
        """How ``get``/``getItem`` show the value (BaseListField::getNodeOptions for lists)."""
        options = self.options(look)
        if options is None:
            return self.as_string(value)
        result: dict[str, JSON] = {}
        if not self.required and not self.multiple:
            result[""] = {"value": self.blank_label(), "selected": 1 if value == "" else 0}
        chosen = value.split(",")
        for key, label in options.items():
            result[key] = {"value": label, "selected": 1 if key in chosen else 0}
        return result

    def labels(self, value: str, look: Lookup) -> list[str]:
        """Descriptions of the selected items (the value itself for scalar fields)."""
        options = self.options(look)
        if options is None:
            return [value] if value else []
        return [options.get(item, item) for item in value.split(",") if item]

    def is_list(self) -> bool:
        return False


@dataclass(frozen=True, kw_only=True, slots=True)
class Text(Field):
    """TextField (also CSVListField and other free-text fields)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Description(Field):
    """DescriptionField: free text up to 255 characters."""

    def problems(self, value: str, look: Lookup) -> list[str]:
        if len(value) > 255:
            return [self.message or "Description should be a string between 1 and 255 characters."]
        return []


@dataclass(frozen=True, kw_only=True, slots=True)
class Boolean(Field):
    """BooleanField: ``"0"`` or ``"1"``."""

    def problems(self, value: str, look: Lookup) -> list[str]:
        if value not in ("0", "1"):
            return [self.message or "Value should be a boolean (0,1)."]
        return []


@dataclass(frozen=True, kw_only=True, slots=True)
class Integer(Field):
    """IntegerField with optional bounds; one message for "not an integer" and "out of range"."""

    minimum: int | None = None
    maximum: int | None = None

    def problems(self, value: str, look: Lookup) -> list[str]:
        message = self.message or "Invalid integer value."
        if re.fullmatch(r"-?[0-9]+", value) is None:
            return [message]
        number = int(value)
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            return [message]
        return []


@dataclass(frozen=True, kw_only=True, slots=True)
class ListField(Field, ABC):
    """BaseListField: the value (each item, when multiple) must be one of the options."""

    blank: str = "None"

    def blank_label(self) -> str:
        return self.blank

    def is_list(self) -> bool:
        return True

    @abstractmethod
    def choices(self, look: Lookup) -> dict[str, str]:
        """Option key to label: what this field accepts (each kind of list field says)."""

    def options(self, look: Lookup) -> dict[str, str] | None:
        return self.choices(look)

    def problems(self, value: str, look: Lookup) -> list[str]:
        choices = self.choices(look)
        items = value.split(",") if self.multiple else [value]
        if any(item not in choices for item in items):
            return [self.message or "Option not in list."]
        return []


@dataclass(frozen=True, kw_only=True, slots=True)
class Option(ListField):
    """OptionField: a fixed list of keys and labels."""

    values: tuple[tuple[str, str], ...] = ()

    def choices(self, look: Lookup) -> dict[str, str]:
        return dict(self.values)


def options(*pairs: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    """Option values in model order: ``options(("pass", "Pass"), ("block", "Block"))``."""
    return pairs


_PROTOCOLS = (
    "any",
    "ICMP",
    "IGMP",
    "GGP",
    "IPENCAP",
    "ST2",
    "TCP",
    "UDP",
    "TCP/UDP",
    "CBT",
    "EGP",
    "IGP",
    "BBN-RCC",
    "NVP",
    "PUP",
    "ARGUS",
    "EMCON",
    "XNET",
    "CHAOS",
    "MUX",
    "DCN",
    "HMP",
    "PRM",
    "XNS-IDP",
    "TRUNK-1",
    "TRUNK-2",
    "LEAF-1",
    "LEAF-2",
    "RDP",
    "IRTP",
    "ISO-TP4",
    "NETBLT",
    "MFE-NSP",
    "MERIT-INP",
    "DCCP",
    "3PC",
    "IDPR",
    "XTP",
    "DDP",
    "IDPR-CMTP",
    "TP++",
    "IL",
    "IPV6",
    "SDRP",
    "IDRP",
    "RSVP",
    "GRE",
    "DSR",
    "BNA",
    "ESP",
    "AH",
    "IPV6-ICMP",
    "EIGRP",
    "OSPF",
    "ETHERIP",
    "ENCAP",
    "PIM",
    "IPCOMP",
    "VRRP",
    "L2TP",
    "ISIS",
    "SCTP",
    "FC",
    "UDPLITE",
    "CARP",
    "PFSYNC",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class IpProtocol(ListField):
    """ProtocolField: ``any``, the names of /etc/protocols and ``TCP/UDP``."""

    def choices(self, look: Lookup) -> dict[str, str]:
        # asort(SORT_NATURAL | SORT_FLAG_CASE) by label, as ProtocolField does
        return {name: name for name in sorted(_PROTOCOLS, key=str.lower)}


@dataclass(frozen=True, kw_only=True, slots=True)
class Interfaces(ListField):
    """InterfaceField: assigned interfaces by name (``lan``, ``wan``, ``opt1``)."""

    def choices(self, look: Lookup) -> dict[str, str]:
        return {name: descr for name, (_device, descr) in look.interfaces().items()}


@dataclass(frozen=True, kw_only=True, slots=True)
class VlanParent(ListField):
    """VlanInterfaceField: physical devices, plus existing VLAN devices (QinQ parents)."""

    def choices(self, look: Lookup) -> dict[str, str]:
        result = {device: f"{device} ({descr})" for device, descr in look.interfaces().values()}
        for vlan in look.records("interfaces/vlan_settings").values():
            device = vlan.get("vlanif", "")
            if device:
                result[device] = f"{device} (vlan {vlan.get('tag', '')})"
        return result


@dataclass(frozen=True, kw_only=True, slots=True)
class Relation(ListField):
    """ModelRelationField: uuid(s) of records of another component, shown by ``display``."""

    target: str = ""
    display: str = "name"

    def choices(self, look: Lookup) -> dict[str, str]:
        return {uuid: rec.get(self.display, "") for uuid, rec in look.records(self.target).items()}


@dataclass(frozen=True, kw_only=True, slots=True)
class CertRef(ListField):
    """CertificateField: trust-store certificates by ``refid`` (``kind="cert"``).

    Authorities and revocation lists (``ca``, ``crl``) are not emulated: no option exists.
    """

    kind: Literal["cert", "ca", "crl"] = "cert"

    def choices(self, look: Lookup) -> dict[str, str]:
        if self.kind != "cert":
            return {}
        return {rec["refid"]: rec.get("descr", "") for rec in look.records("trust/cert").values()}


def _is_address(token: str, *, family: str | None = None, netmask: str = "allowed") -> bool:
    try:
        if "/" in token:
            if netmask == "forbidden":
                return False
            net = ipaddress.ip_network(token, strict=False)
            version = net.version
        else:
            if netmask == "required":
                return False
            version = ipaddress.ip_address(token).version
    except ValueError:
        return False
    return family is None or (family == "ipv4") == (version == 4)


def alias_names(look: Lookup, *, ports: bool | None = None) -> set[str]:
    """Names of the aliases (``ports``: only port aliases / only non-port aliases / all)."""
    result = set()
    for rec in look.records("firewall/alias").values():
        is_port = rec.get("type") == "port"
        if ports is None or ports == is_port:
            result.add(rec.get("name", ""))
    return result


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkAlias(Field):
    """NetworkAliasField: ``any``, ``(self)``, an interface net (``lan``) or address
    (``lanip``), an address or CIDR, or the name of a (non-port) alias."""

    def problems(self, value: str, look: Lookup) -> list[str]:
        tokens = value.split(",") if self.multiple else [value]
        names = alias_names(look, ports=False)
        nets = set(look.interfaces())
        for token in tokens:
            ok = (
                token in ("any", "(self)")
                or token in nets
                or (token.endswith("ip") and token[:-2] in nets)
                or _is_address(token)
                or token in names
            )
            if not ok:
                return [self.message or f"{token} is not a valid source IP address or alias."]
        return []


_WELL_KNOWN_PORTS = {
    "ftp": 21,
    "ssh": 22,
    "telnet": 23,
    "smtp": 25,
    "domain": 53,
    "dns": 53,
    "http": 80,
    "pop3": 110,
    "ntp": 123,
    "imap": 143,
    "snmp": 161,
    "ldap": 389,
    "https": 443,
    "smtps": 465,
    "submission": 587,
    "ldaps": 636,
    "imaps": 993,
    "pop3s": 995,
    "openvpn": 1194,
    "mysql": 3306,
    "rdp": 3389,
    "postgresql": 5432,
}


def is_port(token: str) -> bool:
    """A port number 1-65535 or a well-known service name."""
    if token.isdigit():
        return 1 <= int(token) <= 65535
    return token in _WELL_KNOWN_PORTS


@dataclass(frozen=True, kw_only=True, slots=True)
class Port(Field):
    """PortField: ``any``, a port, a range ``from-to``/``from:to``, a name or a port alias."""

    aliases: bool = True

    def problems(self, value: str, look: Lookup) -> list[str]:
        parts = re.split(r"[-:]", value)
        ok = (
            value == "any"
            or (len(parts) == 2 and all(p.isdigit() and is_port(p) for p in parts))
            or is_port(value)
            or (self.aliases and value in alias_names(look, ports=True))
        )
        return (
            []
            if ok
            else [self.message or "Please specify a valid portnumber, name, alias or range."]
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Network(Field):
    """NetworkField: an address or network, by family and netmask rules; ``as_list`` for CSV."""

    family: Literal["ipv4", "ipv6"] | None = None
    netmask: Literal["required", "allowed", "forbidden"] = "allowed"
    as_list: bool = False

    def problems(self, value: str, look: Lookup) -> list[str]:
        tokens = value.split(",") if self.as_list else [value]
        if all(_is_address(t, family=self.family, netmask=self.netmask) for t in tokens):
            return []
        return [self.message or "Please specify a valid network segment or IP address."]


_HOST_LABEL = r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)"
_HOSTNAME = re.compile(rf"^(\*|{_HOST_LABEL})(\.{_HOST_LABEL})*\.?$")


@dataclass(frozen=True, kw_only=True, slots=True)
class Hostname(Field):
    """HostnameField: DNS names (``*`` allowed as a first label), optionally IPs or a list."""

    ip_allowed: bool = True
    as_list: bool = False

    def problems(self, value: str, look: Lookup) -> list[str]:
        tokens = value.split(",") if self.as_list else [value]
        for token in tokens:
            if self.ip_allowed and _is_address(token, netmask="forbidden"):
                continue
            if _HOSTNAME.match(token) is None:
                return [self.message or "Please specify a valid IP address or hostname."]
        return []


@dataclass(frozen=True, kw_only=True, slots=True)
class Mac(Field):
    """MacAddressField: six colon- or dash-separated hex octets."""

    def problems(self, value: str, look: Lookup) -> list[str]:
        if re.fullmatch(r"([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}", value) is None:
            return [self.message or "Invalid MAC address."]
        return []


@dataclass(frozen=True, kw_only=True, slots=True)
class Lines(Field):
    """AliasContentField: newline-separated entries, rendered as an option map of entries.

    The content rules depend on the alias type and are checked by the component's own rule.
    """

    def render(self, value: str, look: Lookup) -> JSON:
        return {line: {"value": line, "selected": 1} for line in value.split("\n") if line}

    def labels(self, value: str, look: Lookup) -> list[str]:
        return [line for line in value.split("\n") if line]


@dataclass(frozen=True, kw_only=True, slots=True)
class Generated(Field):
    """A value the firewall fills in itself (UniqueIdField, refid, device names).

    ``sequence`` is the first integer from ``start`` no other record of the component holds
    (the ``UidField``/``GidField`` of users and groups); once set, it never changes.
    """

    kind: Literal["uniqid", "refid", "sequence", "none"] = "none"
    client_writable: bool = False
    start: int = 0


@dataclass(frozen=True, kw_only=True, slots=True)
class UpdateOnly(Field):
    """UpdateOnlyTextField (passwords): an empty post keeps the stored value, which never
    reads back (``getItem`` and search rows show ``""``)."""

    def normalize(self, value: str, current: str) -> str:
        return value if value != "" else current

    def as_string(self, value: str) -> str:
        return ""


@dataclass(frozen=True, kw_only=True, slots=True)
class StoreB64(Field):
    """StoreB64Field (a user's authorized keys): stored base64-encoded, read decoded."""

    def normalize(self, value: str, current: str) -> str:
        return base64.b64encode(value.encode()).decode() if value else ""

    def as_string(self, value: str) -> str:
        try:
            return base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""


_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
_RELATIVE = re.compile(r"^\+\s*(\d+)\s*(day|week)s?$", re.IGNORECASE)


def parse_date(value: str) -> dt.date | None:
    """The date ``value`` names: ``MM/DD/YYYY``, ``YYYY-MM-DD`` or ``+N days``/``+N weeks``
    (a few of the forms PHP's ``DateTime`` reads); None for anything else."""
    text = value.strip()
    for form in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            pass
    match = _RELATIVE.match(text)
    if match is None:
        return None
    days = int(match.group(1)) * (7 if match.group(2).lower() == "week" else 1)
    return dt.date.today() + dt.timedelta(days=days)


@dataclass(frozen=True, kw_only=True, slots=True)
class Expires(Field):
    """ExpiresField: a date stored as ``MM/DD/YYYY`` (other forms are converted on set)."""

    def normalize(self, value: str, current: str) -> str:
        date = parse_date(value) if value else None
        return date.strftime("%m/%d/%Y") if date is not None else value

    def problems(self, value: str, look: Lookup) -> list[str]:
        if parse_date(value) is None:
            return [self.message or "Invalid expiration date format; use MM/DD/YYYY instead."]
        return []


@dataclass(frozen=True, kw_only=True, slots=True)
class GroupMembership(ListField):
    """GroupMembershipField: group ids (``gid``) by group name; a user's memberships are the
    groups whose ``member`` lists its ``uid``."""

    def choices(self, look: Lookup) -> dict[str, str]:
        groups = look.records("auth/group").values()
        return {rec.get("gid", ""): rec.get("name", "") for rec in groups}


@dataclass(frozen=True, kw_only=True, slots=True)
class Members(ListField):
    """MemberField: user ids (``uid``) by user name."""

    def choices(self, look: Lookup) -> dict[str, str]:
        users = look.records("auth/user").values()
        return {rec.get("uid", ""): rec.get("name", "") for rec in users}


@dataclass(frozen=True, slots=True)
class Unique:
    """UniqueConstraint on ``field``, optionally together with other fields of the record."""

    field: str
    message: str
    with_fields: tuple[str, ...] = ()
    case_insensitive: bool = False

    def key(self, record: Record) -> tuple[str, ...]:
        values = [record.get(self.field, ""), *(record.get(f, "") for f in self.with_fields)]
        return tuple(v.lower() if self.case_insensitive else v for v in values)
