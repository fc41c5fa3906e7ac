"""``game-server``: the seed's Minecraft use case ("Deploy a Minecraft server for 10 players").

VLAN 20 (gaming), a DHCP range on it, a Docker network for its segment, the server container
with a memory limit sized from the players, a firewall rule that lets players reach port 25565
on the container's address, and a DNS override naming it. The rule and the DNS record reference
the container's address, so they follow it.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from mcp_iac.core import Deployment
from mcp_iac.patterns._pattern import pattern

from ._common import DOMAIN, NAME, Tagged, add
from ._docker_net import host, pool, vlan_network

GAMES: dict[str, tuple[str, int]] = {"minecraft": ("itzg/minecraft-server:latest", 25565)}
"""Game -> default image and port."""


class GameParams(Tagged):
    name: str = Field("minecraft", pattern=NAME, description="Server name (and DNS host name).")
    game: Literal["minecraft"] = Field("minecraft", description="The game.")
    players: int = Field(10, ge=1, le=500, description="Players at once.")
    ram_gb: int | None = Field(
        None,
        alias="ramGb",
        ge=1,
        le=64,
        description="Server memory in GB; default 1 GB per 10 players, at least 2.",
    )
    vlan_tag: int = Field(20, alias="vlanTag", ge=2, le=4094, description="The gaming VLAN.")
    parent_interface: str = Field("igc1", alias="parentInterface", description="VLAN parent.")
    subnet: str = Field("198.18.20.0/24", description="The gaming network.")
    domain: str = Field("home.example.net", pattern=DOMAIN, description="DNS domain.")
    image: str | None = Field(None, description="Container image (default: the game's).")
    command: list[str] | None = Field(None, description="Container command (default: the image's).")
    port: int | None = Field(None, ge=1, le=65535, description="Game port (default: the game's).")

    @property
    def ram(self) -> int:
        return self.ram_gb or max(2, math.ceil(self.players / 10))


@pattern("game-server")
def game_server(p: GameParams) -> Deployment:
    """A game server container on its own VLAN with DHCP, a firewall rule for its port, a
    memory limit sized from the players, and a DNS name."""
    default_image, default_port = GAMES[p.game]
    port = p.port or default_port
    labels = p.tags(Game=p.game)
    d = Deployment(p.name)
    vlan = add(
        d,
        "opnsense:network:vlan",
        f"{p.name}-vlan",
        interface=p.parent_interface,
        tag=p.vlan_tag,
        description="Gaming",
    )
    add(
        d,
        "opnsense:service:dhcp:range",
        f"{p.name}-dhcp",
        subnet=p.subnet,
        pools=[pool(p.subnet, 100, 200)],
        routers=[host(p.subnet, 1)],
        description=f"{p.name} players (VLAN ${{opnsense:network:vlan:{p.name}-vlan.device}})",
    )
    net = vlan_network(d, f"{p.name}-net", vlan, p.subnet, labels)
    server = add(
        d,
        "docker:container",
        p.name,
        image=p.image or default_image,
        env={"EULA": "TRUE", "MAX_PLAYERS": str(p.players), "MEMORY": f"{p.ram}G"},
        ports=[{"containerPort": port, "hostPort": port}],
        networks=[{"name": net.out.name, "ipv4Address": host(p.subnet, 10)}],
        memory=f"{p.ram * 1024 + 512}m",
        restartPolicy="unless-stopped",
        labels=labels,
        command=p.command,
    )
    add(
        d,
        "opnsense:firewall:rule",
        f"{p.name}-allow-players",
        interface="wan",
        protocol="tcp",
        source="any",
        destination=server.out.ipAddress,
        destinationPort=port,
        action="pass",
        log=True,
        description=f"{p.game} players",
    )
    add(
        d,
        "opnsense:service:dns:override",
        f"{p.name}-dns",
        hostname=p.name,
        domain=p.domain,
        type="A",
        address=server.out.ipAddress,
        description=f"{p.game} server",
    )
    d.output("address", server.out.ipAddress)
    d.output("hostname", f"{p.name}.{p.domain}")
    d.output("memory", f"{p.ram * 1024 + 512}m")
    return d
