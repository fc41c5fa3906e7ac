"""Pack ``security-group-restrictions`` (the seed's): no any-to-any rules, no SSH from the
internet, on OPNsense filter rules and NAT port forwards and on AWS security groups."""

from __future__ import annotations

from collections.abc import Iterator

from mcp_iac.core import UNKNOWN
from mcp_iac.policy._model import Finding
from mcp_iac.policy._policy import Policy, policy
from mcp_iac.policy._view import Maybe, PlannedResource, all_of, eq, negate

from . import _common as c
from ._pack import Pack


def _any_to_any(r: PlannedResource) -> Iterator[Finding | Maybe]:
    if r.type == "opnsense:firewall:rule":
        yield all_of(c.opnsense_passes(r), c.opnsense_from_anywhere(r), c.opnsense_to_anywhere(r))
        return
    ingress = c.rules(r.get("ingress"))
    if ingress is UNKNOWN:
        yield UNKNOWN
        return
    assert isinstance(ingress, list)
    for i, rule in enumerate(ingress):
        verdict = all_of(c.aws_rule_all_traffic(rule), c.aws_rule_from_internet(rule))
        if verdict is not False:
            yield Finding(
                message="Security group {address} allows any-to-any traffic "
                f"(ingress[{i}]: every protocol and port from the internet)",
                path=f"ingress[{i}]",
                undetermined=verdict is UNKNOWN,
            )


def _ssh_from_internet(r: PlannedResource) -> Maybe:
    # only an explicit port: a rule with no port at all is the any-to-any case
    port = r.get("destinationPort")
    if port is None:
        return False
    if r.type == "opnsense:firewall:rule":
        passes = c.opnsense_passes(r)
    else:  # a NAT entry: only port forwards expose an inside port
        passes = all_of(eq(r.get("kind"), "portForward"), negate(eq(r.get("enabled", True), False)))
    return all_of(
        passes,
        c.opnsense_from_anywhere(r),
        c.carries_tcp(r.get("protocol", "any")),
        c.covers_port(port, 22),
    )


def build(_: object) -> list[Policy]:
    any_to_any = policy(
        "no-any-to-any",
        title="No any-to-any rules",
        severity="high",
        types=["opnsense:firewall:rule", "aws:ec2:securityGroup"],
        message="Firewall rule {address} allows any-to-any traffic",
        remediation="Name the source and destination the rule is for (an address, a network, "
        "an alias or <interface>net), or make it a block rule.",
        description="A pass rule from any source to any destination opens the network it is "
        "on to everything; so does an AWS security group rule for every protocol from "
        "0.0.0.0/0 or ::/0.",
    )(_any_to_any)
    ssh = policy(
        "no-ssh-from-internet",
        title="No SSH from the internet",
        severity="critical",
        types=["opnsense:firewall:rule", "opnsense:firewall:nat"],
        message="SSH exposed to internet: {address} lets any source reach port 22",
        remediation="Allow SSH only from a management network or VPN (set 'source'), or "
        "remove the rule.",
        description="An OPNsense pass rule or port forward from any source whose destination "
        "port covers 22 (22, a range containing it, or 'ssh').",
    )(_ssh_from_internet)
    return [any_to_any, ssh]


PACK = Pack(
    name="security-group-restrictions",
    description="No any-to-any firewall rules; no SSH from the internet (OPNsense rules and "
    "port forwards, AWS security groups).",
    default=True,
    build=build,
)
