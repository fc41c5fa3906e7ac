"""The AWS provider keeps the iac/1 contract, type by type, against a real moto server.

Types that need other objects (a subnet needs a VPC) get samples whose ids are made with
boto3 directly first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mcp_iac.sdk import Sample, run_contract

pytestmark = pytest.mark.anyio


async def _contract(connect: Any, type_: str, samples: dict[str, Sample] | None = None) -> str:
    async with connect(raw=True) as client:
        report = await run_contract(client, types=[type_], samples=samples, timeout=60)
    assert report.passed, report.render()
    assert not [c for c in report.checks if c.status == "skipped"], report.render()
    return report.render()


def _vpc(boto: Callable[[str], Any]) -> str:
    return str(boto("ec2").create_vpc(CidrBlock="198.18.0.0/16")["Vpc"]["VpcId"])


def _subnet(boto: Callable[[str], Any], vpc: str, cidr: str, zone: str) -> str:
    answer = boto("ec2").create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)
    return str(answer["Subnet"]["SubnetId"])


async def test_a_vpc_keeps_the_iac1_contract(connect: Any) -> None:
    await _contract(connect, "aws:ec2:vpc")


async def test_a_subnet_keeps_the_iac1_contract(connect: Any, boto: Callable[[str], Any]) -> None:
    vpc = _vpc(boto)
    props = {"vpcId": vpc, "cidrBlock": "198.18.1.0/24", "availabilityZone": "us-east-1b"}
    sample = Sample(
        properties=props,
        update={**props, "mapPublicIpOnLaunch": True, "tags": {"tier": "public"}},
    )
    await _contract(connect, "aws:ec2:subnet", {"aws:ec2:subnet": sample})


async def test_a_security_group_keeps_the_iac1_contract(
    connect: Any, boto: Callable[[str], Any]
) -> None:
    await _contract(connect, "aws:ec2:securityGroup")


async def test_an_instance_keeps_the_iac1_contract(
    connect: Any, boto: Callable[[str], Any]
) -> None:
    vpc = _vpc(boto)
    subnet = _subnet(boto, vpc, "198.18.1.0/24", "us-east-1a")
    props = {"imageId": "ami-12c6146b", "instanceType": "t3.micro", "subnetId": subnet}
    sample = Sample(properties=props, update={**props, "instanceType": "t3.small"})
    await _contract(connect, "aws:ec2:instance", {"aws:ec2:instance": sample})
