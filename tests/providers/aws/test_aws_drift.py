"""Changes made outside mcp-iac show in ``read`` in the user's terms, and an update with the
declared properties puts them back; what cannot change in place plans a replace."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.anyio

Boto = Callable[[str], Any]


async def _create(aws: Any, type_: str, props: dict[str, Any], name: str = "drift") -> Any:
    return await aws.create(
        type_,
        name=name,
        urn=f"drift/{type_}:{name}",
        idempotency_key=f"drift/{name}@1",
        properties=props,
    )


async def test_a_rule_added_and_a_source_removed_outside_show_as_drift_and_update_reverts_them(
    connect: Any, boto: Boto, given: Any
) -> None:
    https = {
        "protocol": "tcp",
        "fromPort": 443,
        "toPort": 443,
        "cidrBlocks": ["198.18.0.0/16", "198.19.0.0/16"],
        "description": "https",
    }
    declared = {"vpcId": given.vpc, "ingress": [https], "egress": []}
    ec2 = boto("ec2")
    async with connect() as aws:
        group = await _create(aws, "aws:ec2:securityGroup", declared)
        in_sync = await aws.read("aws:ec2:securityGroup", group.id, declared)
        assert in_sync.properties["ingress"] == [https]
        assert in_sync.properties["egress"] == []
        ec2.authorize_security_group_ingress(
            GroupId=group.id,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "IpRanges": [{"CidrIp": "198.19.7.0/24"}],
                }
            ],
        )
        ec2.revoke_security_group_ingress(
            GroupId=group.id,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "IpRanges": [{"CidrIp": "198.19.0.0/16"}],
                }
            ],
        )
        drifted = await aws.read("aws:ec2:securityGroup", group.id, declared)
        assert drifted.properties["ingress"] == [
            {**https, "cidrBlocks": ["198.18.0.0/16"]},
            {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["198.19.7.0/24"]},
        ]
        await aws.update("aws:ec2:securityGroup", group.id, old=declared, new=declared)
        after = await aws.read("aws:ec2:securityGroup", group.id, declared)
    assert after.properties["ingress"] == [https]
    permissions = ec2.describe_security_groups(GroupIds=[group.id])["SecurityGroups"][0][
        "IpPermissions"
    ]
    assert [(p["FromPort"], sorted(r["CidrIp"] for r in p["IpRanges"])) for p in permissions] == [
        (443, ["198.18.0.0/16", "198.19.0.0/16"])
    ]


async def test_a_tag_changed_outside_shows_in_read_without_the_managed_tags(
    connect: Any, boto: Boto
) -> None:
    declared = {"cidrBlock": "198.18.0.0/16", "tags": {"env": "demo"}}
    async with connect() as aws:
        vpc = await _create(aws, "aws:ec2:vpc", declared)
        boto("ec2").create_tags(
            Resources=[vpc.id],
            Tags=[{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "ops"}],
        )
        drifted = await aws.read("aws:ec2:vpc", vpc.id, declared)
        await aws.update("aws:ec2:vpc", vpc.id, old=declared, new=declared)
    assert drifted.properties["tags"] == {"env": "prod", "owner": "ops"}
    tags = boto("ec2").describe_vpcs(VpcIds=[vpc.id])["Vpcs"][0]["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {
        "env": "demo",
        "mcp-iac:key": "drift/drift@1",
        "mcp-iac:name": "drift",
    }


async def test_an_instance_resized_outside_shows_its_type_and_update_resizes_it_back(
    connect: Any, boto: Boto, given: Any
) -> None:
    declared = {"imageId": "ami-12c6146b", "instanceType": "t3.micro", "subnetId": given.subnet_a}
    ec2 = boto("ec2")
    async with connect() as aws:
        instance = await _create(aws, "aws:ec2:instance", declared)
        ec2.stop_instances(InstanceIds=[instance.id])
        ec2.modify_instance_attribute(InstanceId=instance.id, InstanceType={"Value": "t3.large"})
        ec2.start_instances(InstanceIds=[instance.id])
        drifted = await aws.read("aws:ec2:instance", instance.id, declared)
        outputs = (
            await aws.update("aws:ec2:instance", instance.id, old=declared, new=declared)
        ).outputs
    assert drifted.properties["instanceType"] == "t3.large"
    described = ec2.describe_instances(InstanceIds=[instance.id])["Reservations"][0]["Instances"][0]
    assert (described["InstanceType"], described["State"]["Name"]) == ("t3.micro", "running")
    assert outputs["state"] == "running"
    assert outputs["privateIp"] == described["PrivateIpAddress"]


async def test_a_group_scaled_outside_shows_its_capacity_and_addresses(
    connect: Any, boto: Boto, given: Any
) -> None:
    declared = {
        "launchTemplate": given.template,
        "minSize": 1,
        "maxSize": 4,
        "subnetIds": [given.subnet_a],
    }
    async with connect() as aws:
        group = await _create(aws, "aws:autoscaling:group", declared)
        assert len(group.outputs["instanceIps"]) == 1
        boto("autoscaling").set_desired_capacity(AutoScalingGroupName=group.id, DesiredCapacity=3)
        drifted = await aws.read("aws:autoscaling:group", group.id, declared)
    assert drifted.properties["desiredCapacity"] == 3
    assert len(drifted.outputs["instanceIps"]) == 3
    assert all(ip.startswith("198.18.1.") for ip in drifted.outputs["instanceIps"])


async def test_record_values_changed_outside_show_and_update_restores_them(
    connect: Any, boto: Boto, given: Any
) -> None:
    declared = {
        "zoneId": given.zone,
        "name": "www",
        "type": "TXT",
        "values": ["hello world", "v=1"],
    }
    r53 = boto("route53")
    async with connect() as aws:
        record = await _create(aws, "aws:route53:record", declared)
        in_sync = await aws.read("aws:route53:record", record.id, declared)
        r53.change_resource_record_sets(
            HostedZoneId=given.zone,
            ChangeBatch={
                "Changes": [
                    {
                        "Action": "UPSERT",
                        "ResourceRecordSet": {
                            "Name": "www.example.com",
                            "Type": "TXT",
                            "TTL": 300,
                            "ResourceRecords": [{"Value": '"v=2"'}],
                        },
                    }
                ]
            },
        )
        drifted = await aws.read("aws:route53:record", record.id, declared)
        await aws.update("aws:route53:record", record.id, old=declared, new=declared)
    assert in_sync.properties["values"] == ["hello world", "v=1"]
    assert in_sync.properties["name"] == "www"
    assert drifted.properties["values"] == ["v=2"]
    records = r53.list_resource_record_sets(HostedZoneId=given.zone)["ResourceRecordSets"]
    txt = [r for r in records if r["Name"] == "www.example.com." and r["Type"] == "TXT"]
    assert [v["Value"] for v in txt[0]["ResourceRecords"]] == ['"hello world"', '"v=1"']


async def test_a_listener_deleted_outside_is_missing_in_read_and_update_recreates_it(
    connect: Any, boto: Boto, given: Any
) -> None:
    declared = {
        "subnetIds": [given.subnet_a, given.subnet_b],
        "listeners": [{"port": 80, "targetGroupArn": given.target_group}],
    }
    elb = boto("elbv2")
    async with connect() as aws:
        balancer = await _create(aws, "aws:elb:loadBalancer", declared)
        listener = elb.describe_listeners(LoadBalancerArn=balancer.id)["Listeners"][0]
        elb.delete_listener(ListenerArn=listener["ListenerArn"])
        drifted = await aws.read("aws:elb:loadBalancer", balancer.id, declared)
        await aws.update("aws:elb:loadBalancer", balancer.id, old=declared, new=declared)
    assert drifted.properties["listeners"] == []
    listeners = elb.describe_listeners(LoadBalancerArn=balancer.id)["Listeners"]
    assert [(item["Port"], item["DefaultActions"][0]["TargetGroupArn"]) for item in listeners] == [
        (80, given.target_group)
    ]


@pytest.mark.parametrize(
    ("type_", "old", "new", "replace"),
    [
        (
            "aws:ec2:vpc",
            {"cidrBlock": "198.18.0.0/16"},
            {"cidrBlock": "198.19.0.0/16"},
            ["cidrBlock"],
        ),
        (
            "aws:ec2:vpc",
            {"cidrBlock": "198.18.0.0/16"},
            {"cidrBlock": "198.18.0.0/16", "tags": {"a": "b"}},
            [],
        ),
        (
            "aws:ec2:subnet",
            {"vpcId": "vpc-1", "cidrBlock": "198.18.1.0/24", "availabilityZone": "us-east-1a"},
            {"vpcId": "vpc-1", "cidrBlock": "198.18.1.0/24", "availabilityZone": "us-east-1b"},
            ["availabilityZone"],
        ),
        ("aws:ec2:instance", {"imageId": "ami-1"}, {"imageId": "ami-2"}, ["imageId"]),
        (
            "aws:ec2:instance",
            {"imageId": "ami-1"},
            {"imageId": "ami-1", "instanceType": "t3.large"},
            [],
        ),
        ("aws:s3:bucket", {"bucket": "one-bucket"}, {"bucket": "two-bucket"}, ["bucket"]),
        (
            "aws:ec2:securityGroup",
            {"ingress": []},
            {"ingress": [{"protocol": "all", "cidrBlocks": ["198.18.0.0/15"]}]},
            [],
        ),
        (
            "aws:autoscaling:group",
            {"launchTemplate": "lt-1", "minSize": 1, "maxSize": 2, "subnetIds": ["s"]},
            {"launchTemplate": "lt-1", "minSize": 2, "maxSize": 5, "subnetIds": ["s"]},
            [],
        ),
        (
            "aws:route53:record",
            {"zoneId": "Z", "name": "a", "type": "A", "values": ["198.18.0.1"]},
            {"zoneId": "Z", "name": "a", "type": "AAAA", "values": ["2001:db8::1"]},
            ["type"],
        ),
    ],
)
async def test_changes_that_aws_cannot_make_in_place_plan_a_replace(
    connect: Any, type_: str, old: dict[str, Any], new: dict[str, Any], replace: list[str]
) -> None:
    async with connect() as aws:
        diff = await aws.diff(type_, "id", old=old, new=new)
    assert diff.replace == bool(replace)
    assert list(diff.replace_paths) == replace


async def test_a_template_takes_user_data_as_text_with_references_resolved_and_reads_it_back(
    connect: Any, boto: Boto
) -> None:
    script = "#!/bin/sh\ndocker run -d -p 8443:8443 sha256:0123abcd\n"  # as a reference resolves
    declared = {"imageId": "ami-12c6146b", "userData": script}
    async with connect() as aws:
        template = await _create(aws, "aws:ec2:launchTemplate", declared)
        read = await aws.read("aws:ec2:launchTemplate", template.id, declared)
        changed = {**declared, "userData": script.replace("8443", "9443")}
        outputs = (
            await aws.update("aws:ec2:launchTemplate", template.id, old=declared, new=changed)
        ).outputs
    assert read.properties["userData"] == script
    versions = boto("ec2").describe_launch_template_versions(LaunchTemplateId=template.id)
    data = {
        v["VersionNumber"]: v["LaunchTemplateData"]["UserData"]
        for v in versions["LaunchTemplateVersions"]
    }
    assert base64.b64decode(data[1]).decode() == script
    assert base64.b64decode(data[2]).decode() == changed["userData"]
    assert (outputs["defaultVersion"], outputs["latestVersion"]) == (2, 2)
