"""The few things controllers and models do beyond the generic contract, one class each."""

from __future__ import annotations

import base64
import ipaddress
import re
from collections.abc import Mapping

from ._fields import Lookup, Record, is_port
from ._pem import read_certificate, read_key_public
from ._schema import Behaviour, Site, UserError
from ._usage import alias_in_use_error, alias_usages, in_use_error, token_usages


class VlanBehaviour(Behaviour):
    """``VlanSettingsController::generateVlanIfName`` and the ``Vlan`` model's name check."""

    def overlay(
        self, posted: Mapping[str, str], current: Record | None, look: Lookup
    ) -> dict[str, str]:
        parent = posted.get("if", current.get("if", "") if current else "")
        tag = posted.get("tag", current.get("tag", "") if current else "")
        prefix = "qinq" if "vlan" in parent else "vlan"
        if posted.get("vlanif"):
            return {"vlanif": posted["vlanif"]}
        old = current.get("vlanif", "") if current else ""
        if current is not None and old == f"{parent}_vlan{tag}":
            return {"vlanif": old}
        if current is not None and "_vlan" not in old and old.startswith(prefix):
            return {"vlanif": old}
        numbers = [
            int(rec["vlanif"][len(prefix) :])
            for rec in look.records("interfaces/vlan_settings").values()
            if re.fullmatch(rf"{prefix}[0-9]+", rec.get("vlanif", ""))
        ]
        # OPNsense intentionally puts a "0" between the prefix and the number: vlan01, vlan02
        return {"vlanif": f"{prefix}0{max(numbers, default=0) + 1}"}

    def check(self, record: Record, uuid: str, look: Site) -> dict[str, list[str]]:
        name, parent = record.get("vlanif", ""), record.get("if", "")
        prefix = "qinq" if "vlan" in parent else "vlan"
        if not name or name == f"{parent}_vlan{record.get('tag', '')}":
            return {}
        if not name.startswith(prefix):
            return {"vlanif": [f"Device name does not match type (e.g. {prefix}0XXX)."]}
        if re.fullmatch(rf"{prefix}0[0-9.]{{1,10}}", name) is None:
            return {
                "vlanif": [
                    f"A maximum of 16 characters is allowed starting with {prefix}0 combined "
                    f"with numeric characters and dots[.], e.g. ({prefix}.1.104)"
                ]
            }
        return {}


_ALIAS_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]{0,31}")
_RESERVED_ALIAS_NAMES = {"any", "self", "none", "lan", "wan", "opt1", "loopback"}
_URL = re.compile(r"https?://\S+")


class AliasBehaviour(Behaviour):
    """The ``Alias`` model's name and content rules, and ``delItem``'s usage check."""

    def check(self, record: Record, uuid: str, look: Site) -> dict[str, list[str]]:
        problems: dict[str, list[str]] = {}
        name = record.get("name", "")
        if name and (_ALIAS_NAME.fullmatch(name) is None or name in _RESERVED_ALIAS_NAMES):
            problems["name"] = [
                "The name must be less than 32 characters long and may only consist of the "
                "following characters: a-z, A-Z, 0-9, _"
            ]
        bad = [e for e in record.get("content", "").split("\n") if e and not self._fits(e, record)]
        if bad:
            problems["content"] = [self._content_message(e, record.get("type", "")) for e in bad]
        return problems

    @staticmethod
    def _fits(entry: str, record: Record) -> bool:
        kind = record.get("type", "")
        net = _address(entry) or entry == "any"
        if kind == "host":
            return net or re.fullmatch(r"[A-Za-z0-9_.-]+", entry) is not None
        if kind == "network":
            return net or re.fullmatch(r"!?[A-Za-z_][A-Za-z0-9_]*", entry) is not None
        if kind == "port":
            parts = entry.split(":")
            return all(p.isdigit() and is_port(p) for p in parts) or entry.isidentifier()
        if kind in ("url", "urltable"):
            return _URL.fullmatch(entry) is not None
        return True

    @staticmethod
    def _content_message(entry: str, kind: str) -> str:
        return {
            "host": f'Entry "{entry}" is not a valid hostname, IP address or range.',
            "network": f'Entry "{entry}" is not a valid network or alias.',
            "port": f'Entry "{entry}" is not a valid port number.',
        }.get(kind, f'Entry "{entry}" is not a valid URL.')

    def refuse_delete(self, uuid: str, record: Record, look: Site) -> UserError | None:
        usages = alias_usages(look, record.get("name", ""), skip=uuid)
        return alias_in_use_error(usages) if usages else None


def _address(entry: str) -> bool:
    try:
        ipaddress.ip_network(entry.lstrip("!"), strict=False)
    except ValueError:
        return False
    return True


class HostOverrideBehaviour(Behaviour):
    """Unbound host overrides: what each record type needs."""

    def check(self, record: Record, uuid: str, look: Site) -> dict[str, list[str]]:
        rr, server = record.get("rr", ""), record.get("server", "")
        if rr in ("A", "AAAA"):
            family = 4 if rr == "A" else 6
            try:
                ok = ipaddress.ip_address(server).version == family
            except ValueError:
                ok = False
            if not ok:
                return {"server": [f"A valid IPv{family} address is required for {rr} records."]}
        if rr == "MX" and not (record.get("mx") and record.get("mxprio")):
            return {"mx": ["A mail exchanger and priority are required for MX records."]}
        if rr == "TXT" and not record.get("txtdata"):
            return {"txtdata": ["Text data is required for TXT records."]}
        return {}


class KeaBehaviour(Behaviour):
    """Kea DHCPv4: pools and reservation addresses must lie in their subnet."""

    def __init__(self, *, reservation: bool) -> None:
        self.reservation = reservation

    def check(self, record: Record, uuid: str, look: Site) -> dict[str, list[str]]:
        if self.reservation:
            subnet = look.records("kea/dhcpv4/subnet").get(record.get("subnet", ""), {})
            address = record.get("ip_address", "")
            if address and subnet and not _within(address, subnet.get("subnet", "")):
                return {"ip_address": ["Address not in subnet"]}
            return {}
        bad = [
            pool
            for pool in re.split(r"[\n,]", record.get("pools", ""))
            if pool.strip() and not _pool_within(pool.strip(), record.get("subnet", ""))
        ]
        return {"pools": [f"Pool {pool} not within subnet" for pool in bad]} if bad else {}


def _within(address: str, subnet: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(subnet, strict=False)
    except ValueError:
        return False


def _pool_within(pool: str, subnet: str) -> bool:
    if "-" in pool:
        return all(_within(part.strip(), subnet) for part in pool.split("-", 1))
    try:
        inner = ipaddress.ip_network(pool, strict=False)
        outer = ipaddress.ip_network(subnet, strict=False)
    except ValueError:
        return False
    if isinstance(inner, ipaddress.IPv4Network) and isinstance(outer, ipaddress.IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(inner, ipaddress.IPv6Network) and isinstance(outer, ipaddress.IPv6Network):
        return inner.subnet_of(outer)
    return False


class CertBehaviour(Behaviour):
    """Trust store certificates: only the ``import`` action is emulated."""

    def check(self, record: Record, uuid: str, look: Site) -> dict[str, list[str]]:
        action = record.get("action", "")
        if action not in ("", "import"):
            return {
                "action": [
                    f"The emulator does not implement the action {action!r}; "
                    "import an existing certificate (action=import)."
                ]
            }
        crt = record.get("crt_payload", "")
        if not crt:
            return {} if record.get("crt") else {"crt_payload": ["A value is required."]}
        info = read_certificate(crt)
        if info is None:
            return {"crt_payload": ["Invalid X509 certificate provided"]}
        prv = record.get("prv_payload", "")
        if prv:
            public = read_key_public(prv)
            if public is None:
                return {"prv_payload": ["Invalid private key provided"]}
            if public != info.public_key:
                return {"prv_payload": ["Private key does not match certificate"]}
        return {}

    def finish(self, record: dict[str, str], current: Record | None, look: Site) -> None:
        if record.get("crt_payload"):
            record["crt"] = base64.b64encode(record["crt_payload"].encode()).decode()
            prv = record.get("prv_payload", "")
            record["prv"] = base64.b64encode(prv.encode()).decode() if prv else ""

    def derived(self, uuid: str, record: Record, look: Site) -> dict[str, str]:
        pem = base64.b64decode(record.get("crt", "")).decode() if record.get("crt") else ""
        info = read_certificate(pem) if pem else None
        refid = record.get("refid", "")
        used = bool(refid) and bool(token_usages(look, refid, skip=uuid))
        return {
            "crt_payload": pem,
            "commonname": info.common_name if info else "",
            "valid_from": str(info.valid_from) if info else "",
            "valid_to": str(info.valid_to) if info else "",
            "name": record.get("descr", ""),
            "in_use": "1" if used else "0",
            "is_user": "0",
            "action": "",
        }

    def refuse_delete(self, uuid: str, record: Record, look: Site) -> UserError | None:
        refid = record.get("refid", "")
        usages = token_usages(look, refid, skip=uuid) if refid else []
        return in_use_error("cert", record.get("descr", uuid), usages) if usages else None
