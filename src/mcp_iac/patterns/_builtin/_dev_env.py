"""``dev-environment``: the seed's dev VLAN with PostgreSQL and Redis containers.

The seed attaches the containers to ``${opnsense:network:vlan:dev-network.name}``, an output a
VLAN does not have, and a Docker container cannot join an OPNsense VLAN by name. Here the
containers join a Docker network made for the VLAN's segment (its label references the VLAN's
device, so it is created after the VLAN), with a fixed subnet.
"""

from __future__ import annotations

from pydantic import Field

from mcp_iac.core import Deployment
from mcp_iac.patterns._pattern import pattern

from ._common import NAME, Tagged, add
from ._docker_net import host, vlan_network


class DevEnvParams(Tagged):
    project: str = Field("dev", pattern=NAME, description="Project name (prefix of everything).")
    vlan_tag: int = Field(50, alias="vlanTag", ge=2, le=4094, description="The dev VLAN's tag.")
    parent_interface: str = Field("igc1", alias="parentInterface", description="VLAN parent.")
    subnet: str = Field("198.18.50.0/24", description="The dev network's subnet.")
    postgres_image: str = Field("postgres:15", alias="postgresImage", description="Database image.")
    redis_image: str = Field("redis:7", alias="redisImage", description="Cache image.")
    postgres_command: list[str] | None = Field(
        None, alias="postgresCommand", description="Command of the database container."
    )
    redis_command: list[str] | None = Field(
        None, alias="redisCommand", description="Command of the cache container."
    )
    db_password: str = Field(
        "dev-password",
        alias="dbPassword",
        min_length=8,
        description="PostgreSQL password (a development default; pass ${secret:KEY} for more).",
    )


@pattern("dev-environment")
def dev_environment(p: DevEnvParams) -> Deployment:
    """An isolated dev VLAN with PostgreSQL and Redis containers on its own Docker network."""
    labels = p.tags(Project=p.project)
    d = Deployment(p.project)
    vlan = add(
        d,
        "opnsense:network:vlan",
        f"{p.project}-network",
        interface=p.parent_interface,
        tag=p.vlan_tag,
        description=f"{p.project} development",
    )
    net = vlan_network(d, f"{p.project}-net", vlan, p.subnet, labels)
    db = add(
        d,
        "docker:container",
        f"{p.project}-db",
        image=p.postgres_image,
        env={"POSTGRES_PASSWORD": p.db_password, "POSTGRES_DB": p.project},
        networks=[{"name": net.out.name, "ipv4Address": host(p.subnet, 10), "aliases": ["db"]}],
        labels=labels,
        memory="1g",
        restartPolicy="unless-stopped",
        command=p.postgres_command,
    )
    cache = add(
        d,
        "docker:container",
        f"{p.project}-cache",
        image=p.redis_image,
        networks=[{"name": net.out.name, "ipv4Address": host(p.subnet, 11), "aliases": ["cache"]}],
        labels=labels,
        memory="256m",
        restartPolicy="unless-stopped",
        command=p.redis_command,
    )
    d.output("database", db.out.ipAddress)
    d.output("cache", cache.out.ipAddress)
    d.output("vlan", vlan.out.device)
    return d
