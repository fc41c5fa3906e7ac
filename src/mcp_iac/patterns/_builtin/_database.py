"""``secure-database-cluster``: a private, encrypted-in-transit database reachable only from the
application network and an OPNsense admin VLAN, with backups kept."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mcp_iac.core import Deployment
from mcp_iac.patterns._pattern import pattern

from ._common import NAME, Tagged, add

PORTS = {"postgres": 5432, "mysql": 3306}


class DatabaseParams(Tagged):
    name: str = Field(pattern=NAME, description="Cluster name.")
    engine: Literal["postgres", "mysql"] = Field("postgres", description="Database engine.")
    instance_class: str = Field("db.t3.micro", alias="instanceClass", description="RDS class.")
    storage_gb: int = Field(20, alias="storageGb", ge=20, le=65536, description="Storage in GB.")
    multi_az: bool = Field(True, alias="multiAz", description="A standby in another zone.")
    backup_days: int = Field(7, alias="backupDays", ge=1, le=35, description="Backup retention.")
    app_cidr: str = Field(
        "198.18.10.0/24", alias="appCidr", description="The only network that may connect."
    )
    admin_vlan_tag: int = Field(30, alias="adminVlanTag", ge=2, le=4094, description="Admin VLAN.")
    admin_network: str = Field(
        "198.18.30.0/24", alias="adminNetwork", description="The admin VLAN's network."
    )
    parent_interface: str = Field("igc1", alias="parentInterface", description="VLAN parent.")


@pattern("secure-database-cluster")
def secure_database(p: DatabaseParams) -> Deployment:
    """A private RDS database (RDS-managed password, backups, optional standby) that only the
    application network may reach, and an OPNsense admin VLAN whose logged rule is the only way
    in for administrators."""
    port = PORTS[p.engine]
    tags = p.tags(Cluster=p.name)
    d = Deployment(p.name)
    sg = add(
        d,
        "aws:ec2:securityGroup",
        f"{p.name}-db",
        description=f"{p.name} database clients",
        tags=tags,
        ingress=[
            {
                "protocol": "tcp",
                "fromPort": port,
                "toPort": port,
                "cidrBlocks": [p.app_cidr],
                "description": "application",
            },
            {
                "protocol": "tcp",
                "fromPort": port,
                "toPort": port,
                "cidrBlocks": [p.admin_network],
                "description": "administrators",
            },
        ],
    )
    db = add(
        d,
        "aws:rds:instance",
        f"{p.name}-db",
        engine=p.engine,
        instanceClass=p.instance_class,
        allocatedStorage=p.storage_gb,
        masterUsername="admin_user",
        vpcSecurityGroupIds=[sg.out.id],
        publiclyAccessible=False,
        multiAz=p.multi_az,
        backupRetentionPeriod=p.backup_days,
        deletionProtection=False,
        skipFinalSnapshot=True,
        tags=tags,
    )
    vlan = add(
        d,
        "opnsense:network:vlan",
        f"{p.name}-admin",
        interface=p.parent_interface,
        tag=p.admin_vlan_tag,
        description=f"{p.name} DB admins",
    )
    add(
        d,
        "opnsense:firewall:rule",
        f"{p.name}-admin-to-db",
        depends_on=[vlan],
        interface="lan",
        protocol="tcp",
        source=p.admin_network,
        destination=db.out.address,
        destinationPort=port,
        action="pass",
        log=True,
        description=f"DB admins to {p.name}",
    )
    d.output("endpoint", db.out.endpoint)
    d.output("passwordSecret", db.out.masterUserSecretArn)
    return d
