"""Security group rules: the user's ``ingress``/``egress`` rules, AWS's ``IpPermissions``, and
the difference between them.

Both sides are reduced to **atoms**: one protocol and port range, one source (an IPv4 block, an
IPv6 block or a security group), and a description. Updating is a set difference of atoms
(revoke, authorize, re-describe), so only the rules that changed are touched. Reading regroups
the atoms into rules shaped like the user's (the last known properties), so a group in sync
reads back exactly as declared, and one changed outside mcp-iac shows which rule differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from ._model import Cidr4, Cidr6, Nested

SELF = "self"
"""In ``sourceSecurityGroupIds``: the group the rule belongs to."""

_NAMED = {"tcp", "udp", "icmp", "icmpv6", "all"}
_PORTED = {"tcp", "udp", "icmp", "icmpv6"}
_NUMBERED = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "-1": "all"}


class Rule(Nested):
    """One security group rule: a protocol and ports, from (or to) some sources."""

    protocol: str = Field(
        description="'tcp', 'udp', 'icmp', 'icmpv6', 'all', or an IP protocol number.",
    )
    from_port: int | None = Field(
        default=None,
        alias="fromPort",
        ge=-1,
        le=65535,
        description="First port (tcp, udp), or the ICMP type (-1: any).",
    )
    to_port: int | None = Field(
        default=None,
        alias="toPort",
        ge=-1,
        le=65535,
        description="Last port (tcp, udp), or the ICMP code (-1: any).",
    )
    cidr_blocks: list[Cidr4] = Field(
        default_factory=list, alias="cidrBlocks", description="IPv4 sources (destinations)."
    )
    ipv6_cidr_blocks: list[Cidr6] = Field(
        default_factory=list, alias="ipv6CidrBlocks", description="IPv6 sources (destinations)."
    )
    source_security_group_ids: list[str] = Field(
        default_factory=list,
        alias="sourceSecurityGroupIds",
        description="Security groups as sources (destinations); 'self' is this group.",
    )
    description: str | None = Field(default=None, max_length=255, description="Why it exists.")

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        proto = self.protocol
        if proto in _NUMBERED:  # AWS reports these by name: the declared form must match
            raise ValueError(f"write protocol {_NUMBERED[proto]!r} instead of {proto!r}")
        if proto not in _NAMED and not re.fullmatch(r"[0-9]{1,3}", proto):
            raise ValueError(
                f"protocol {proto!r} is not one of tcp, udp, icmp, icmpv6, all, or a protocol "
                "number"
            )
        ports = (self.from_port, self.to_port)
        if proto in _PORTED:
            if None in ports:
                raise ValueError(f"protocol {proto} needs fromPort and toPort (both; -1 for any)")
            if proto in ("tcp", "udp"):
                low, high = self.from_port, self.to_port
                if low is None or high is None or low < 0 or low > high:
                    raise ValueError("fromPort must be 0..65535 and not above toPort")
        elif ports != (None, None):
            raise ValueError(f"protocol {proto} takes no fromPort/toPort")
        if not (self.cidr_blocks or self.ipv6_cidr_blocks or self.source_security_group_ids):
            raise ValueError(
                "a rule needs at least one of cidrBlocks, ipv6CidrBlocks, sourceSecurityGroupIds"
            )
        return self


Kind = Literal["cidr4", "cidr6", "group"]


@dataclass(frozen=True, slots=True)
class Atom:
    """One AWS rule: protocol (AWS form), ports, one source; the description is kept apart."""

    protocol: str
    from_port: int | None
    to_port: int | None
    kind: Kind
    source: str


def _aws_protocol(protocol: str) -> str:
    return "-1" if protocol == "all" else protocol


def _user_protocol(protocol: str) -> str:
    return "all" if protocol == "-1" else protocol


def atoms_of(rules: Iterable[Rule], group_id: str) -> dict[Atom, str | None]:
    """The atoms of the user's rules, each with its description (``self`` resolved)."""
    out: dict[Atom, str | None] = {}
    for rule in rules:
        proto = _aws_protocol(rule.protocol)
        ports = (rule.from_port, rule.to_port)
        sources: list[tuple[Kind, str]] = [
            *(("cidr4", c) for c in rule.cidr_blocks),
            *(("cidr6", c) for c in rule.ipv6_cidr_blocks),
            *(("group", group_id if g == SELF else g) for g in rule.source_security_group_ids),
        ]
        for kind, source in sources:
            out[Atom(proto, *ports, kind, source)] = rule.description
    return out


def atoms_from_aws(permissions: Iterable[dict[str, Any]]) -> dict[Atom, str | None]:
    """The atoms of AWS's ``IpPermissions`` (prefix lists are not modelled and are skipped)."""
    out: dict[Atom, str | None] = {}
    for perm in permissions:
        proto = str(perm["IpProtocol"])
        if proto in ("-1", "all") or proto not in _PORTED:
            ports: tuple[int | None, int | None] = (None, None)
        else:
            ports = (perm.get("FromPort"), perm.get("ToPort"))
        for r in perm.get("IpRanges", []):
            out[Atom(proto, *ports, "cidr4", r["CidrIp"])] = r.get("Description")
        for r in perm.get("Ipv6Ranges", []):
            out[Atom(proto, *ports, "cidr6", r["CidrIpv6"])] = r.get("Description")
        for r in perm.get("UserIdGroupPairs", []):
            out[Atom(proto, *ports, "group", r["GroupId"])] = r.get("Description")
    return out


def permission(atom: Atom, description: str | None) -> dict[str, Any]:
    """One ``IpPermission`` for one atom."""
    perm: dict[str, Any] = {"IpProtocol": atom.protocol}
    if atom.from_port is not None:
        perm["FromPort"] = atom.from_port
        perm["ToPort"] = atom.to_port
    entry: dict[str, Any] = {}
    if description:
        entry["Description"] = description
    if atom.kind == "cidr4":
        perm["IpRanges"] = [{"CidrIp": atom.source, **entry}]
    elif atom.kind == "cidr6":
        perm["Ipv6Ranges"] = [{"CidrIpv6": atom.source, **entry}]
    else:
        perm["UserIdGroupPairs"] = [{"GroupId": atom.source, **entry}]
    return perm


@dataclass(frozen=True, slots=True)
class RuleChanges:
    """What turns the actual rules into the desired ones."""

    revoke: list[Atom]
    authorize: list[tuple[Atom, str | None]]
    describe: list[tuple[Atom, str | None]]

    def __bool__(self) -> bool:
        return bool(self.revoke or self.authorize or self.describe)


def rule_changes(actual: dict[Atom, str | None], desired: dict[Atom, str | None]) -> RuleChanges:
    """Atoms to revoke, to authorize, and to re-describe."""
    return RuleChanges(
        revoke=[a for a in actual if a not in desired],
        authorize=[(a, d) for a, d in desired.items() if a not in actual],
        describe=[(a, d) for a, d in desired.items() if a in actual and actual[a] != d],
    )


def _rule(atoms: Sequence[Atom], description: str | None, group_id: str, like: Rule | None) -> Rule:
    first = atoms[0]
    return Rule.shaped(
        {
            "protocol": _user_protocol(first.protocol),
            "fromPort": first.from_port,
            "toPort": first.to_port,
            "cidrBlocks": [a.source for a in atoms if a.kind == "cidr4"],
            "ipv6CidrBlocks": [a.source for a in atoms if a.kind == "cidr6"],
            "sourceSecurityGroupIds": [
                SELF if a.source == group_id else a.source for a in atoms if a.kind == "group"
            ],
            "description": description,
        },
        like,
    )


def rules_from(
    actual: dict[Atom, str | None], hint: Sequence[Rule] | None, group_id: str
) -> list[Rule]:
    """The actual atoms as rules: first shaped like the hint's rules (in its order, split
    where descriptions now differ), then what the hint lacks, one rule per protocol, ports and
    description."""
    left = dict(actual)
    out: list[Rule] = []
    for wanted in hint or ():
        # The hinted rule's own form of 'self' must survive: resolve only to match.
        present = [a for a in atoms_of([wanted], group_id) if a in left]
        by_description: dict[str | None, list[Atom]] = {}
        for atom in present:
            by_description.setdefault(left.pop(atom), []).append(atom)
        out.extend(_rule(atoms, d, group_id, wanted) for d, atoms in by_description.items())
    grouped: dict[tuple[str, int | None, int | None, str | None], list[Atom]] = {}
    for atom, description in left.items():
        key = (atom.protocol, atom.from_port, atom.to_port, description)
        grouped.setdefault(key, []).append(atom)
    out.extend(_rule(atoms, key[3], group_id, None) for key, atoms in grouped.items())
    return out
