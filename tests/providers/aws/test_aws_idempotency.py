"""Crash recovery: every object carries its idempotency key, so a create repeated after a crash
returns the object the first one made (never a second one), and list finds it by key.

"Forgetting" the id is what a crash between the AWS call and the state write does; the checks
count the objects through boto3 directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mcp_iac.providers.aws import Settings
from mcp_iac.providers.aws._aws import Aws
from mcp_iac.providers.aws._route53_zone import ZoneHandler
from mcp_iac.providers.aws._security_group import SecurityGroupHandler, SecurityGroupProperties
from mcp_iac.sdk import CreateContext

pytestmark = pytest.mark.anyio

Boto = Callable[[str], Any]


def _count_instances(boto: Boto) -> int:
    live = [{"Name": "instance-state-name", "Values": ["pending", "running"]}]
    reservations = boto("ec2").describe_instances(Filters=live)["Reservations"]
    return sum(len(r["Instances"]) for r in reservations)


# type -> (properties given the prerequisites, how many such objects AWS holds)
CASES: dict[str, tuple[Callable[[Any], dict[str, Any]], Callable[[Boto], int]]] = {
    "aws:ec2:vpc": (
        lambda g: {"cidrBlock": "198.19.0.0/16"},
        lambda b: len(
            b("ec2").describe_vpcs(Filters=[{"Name": "cidr", "Values": ["198.19.0.0/16"]}])["Vpcs"]
        ),
    ),
    "aws:ec2:subnet": (
        lambda g: {"vpcId": g.vpc, "cidrBlock": "198.18.9.0/24"},
        lambda b: len(
            b("ec2").describe_subnets(
                Filters=[{"Name": "cidr-block", "Values": ["198.18.9.0/24"]}]
            )["Subnets"]
        ),
    ),
    "aws:ec2:securityGroup": (
        lambda g: {"vpcId": g.vpc, "description": "web"},
        lambda b: len(
            b("ec2").describe_security_groups(Filters=[{"Name": "description", "Values": ["web"]}])[
                "SecurityGroups"
            ]
        ),
    ),
    "aws:ec2:instance": (
        lambda g: {"imageId": "ami-12c6146b", "subnetId": g.subnet_a},
        _count_instances,
    ),
    "aws:ec2:launchTemplate": (
        lambda g: {"imageId": "ami-12c6146b"},
        lambda b: len(b("ec2").describe_launch_templates()["LaunchTemplates"]),
    ),
    "aws:autoscaling:group": (
        lambda g: {
            "launchTemplate": g.template,
            "minSize": 1,
            "maxSize": 1,
            "subnetIds": [g.subnet_a],
        },
        lambda b: len(b("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]),
    ),
    "aws:elb:targetGroup": (
        lambda g: {"port": 80, "vpcId": g.vpc},
        lambda b: len(b("elbv2").describe_target_groups()["TargetGroups"]),
    ),
    "aws:elb:loadBalancer": (
        lambda g: {"subnetIds": [g.subnet_a, g.subnet_b]},
        lambda b: len(b("elbv2").describe_load_balancers()["LoadBalancers"]),
    ),
    "aws:acm:certificate": (
        lambda g: {"domainName": "app.example.com"},
        lambda b: len(b("acm").list_certificates()["CertificateSummaryList"]),
    ),
    "aws:rds:instance": (
        lambda g: {"engine": "postgres", "instanceClass": "db.t3.micro"},
        lambda b: len(b("rds").describe_db_instances()["DBInstances"]),
    ),
    "aws:route53:zone": (
        lambda g: {"name": "example.org"},
        lambda b: len(b("route53").list_hosted_zones()["HostedZones"]),
    ),
    "aws:route53:record": (
        lambda g: {"zoneId": g.zone, "name": "www", "type": "A", "values": ["198.18.0.10"]},
        lambda b: sum(
            r["Type"] == "A"
            for z in b("route53").list_hosted_zones()["HostedZones"]
            for r in b("route53").list_resource_record_sets(HostedZoneId=z["Id"])[
                "ResourceRecordSets"
            ]
        ),
    ),
    "aws:s3:bucket": (
        lambda g: {"bucket": "mcp-iac-crash-test"},
        lambda b: len(b("s3").list_buckets()["Buckets"]),
    ),
}


@pytest.mark.parametrize("type_", sorted(CASES))
async def test_a_create_repeated_after_a_crash_returns_the_first_object(
    type_: str, connect: Any, boto: Boto, given: Any
) -> None:
    props_of, count = CASES[type_]
    props = props_of(given)
    before = count(boto)
    key = f"crash/{type_}:web@1"
    async with connect() as aws:
        first = await aws.create(
            type_, name="web", urn=f"crash/{type_}:web", idempotency_key=key, properties=props
        )
    assert count(boto) == before + 1
    # The state write never happened: a new process knows only the key.
    async with connect() as aws:
        listed = await aws.list(type_, {"idempotency_key": key})
        again = await aws.create(
            type_, name="web", urn=f"crash/{type_}:web", idempotency_key=key, properties=props
        )
        others = await aws.list(type_, {"idempotency_key": f"{key}-other"})
        every = await aws.list(type_, {})
    assert [item.id for item in listed] == [first.id]
    assert listed[0].name == "web"
    assert again.id == first.id
    volatile = ("status", "state")  # a certificate may be issued in between
    assert {k: v for k, v in again.outputs.items() if k not in volatile} == {
        k: v for k, v in first.outputs.items() if k not in volatile
    }
    assert others == []
    assert [item.id for item in every] == [first.id]  # the prerequisites are not ours
    assert count(boto) == before + 1


async def test_a_create_interrupted_before_its_rules_were_set_finishes_them(
    settings: Settings, connect: Any, boto: Boto, given: Any
) -> None:
    props = {
        "vpcId": given.vpc,
        "ingress": [
            {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["198.18.0.0/15"]}
        ],
        "egress": [],
    }
    ctx = CreateContext(
        name="web", urn="crash/aws:ec2:securityGroup:web", idempotency_key="crash/sg@1"
    )
    # The first run made the group (one AWS call, tags included) and died before the rules.
    made = await SecurityGroupHandler(Aws(settings)).make(
        ctx, SecurityGroupProperties.model_validate(props)
    )
    group = boto("ec2").describe_security_groups(GroupIds=[made])["SecurityGroups"][0]
    assert group["IpPermissions"] == []
    async with connect() as aws:
        created = await aws.create(
            "aws:ec2:securityGroup",
            name=ctx.name,
            urn=ctx.urn,
            idempotency_key=ctx.idempotency_key,
            properties=props,
        )
    assert created.id == made
    group = boto("ec2").describe_security_groups(GroupIds=[made])["SecurityGroups"][0]
    assert [(p["FromPort"], p["IpRanges"][0]["CidrIp"]) for p in group["IpPermissions"]] == [
        (443, "198.18.0.0/15")
    ]
    assert group["IpPermissionsEgress"] == []


async def test_a_zone_made_before_a_crash_is_found_by_its_caller_reference_and_tagged(
    settings: Settings, connect: Any, boto: Boto
) -> None:
    from mcp_iac.providers.aws._route53_zone import ZoneProperties

    ctx = CreateContext(
        name="site", urn="crash/aws:route53:zone:site", idempotency_key="crash/zone@1"
    )
    props = {"name": "example.net", "tags": {"env": "demo"}}
    made = await ZoneHandler(Aws(settings)).make(ctx, ZoneProperties.model_validate(props))
    untagged = boto("route53").list_tags_for_resource(ResourceType="hostedzone", ResourceId=made)
    assert untagged["ResourceTagSet"].get("Tags", []) == []
    async with connect() as aws:
        assert [
            i.id
            for i in await aws.list("aws:route53:zone", {"idempotency_key": ctx.idempotency_key})
        ] == [made]
        created = await aws.create(
            "aws:route53:zone",
            name=ctx.name,
            urn=ctx.urn,
            idempotency_key=ctx.idempotency_key,
            properties=props,
        )
    assert created.id == made
    tags = boto("route53").list_tags_for_resource(ResourceType="hostedzone", ResourceId=made)
    found = {t["Key"]: t["Value"] for t in tags["ResourceTagSet"]["Tags"]}
    assert found == {"env": "demo", "mcp-iac:key": "crash/zone@1", "mcp-iac:name": "site"}
    assert len(boto("route53").list_hosted_zones()["HostedZones"]) == 1
