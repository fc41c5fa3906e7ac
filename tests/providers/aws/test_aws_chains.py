"""Resources wired by their outputs, as a deployment wires them, checked through boto3:
network → instance; launch template → autoscaling group in a target group → load balancer;
certificate → validation record → HTTPS listener; zone → records for the group and the
balancer. Then everything is deleted in reverse order and is gone."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

import pytest

from mcp_iac.sdk import ProviderClient

pytestmark = pytest.mark.anyio

Boto = Callable[[str], Any]


class Stack:
    """Creates through the provider and remembers what to delete, in reverse order."""

    def __init__(self, aws: ProviderClient) -> None:
        self.aws = aws
        self.made: list[tuple[str, str, dict[str, Any]]] = []

    async def add(self, type_: str, name: str, props: dict[str, Any]) -> dict[str, Any]:
        result = await self.aws.create(
            type_,
            name=name,
            urn=f"chain/{type_}:{name}",
            idempotency_key=f"chain/{name}@1",
            properties=props,
        )
        self.made.append((type_, result.id, props))
        return {"id": result.id, **result.outputs}

    async def destroy(self) -> None:
        for type_, id_, props in reversed(self.made):
            await self.aws.delete(type_, id_, props)
            assert not (await self.aws.read(type_, id_, props)).exists, (type_, id_)


async def test_a_network_an_instance_and_its_security_group_fit_together(
    connect: Any, boto: Boto
) -> None:
    ec2 = boto("ec2")
    async with connect() as aws:
        stack = Stack(aws)
        vpc = await stack.add("aws:ec2:vpc", "net", {"cidrBlock": "198.18.0.0/16"})
        subnet = await stack.add(
            "aws:ec2:subnet",
            "app",
            {"vpcId": vpc["id"], "cidrBlock": "198.18.4.0/24", "availabilityZone": "us-east-1c"},
        )
        group = await stack.add(
            "aws:ec2:securityGroup",
            "app",
            {
                "vpcId": vpc["vpcId"] if "vpcId" in vpc else vpc["id"],
                "ingress": [
                    {
                        "protocol": "tcp",
                        "fromPort": 8080,
                        "toPort": 8080,
                        "cidrBlocks": [vpc["cidrBlock"]],
                    }
                ],
            },
        )
        web = await stack.add(
            "aws:ec2:instance",
            "web",
            {
                "imageId": "ami-12c6146b",
                "subnetId": subnet["id"],
                "securityGroupIds": [group["id"]],
                "userData": "#!/bin/sh\necho hello\n",
                "tags": {"role": "web"},
            },
        )
        described = ec2.describe_instances(InstanceIds=[web["id"]])["Reservations"][0]["Instances"][
            0
        ]
        assert described["SubnetId"] == subnet["id"]
        assert [g["GroupId"] for g in described["SecurityGroups"]] == [group["id"]]
        assert web["privateIp"] == described["PrivateIpAddress"]
        assert ipaddress.ip_address(web["privateIp"]) in ipaddress.ip_network("198.18.4.0/24")
        assert web["availabilityZone"] == "us-east-1c"
        assert group["vpcId"] == vpc["id"]
        read = await aws.read("aws:ec2:instance", web["id"], {})
        assert read.properties["userData"] == "#!/bin/sh\necho hello\n"
        await stack.destroy()
    live = ec2.describe_instances(
        Filters=[{"Name": "instance-state-name", "Values": ["pending", "running"]}]
    )
    assert live["Reservations"] == []
    assert ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["198.18.0.0/16"]}])["Vpcs"] == []


async def test_a_load_balanced_group_with_certificate_and_dns(connect: Any, boto: Boto) -> None:
    async with connect() as aws:
        stack = Stack(aws)
        vpc = await stack.add("aws:ec2:vpc", "net", {"cidrBlock": "198.18.0.0/16"})
        subnets = [
            await stack.add(
                "aws:ec2:subnet",
                f"s{i}",
                {"vpcId": vpc["id"], "cidrBlock": f"198.18.{i}.0/24", "availabilityZone": zone},
            )
            for i, zone in ((1, "us-east-1a"), (2, "us-east-1b"))
        ]
        subnet_ids = [s["id"] for s in subnets]
        group = await stack.add(
            "aws:ec2:securityGroup",
            "web",
            {
                "vpcId": vpc["id"],
                "ingress": [
                    {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}
                ],
            },
        )
        template = await stack.add(
            "aws:ec2:launchTemplate",
            "web",
            {
                "imageId": "ami-12c6146b",
                "instanceType": "t3.micro",
                "securityGroupIds": [group["id"]],
                "userDataBase64": "IyEvYmluL3NoCmh0dHBkIC1mIC1wIDgwODAK",
            },
        )
        target_group = await stack.add(
            "aws:elb:targetGroup", "web", {"port": 8080, "vpcId": vpc["id"]}
        )
        asg = await stack.add(
            "aws:autoscaling:group",
            "web",
            {
                "launchTemplate": template["id"],
                "minSize": 2,
                "maxSize": 4,
                "subnetIds": subnet_ids,
                "targetGroupArns": [target_group["arn"]],
            },
        )
        zone = await stack.add("aws:route53:zone", "site", {"name": "example.com"})
        certificate = await stack.add(
            "aws:acm:certificate", "site", {"domainName": "app.example.com"}
        )
        validation = certificate["validationRecords"][0]
        await stack.add(
            "aws:route53:record",
            "validation",
            {
                "zoneId": zone["id"],
                "name": validation["recordName"],
                "type": validation["recordType"],
                "values": [validation["recordValue"]],
            },
        )
        balancer = await stack.add(
            "aws:elb:loadBalancer",
            "web",
            {
                "subnetIds": subnet_ids,
                "securityGroupIds": [group["id"]],
                "listeners": [
                    {
                        "port": 443,
                        "protocol": "HTTPS",
                        "targetGroupArn": target_group["arn"],
                        "certificateArn": certificate["arn"],
                    }
                ],
            },
        )
        await stack.add(
            "aws:route53:record",
            "app",
            {
                "zoneId": zone["id"],
                "name": "app",
                "type": "A",
                "alias": {"dnsName": balancer["dnsName"], "zoneId": balancer["zoneId"]},
            },
        )
        await stack.add(
            "aws:route53:record",
            "backends",
            {
                "zoneId": zone["id"],
                "name": "backends.example.com",
                "type": "A",
                "values": asg["instanceIps"],
            },
        )

        # Through boto3: the group's instances, their addresses and their registration.
        described = boto("autoscaling").describe_auto_scaling_groups(
            AutoScalingGroupNames=[asg["id"]]
        )
        instance_ids = sorted(
            i["InstanceId"] for i in described["AutoScalingGroups"][0]["Instances"]
        )
        reservations = boto("ec2").describe_instances(InstanceIds=instance_ids)["Reservations"]
        addresses = {
            i["InstanceId"]: i["PrivateIpAddress"] for r in reservations for i in r["Instances"]
        }
        assert asg["instanceIds"] == instance_ids
        assert asg["instanceIps"] == [addresses[i] for i in instance_ids]
        launched_from = {
            t["Value"]
            for r in reservations
            for i in r["Instances"]
            for t in i.get("Tags", [])
            if t["Key"] == "aws:ec2launchtemplate:id"
        }
        assert launched_from == {template["id"]}
        health = boto("elbv2").describe_target_health(TargetGroupArn=target_group["arn"])
        assert sorted(t["Target"]["Id"] for t in health["TargetHealthDescriptions"]) == instance_ids
        listener = boto("elbv2").describe_listeners(LoadBalancerArn=balancer["arn"])["Listeners"][0]
        assert listener["Certificates"][0]["CertificateArn"] == certificate["arn"]
        assert listener["DefaultActions"][0]["TargetGroupArn"] == target_group["arn"]
        records = {
            (r["Name"], r["Type"]): r
            for r in boto("route53").list_resource_record_sets(HostedZoneId=zone["id"])[
                "ResourceRecordSets"
            ]
        }
        assert (
            records[("app.example.com.", "A")]["AliasTarget"]["DNSName"].rstrip(".")
            == balancer["dnsName"]
        )
        assert sorted(
            v["Value"] for v in records[("backends.example.com.", "A")]["ResourceRecords"]
        ) == sorted(asg["instanceIps"])
        assert (validation["recordName"], "CNAME") in records
        assert ("_mcp-iac-a.app.example.com.", "TXT") in records  # ownership, same batch

        # Scaling out in place: more instances, new addresses, still registered.
        asg_props = stack.made[6][2]
        scaled = await aws.update(
            "aws:autoscaling:group", asg["id"], old=asg_props, new={**asg_props, "minSize": 3}
        )
        assert len(scaled.outputs["instanceIps"]) == 3
        await stack.destroy()

    assert boto("elbv2").describe_load_balancers()["LoadBalancers"] == []
    assert boto("elbv2").describe_target_groups()["TargetGroups"] == []
    assert boto("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"] == []
    assert boto("route53").list_hosted_zones()["HostedZones"] == []
    assert boto("acm").list_certificates()["CertificateSummaryList"] == []
    assert boto("ec2").describe_launch_templates()["LaunchTemplates"] == []
