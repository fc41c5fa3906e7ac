"""``pci-compliant-ecommerce``: the seed's e-commerce platform with PCI compliance; it passes
the ``pci`` policy pack (and the default packs and ``required-tags``).

Parameters are the seed's: appName, domain, paymentProcessor, databases, monitoring, backup.
Storefront servers run in an auto-scaling group behind a TLS 1.2+ load balancer; ``postgres``
is a private RDS instance keeping ``backup.retention`` days of backups (at most 35, RDS's
limit); ``redis`` a cache container on an internal Docker network; ``monitoring`` adds a
versioned bucket for logs; the cardholder-data VLAN on OPNsense may only reach the payment
processor's API, and that rule is logged.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mcp_iac.core import Deployment
from mcp_iac.patterns._pattern import Params, pattern

from ._common import DOMAIN, NAME, Tagged, add

PROCESSORS = {
    "stripe": ["api.stripe.com"],
    "adyen": ["checkout-live.adyen.com"],
    "braintree": ["api.braintreegateway.com"],
}


Store = Literal["postgres", "redis"]
DEFAULT_STORES: list[Store] = ["postgres", "redis"]


class Backup(Params):
    enabled: bool = Field(True, description="Keep database backups.")
    schedule: str = Field("0 2 * * *", description="Cron schedule (recorded as a tag).")
    retention: int = Field(30, ge=7, le=365, description="Days to keep backups (RDS: 35 at most).")


class PciParams(Tagged):
    app_name: str = Field(alias="appName", pattern=NAME, description="Application name.")
    domain: str = Field(pattern=DOMAIN, description="The shop's domain.")
    payment_processor: Literal["stripe", "adyen", "braintree"] = Field(
        "stripe", alias="paymentProcessor", description="Payment processor."
    )
    databases: list[Store] = Field(
        default_factory=lambda: list(DEFAULT_STORES), description="Data stores."
    )
    monitoring: bool = Field(True, description="A versioned log bucket.")
    backup: Backup = Field(default_factory=Backup, description="Database backups.")
    min_instances: int = Field(2, alias="minInstances", ge=1, le=50, description="Servers, least.")
    max_instances: int = Field(6, alias="maxInstances", ge=1, le=50, description="Servers, most.")
    image_id: str = Field("ami-12c6146b", alias="imageId", description="AMI of the servers.")
    instance_type: str = Field("t3.small", alias="instanceType", description="EC2 type.")
    vpc_cidr: str = Field("198.18.0.0/16", alias="vpcCidr", description="The VPC's network.")
    availability_zones: list[str] = Field(
        default_factory=lambda: ["us-east-1a", "us-east-1b"],
        alias="availabilityZones",
        min_length=2,
        max_length=2,
        description="Two zones.",
    )
    cde_vlan_tag: int = Field(60, alias="cdeVlanTag", ge=2, le=4094, description="CDE VLAN.")
    cde_network: str = Field("198.18.60.0/24", alias="cdeNetwork", description="CDE network.")
    parent_interface: str = Field("igc1", alias="parentInterface", description="VLAN parent.")
    cache_image: str = Field("redis:7", alias="cacheImage", description="Cache image.")
    cache_command: list[str] | None = Field(None, alias="cacheCommand", description="Its command.")
    cache_subnet: str = Field("198.18.61.0/24", alias="cacheSubnet", description="Cache network.")


@pattern("pci-compliant-ecommerce")
def pci_ecommerce(p: PciParams) -> Deployment:
    """An e-commerce platform laid out for PCI DSS: TLS 1.2+ only, private database with
    backups, segmented cardholder-data VLAN whose egress is logged, versioned log storage."""
    app = p.app_name
    tags = p.tags(App=app, DataClassification="cardholder")
    d = Deployment(app)
    vpc = add(d, "aws:ec2:vpc", f"{app}-vpc", cidrBlock=p.vpc_cidr, tags=tags)
    prefix = ".".join(p.vpc_cidr.split("/")[0].split(".")[:2])
    subnets = [
        add(
            d,
            "aws:ec2:subnet",
            f"{app}-subnet-{i + 1}",
            vpcId=vpc.out.id,
            cidrBlock=f"{prefix}.{i + 1}.0/24",
            availabilityZone=zone,
            tags=tags,
        )
        for i, zone in enumerate(p.availability_zones)
    ]
    web_sg = add(
        d,
        "aws:ec2:securityGroup",
        f"{app}-web",
        description=f"{app} HTTPS",
        vpcId=vpc.out.id,
        tags=tags,
        ingress=[{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}],
    )
    app_sg = add(
        d,
        "aws:ec2:securityGroup",
        f"{app}-app",
        description=f"{app} servers",
        vpcId=vpc.out.id,
        tags=tags,
        ingress=[
            {
                "protocol": "tcp",
                "fromPort": 8080,
                "toPort": 8080,
                "sourceSecurityGroupIds": [web_sg.out.id],
            }
        ],
    )
    cert = add(d, "aws:acm:certificate", f"{app}-cert", domainName=p.domain, tags=tags)
    tg = add(
        d,
        "aws:elb:targetGroup",
        f"{app}-tg",
        port=8080,
        protocol="HTTP",
        vpcId=vpc.out.id,
        healthCheckPath="/health",
        tags=tags,
    )
    lb = add(
        d,
        "aws:elb:loadBalancer",
        f"{app}-lb",
        subnetIds=[s.out.id for s in subnets],
        securityGroupIds=[web_sg.out.id],
        tags=tags,
        listeners=[
            {
                "port": 443,
                "protocol": "HTTPS",
                "targetGroupArn": tg.out.arn,
                "certificateArn": cert.out.arn,
                "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            }
        ],
    )
    template = add(
        d,
        "aws:ec2:launchTemplate",
        f"{app}-template",
        imageId=p.image_id,
        instanceType=p.instance_type,
        securityGroupIds=[app_sg.out.id],
        tags=tags,
    )
    add(
        d,
        "aws:autoscaling:group",
        f"{app}-asg",
        minSize=p.min_instances,
        maxSize=p.max_instances,
        launchTemplate=template.out.id,
        subnetIds=[s.out.id for s in subnets],
        targetGroupArns=[tg.out.arn],
        tags=tags,
    )
    if "postgres" in p.databases:
        db_sg = add(
            d,
            "aws:ec2:securityGroup",
            f"{app}-db",
            description=f"{app} database",
            tags=tags,
            ingress=[
                {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": [p.vpc_cidr]}
            ],
        )
        retention = min(p.backup.retention, 35) if p.backup.enabled else 7
        add(
            d,
            "aws:rds:instance",
            f"{app}-db",
            engine="postgres",
            instanceClass="db.t3.micro",
            allocatedStorage=20,
            masterUsername="shop_admin",
            vpcSecurityGroupIds=[db_sg.out.id],
            publiclyAccessible=False,
            multiAz=True,
            backupRetentionPeriod=retention,
            skipFinalSnapshot=True,
            tags={**tags, "BackupSchedule": p.backup.schedule},
        )
    if "redis" in p.databases:
        net = add(
            d,
            "docker:network",
            f"{app}-cache-net",
            name=f"{app}-cache-net",
            subnet=p.cache_subnet,
            internal=True,
            labels=tags,
        )
        add(
            d,
            "docker:container",
            f"{app}-cache",
            image=p.cache_image,
            memory="512m",
            networks=[{"name": net.out.name}],
            restartPolicy="unless-stopped",
            labels=tags,
            command=p.cache_command,
        )
    if p.monitoring:
        add(
            d,
            "aws:s3:bucket",
            f"{app}-logs",
            bucket=f"{app}-logs-{p.domain.replace('.', '-')}"[:63],
            versioning=True,
            forceDestroy=True,
            tags=tags,
        )
    vlan = add(
        d,
        "opnsense:network:vlan",
        f"{app}-cde",
        interface=p.parent_interface,
        tag=p.cde_vlan_tag,
        description=f"{app} cardholder data",
    )
    processor = add(
        d,
        "opnsense:firewall:alias",
        f"{app}-processor",
        name=f"{app.replace('-', '_')}_psp"[:32],
        type="host",
        content=PROCESSORS[p.payment_processor],
        description=f"{p.payment_processor} API",
    )
    add(
        d,
        "opnsense:firewall:rule",
        f"{app}-cde-to-processor",
        depends_on=[vlan],
        interface="lan",
        protocol="tcp",
        source=p.cde_network,
        destination=processor.out.name,
        destinationPort=443,
        action="pass",
        log=True,
        description=f"CDE to {p.payment_processor}",
    )
    d.output("loadBalancer", lb.out.dnsName)
    return d
