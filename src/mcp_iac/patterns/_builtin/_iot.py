"""``iot-edge``: an isolated IoT VLAN with DHCP, an MQTT broker for the devices, a DNS name for
it, and firewall rules: devices reach the broker (logged) and nothing else on the LAN."""

from __future__ import annotations

from pydantic import Field

from mcp_iac.core import Deployment
from mcp_iac.patterns._pattern import pattern

from ._common import DOMAIN, NAME, Tagged, add
from ._docker_net import host, pool, vlan_network


class IotParams(Tagged):
    site: str = Field("iot", pattern=NAME, description="Site name (prefix of everything).")
    vlan_tag: int = Field(40, alias="vlanTag", ge=2, le=4094, description="The IoT VLAN.")
    parent_interface: str = Field("igc1", alias="parentInterface", description="VLAN parent.")
    subnet: str = Field("198.18.40.0/24", description="The IoT network.")
    lan_network: str = Field(
        "198.18.0.0/24", alias="lanNetwork", description="The LAN devices must not reach."
    )
    broker_image: str = Field("eclipse-mosquitto:2", alias="brokerImage", description="MQTT image.")
    broker_command: list[str] | None = Field(
        None, alias="brokerCommand", description="Its command."
    )
    domain: str = Field("home.example.net", pattern=DOMAIN, description="DNS domain.")


@pattern("iot-edge")
def iot_edge(p: IotParams) -> Deployment:
    """Devices on their own VLAN talk to a local MQTT broker and cannot reach the LAN."""
    labels = p.tags(Site=p.site)
    d = Deployment(p.site)
    vlan = add(
        d,
        "opnsense:network:vlan",
        f"{p.site}-vlan",
        interface=p.parent_interface,
        tag=p.vlan_tag,
        description=f"{p.site} devices",
    )
    add(
        d,
        "opnsense:service:dhcp:range",
        f"{p.site}-dhcp",
        subnet=p.subnet,
        pools=[pool(p.subnet, 50, 250)],
        routers=[host(p.subnet, 1)],
        description=f"{p.site} devices (VLAN ${{opnsense:network:vlan:{p.site}-vlan.device}})",
    )
    net = vlan_network(d, f"{p.site}-net", vlan, p.subnet, labels)
    broker = add(
        d,
        "docker:container",
        f"{p.site}-mqtt",
        image=p.broker_image,
        memory="256m",
        restartPolicy="unless-stopped",
        labels=labels,
        networks=[{"name": net.out.name, "ipv4Address": host(p.subnet, 10), "aliases": ["mqtt"]}],
        command=p.broker_command,
    )
    add(
        d,
        "opnsense:firewall:rule",
        f"{p.site}-to-broker",
        interface="lan",
        protocol="tcp",
        source=p.subnet,
        destination=broker.out.ipAddress,
        destinationPort=1883,
        action="pass",
        log=True,
        sequence=100,
        description="devices to MQTT",
    )
    add(
        d,
        "opnsense:firewall:rule",
        f"{p.site}-block-lan",
        depends_on=[vlan],
        interface="lan",
        source=p.subnet,
        destination=p.lan_network,
        action="block",
        log=True,
        sequence=200,
        description=f"{p.site} devices stay off the LAN",
    )
    add(
        d,
        "opnsense:service:dns:override",
        f"{p.site}-mqtt-dns",
        hostname=f"mqtt-{p.site}",
        domain=p.domain,
        type="A",
        address=broker.out.ipAddress,
    )
    d.output("broker", broker.out.ipAddress)
    return d
