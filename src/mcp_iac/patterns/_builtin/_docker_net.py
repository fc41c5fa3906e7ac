"""A Docker network tied to an OPNsense VLAN, shared by the patterns that run containers."""

from __future__ import annotations

import ipaddress

from mcp_iac.core import Deployment, Resource

from ._common import add


def vlan_network(
    d: Deployment, name: str, vlan: Resource, subnet: str, labels: dict[str, str]
) -> Resource:
    """A bridge network on ``subnet`` for containers of the VLAN's segment. Its label carries
    the VLAN's device (a reference), so it is made after the VLAN and says which it serves."""
    gateway = str(next(ipaddress.ip_network(subnet).hosts()))
    return add(
        d,
        "docker:network",
        name,
        name=name,
        subnet=subnet,
        gateway=gateway,
        labels={**labels, "vlan": vlan.out.device},
    )


def host(subnet: str, index: int) -> str:
    """The ``index``-th address of ``subnet`` (1 is the gateway)."""
    return str(ipaddress.ip_network(subnet).network_address + index)


def pool(subnet: str, first: int, last: int) -> str:
    return f"{host(subnet, first)}-{host(subnet, last)}"
