"""The AWS provider keeps the iac/1 contract, type by type, against a real moto server.

Types that need other objects (a subnet needs a VPC) get samples whose ids come from objects
made with boto3 directly first; the others use the example each type publishes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mcp_iac.sdk import Sample, run_contract

pytestmark = pytest.mark.anyio

Boto = Callable[[str], Any]


async def _contract(
    connect: Any, type_: str, sample: Sample | None = None, mode: str = "auto"
) -> None:
    samples = {type_: sample} if sample is not None else None
    async with connect(mode, raw=True) as client:
        report = await run_contract(client, types=[type_], samples=samples, timeout=60)
    assert report.passed, report.render()
    assert not [c for c in report.checks if c.status == "skipped"], report.render()
    assert {c.type for c in report.checks if c.type} == {type_}


def _vpc(boto: Boto) -> str:
    return str(boto("ec2").create_vpc(CidrBlock="198.18.0.0/16")["Vpc"]["VpcId"])


def _subnet(boto: Boto, vpc: str, cidr: str, zone: str) -> str:
    answer = boto("ec2").create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)
    return str(answer["Subnet"]["SubnetId"])


def _in_place(props: dict[str, Any], **changes: Any) -> Sample:
    return Sample(properties=props, update={**props, **changes})


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_vpc_keeps_the_iac1_contract_in_both_protocol_eras(connect: Any, mode: str) -> None:
    await _contract(connect, "aws:ec2:vpc", mode=mode)


async def test_a_subnet_keeps_the_iac1_contract(connect: Any, boto: Boto) -> None:
    props = {"vpcId": _vpc(boto), "cidrBlock": "198.18.1.0/24", "availabilityZone": "us-east-1b"}
    sample = _in_place(props, mapPublicIpOnLaunch=True, tags={"tier": "public"})
    await _contract(connect, "aws:ec2:subnet", sample)


async def test_a_security_group_keeps_the_iac1_contract(connect: Any, boto: Boto) -> None:
    rule = {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["198.18.0.0/16"]}
    props = {"vpcId": _vpc(boto), "description": "web", "ingress": [rule]}
    sample = _in_place(
        props,
        ingress=[
            {**rule, "description": "https"},
            {"protocol": "tcp", "fromPort": 22, "toPort": 22, "sourceSecurityGroupIds": ["self"]},
            {"protocol": "icmp", "fromPort": -1, "toPort": -1, "cidrBlocks": ["198.19.0.0/16"]},
        ],
        egress=[{"protocol": "all", "cidrBlocks": ["198.18.0.0/15"]}],
        tags={"role": "web"},
    )
    await _contract(connect, "aws:ec2:securityGroup", sample)


async def test_an_instance_keeps_the_iac1_contract(connect: Any, boto: Boto) -> None:
    subnet = _subnet(boto, _vpc(boto), "198.18.1.0/24", "us-east-1a")
    props = {"imageId": "ami-12c6146b", "instanceType": "t3.micro", "subnetId": subnet}
    await _contract(connect, "aws:ec2:instance", _in_place(props, instanceType="t3.small"))


async def test_a_launch_template_keeps_the_iac1_contract(connect: Any) -> None:
    await _contract(connect, "aws:ec2:launchTemplate")


async def test_an_autoscaling_group_keeps_the_iac1_contract(connect: Any, boto: Boto) -> None:
    subnet = _subnet(boto, _vpc(boto), "198.18.1.0/24", "us-east-1a")
    template = boto("ec2").create_launch_template(
        LaunchTemplateName="web", LaunchTemplateData={"ImageId": "ami-12c6146b"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    props = {"launchTemplate": template, "minSize": 1, "maxSize": 2, "subnetIds": [subnet]}
    sample = _in_place(props, minSize=2, maxSize=3, tags={"app": "web"})
    await _contract(connect, "aws:autoscaling:group", sample)


async def test_a_target_group_keeps_the_iac1_contract(connect: Any, boto: Boto) -> None:
    props = {"port": 8080, "vpcId": _vpc(boto)}
    sample = _in_place(props, healthCheckPath="/healthz", tags={"app": "web"})
    await _contract(connect, "aws:elb:targetGroup", sample)


async def test_a_load_balancer_keeps_the_iac1_contract(connect: Any, boto: Boto) -> None:
    vpc = _vpc(boto)
    subnets = [
        _subnet(boto, vpc, "198.18.1.0/24", "us-east-1a"),
        _subnet(boto, vpc, "198.18.2.0/24", "us-east-1b"),
    ]
    elb = boto("elbv2")
    groups = [
        elb.create_target_group(Name=name, Port=8080, Protocol="HTTP", VpcId=vpc)["TargetGroups"][
            0
        ]["TargetGroupArn"]
        for name in ("blue", "green")
    ]
    props = {"subnetIds": subnets, "listeners": [{"port": 80, "targetGroupArn": groups[0]}]}
    sample = _in_place(
        props,
        listeners=[
            {"port": 80, "targetGroupArn": groups[1]},
            {"port": 8080, "protocol": "HTTP", "targetGroupArn": groups[0]},
        ],
        tags={"app": "web"},
    )
    await _contract(connect, "aws:elb:loadBalancer", sample)


async def test_a_certificate_keeps_the_iac1_contract(connect: Any) -> None:
    await _contract(connect, "aws:acm:certificate")


async def test_a_database_keeps_the_iac1_contract(connect: Any) -> None:
    await _contract(connect, "aws:rds:instance")


async def test_a_hosted_zone_keeps_the_iac1_contract(connect: Any) -> None:
    await _contract(connect, "aws:route53:zone")


async def test_a_record_keeps_the_iac1_contract(connect: Any, boto: Boto) -> None:
    zone = boto("route53").create_hosted_zone(Name="example.com", CallerReference="test")
    props = {
        "zoneId": zone["HostedZone"]["Id"].split("/")[-1],
        "name": "www",
        "type": "A",
        "ttl": 300,
        "values": ["198.18.0.10"],
    }
    await _contract(
        connect,
        "aws:route53:record",
        _in_place(props, ttl=60, values=["198.18.0.11", "198.18.0.10"]),
    )


async def test_a_bucket_keeps_the_iac1_contract(connect: Any) -> None:
    await _contract(connect, "aws:s3:bucket")


async def test_the_whole_provider_passes_on_its_own_examples_skipping_types_that_need_ids(
    connect: Any,
) -> None:
    # What `mcp-iac provider test aws` runs: no samples, the examples of iac_describe.
    async with connect(raw=True) as client:
        report = await run_contract(client, timeout=60)
    assert report.passed, report.render()
    skipped = {c.type for c in report.checks if c.status == "skipped"}
    assert skipped == {
        "aws:ec2:subnet",
        "aws:ec2:instance",
        "aws:autoscaling:group",
        "aws:elb:targetGroup",
        "aws:elb:loadBalancer",
        "aws:route53:record",
    }
