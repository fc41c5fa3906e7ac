"""AWS's errors reach the caller as iac/1 errors that say what is wrong and where; a failed
create leaves nothing behind; deleting what is gone succeeds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)

from mcp_iac.core import ProviderError
from mcp_iac.providers.aws import Settings, build_server
from mcp_iac.providers.aws._errors import Subject, translate
from mcp_iac.sdk import ProviderClient

pytestmark = pytest.mark.anyio

Boto = Callable[[str], Any]


async def _create(
    aws: ProviderClient, type_: str, props: dict[str, Any], key: str = "errors/x@1"
) -> Any:
    name = key.rsplit("/", maxsplit=1)[-1].split("@", maxsplit=1)[0]
    return await aws.create(
        type_, name=name, urn=key.split("@", maxsplit=1)[0], idempotency_key=key, properties=props
    )


async def test_a_subnet_outside_its_vpc_is_refused_naming_cidr_block_and_leaves_nothing(
    connect: Any, boto: Boto, given: Any
) -> None:
    async with connect() as aws:
        with pytest.raises(ProviderError) as caught:
            await _create(aws, "aws:ec2:subnet", {"vpcId": given.vpc, "cidrBlock": "198.19.1.0/24"})
        left = await aws.list("aws:ec2:subnet", {"idempotency_key": "errors/x@1"})
    assert caught.value.code == "VALIDATION"
    assert "aws:ec2:subnet 'x'" in caught.value.reason
    assert "property 'cidrBlock'" in caught.value.reason
    assert caught.value.details[0]["path"] == "cidrBlock"
    assert left == []
    assert (
        boto("ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [given.vpc]}])["Subnets"]
        == []
    )


async def test_a_reference_to_a_missing_vpc_is_a_validation_error_naming_vpc_id(
    connect: Any,
) -> None:
    async with connect() as aws:
        with pytest.raises(ProviderError) as caught:
            await _create(
                aws,
                "aws:ec2:subnet",
                {"vpcId": "vpc-0123456789abcdef0", "cidrBlock": "198.18.1.0/24"},
            )
    assert caught.value.code == "VALIDATION"
    assert caught.value.details[0]["path"] == "vpcId"
    assert not caught.value.retryable


async def test_an_instance_in_a_missing_subnet_names_subnet_id_and_leaves_no_instance(
    connect: Any, boto: Boto
) -> None:
    async with connect() as aws:
        with pytest.raises(ProviderError) as caught:
            await _create(
                aws,
                "aws:ec2:instance",
                {"imageId": "ami-12c6146b", "subnetId": "subnet-0123456789abcdef0"},
            )
    assert caught.value.code == "VALIDATION"
    assert caught.value.details[0]["path"] == "subnetId"
    assert boto("ec2").describe_instances()["Reservations"] == []


async def test_a_rule_aws_rejects_removes_the_half_made_group(
    connect: Any, boto: Boto, given: Any
) -> None:
    missing = "sg-0123456789abcdef0"
    props = {
        "vpcId": given.vpc,
        "ingress": [
            {"protocol": "tcp", "fromPort": 80, "toPort": 80, "sourceSecurityGroupIds": [missing]}
        ],
    }
    async with connect() as aws:
        with pytest.raises(ProviderError) as caught:
            await _create(aws, "aws:ec2:securityGroup", props)
    assert caught.value.code == "VALIDATION"
    assert caught.value.details[0]["path"] == "ingress[0].sourceSecurityGroupIds[0]"
    groups = boto("ec2").describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [given.vpc]}]
    )
    assert [g["GroupName"] for g in groups["SecurityGroups"]] == ["default"]


async def test_invalid_properties_are_refused_before_aws_is_asked(connect: Any, boto: Boto) -> None:
    bad = {
        "aws:ec2:vpc": ({"cidrBlock": "198.18.0.1/16"}, "cidrBlock"),
        "aws:ec2:securityGroup": (
            {
                "ingress": [
                    {"protocol": "tcp", "fromPort": 90, "toPort": 80, "cidrBlocks": ["0.0.0.0/0"]}
                ]
            },
            "ingress[0]",
        ),
        "aws:autoscaling:group": (
            {"launchTemplate": "lt-1", "minSize": 3, "maxSize": 1, "subnetIds": ["subnet-1"]},
            "",
        ),
        "aws:ec2:launchTemplate": ({"userDataBase64": "#!/bin/sh"}, "userDataBase64"),
        "aws:s3:bucket": ({"bucket": "Not_A_Bucket"}, "bucket"),
        "aws:elb:loadBalancer": (
            {
                "subnetIds": ["subnet-1"],
                "listeners": [{"port": 443, "protocol": "HTTPS", "targetGroupArn": "arn:x"}],
            },
            "listeners[0]",
        ),
        "aws:ec2:vpc#tags": ({"cidrBlock": "198.18.0.0/16", "tags": {"aws:owner": "me"}}, "tags"),
    }
    async with connect() as aws:
        for type_, (props, path) in bad.items():
            with pytest.raises(ProviderError) as caught:
                await _create(aws, type_.split("#")[0], props)
            assert caught.value.code == "VALIDATION", type_
            paths = [d["path"] for d in caught.value.details]
            assert any(p.startswith(path) for p in paths), (type_, paths)
    assert (
        boto("ec2").describe_vpcs(Filters=[{"Name": "cidr", "Values": ["198.18.0.0/16"]}])["Vpcs"]
        == []
    )


async def test_deleting_a_vpc_that_still_has_subnets_is_a_retryable_conflict(
    connect: Any, boto: Boto
) -> None:
    async with connect() as aws:
        vpc = await _create(aws, "aws:ec2:vpc", {"cidrBlock": "198.18.0.0/16"}, "errors/net@1")
        await _create(
            aws, "aws:ec2:subnet", {"vpcId": vpc.id, "cidrBlock": "198.18.1.0/24"}, "errors/sub@1"
        )
        with pytest.raises(ProviderError) as caught:
            await aws.delete("aws:ec2:vpc", vpc.id, {})
    assert caught.value.code == "CONFLICT"
    assert caught.value.retryable
    assert "DependencyViolation" in caught.value.reason
    assert boto("ec2").describe_vpcs(VpcIds=[vpc.id])["Vpcs"]


async def test_an_update_of_an_object_deleted_outside_is_not_found(
    connect: Any, boto: Boto
) -> None:
    props = {"cidrBlock": "198.18.0.0/16"}
    async with connect() as aws:
        vpc = await _create(aws, "aws:ec2:vpc", props)
        boto("ec2").delete_vpc(VpcId=vpc.id)
        with pytest.raises(ProviderError) as caught:
            await aws.update("aws:ec2:vpc", vpc.id, old=props, new={**props, "tags": {"a": "b"}})
        read = await aws.read("aws:ec2:vpc", vpc.id, props)
        await aws.delete("aws:ec2:vpc", vpc.id, props)  # already gone: success
    assert caught.value.code == "NOT_FOUND"
    assert vpc.id in caught.value.reason
    assert not read.exists


_ARN = "arn:aws:{}:us-east-1:123456789012:{}"
BOGUS_IDS = {
    "aws:ec2:vpc": "vpc-0123456789abcdef0",
    "aws:ec2:subnet": "subnet-0123456789abcdef0",
    "aws:ec2:securityGroup": "sg-0123456789abcdef0",
    "aws:ec2:instance": "i-0123456789abcdef0",
    "aws:ec2:launchTemplate": "lt-0123456789abcdef0",
    "aws:autoscaling:group": "no-such-group",
    "aws:elb:targetGroup": _ARN.format("elasticloadbalancing", "targetgroup/no/0123456789abcdef"),
    "aws:elb:loadBalancer": _ARN.format(
        "elasticloadbalancing", "loadbalancer/app/no/0123456789abcdef"
    ),
    "aws:acm:certificate": _ARN.format("acm", "certificate/00000000-0000-0000-0000-000000000000"),
    "aws:rds:instance": "no-such-db",
    "aws:route53:zone": "Z0000000000000000000",
    "aws:route53:record": "Z0000000000000000000/www.example.com/A",
    "aws:s3:bucket": "no-such-bucket-mcp-iac",
}


@pytest.mark.parametrize("type_", sorted(BOGUS_IDS))
async def test_an_id_naming_nothing_reads_as_absent_and_deletes_as_done(
    type_: str, connect: Any
) -> None:
    async with connect() as aws:
        for id_ in (BOGUS_IDS[type_], "garbage"):
            assert not (await aws.read(type_, id_, {})).exists
            await aws.delete(type_, id_, {})


async def test_a_bucket_name_taken_by_another_object_is_a_conflict(
    connect: Any, boto: Boto
) -> None:
    boto("s3").create_bucket(Bucket="taken-bucket-name")
    async with connect() as aws:
        with pytest.raises(ProviderError) as caught:
            await _create(aws, "aws:s3:bucket", {"bucket": "taken-bucket-name"})
    assert caught.value.code == "CONFLICT"
    assert "not made by this resource" in caught.value.reason
    assert "TagSet" not in boto("s3").get_bucket_location(Bucket="taken-bucket-name")


async def test_a_record_someone_else_made_is_a_conflict_not_a_takeover(
    connect: Any, boto: Boto, given: Any
) -> None:
    boto("route53").change_resource_record_sets(
        HostedZoneId=given.zone,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": "www.example.com",
                        "Type": "A",
                        "TTL": 60,
                        "ResourceRecords": [{"Value": "198.18.0.1"}],
                    },
                }
            ]
        },
    )
    props = {"zoneId": given.zone, "name": "www", "type": "A", "values": ["198.18.0.2"]}
    async with connect() as aws:
        with pytest.raises(ProviderError) as caught:
            await _create(aws, "aws:route53:record", props)
    assert caught.value.code == "CONFLICT"
    records = boto("route53").list_resource_record_sets(HostedZoneId=given.zone)[
        "ResourceRecordSets"
    ]
    assert [r["ResourceRecords"] for r in records if r["Type"] == "A"] == [
        [{"Value": "198.18.0.1"}]
    ]


async def test_a_zone_with_records_is_deleted_only_with_force_destroy(
    connect: Any, boto: Boto
) -> None:
    async with connect() as aws:
        zone = await _create(aws, "aws:route53:zone", {"name": "example.org"}, "errors/zone@1")
        boto("route53").change_resource_record_sets(
            HostedZoneId=zone.id,
            ChangeBatch={
                "Changes": [
                    {
                        "Action": "CREATE",
                        "ResourceRecordSet": {
                            "Name": "db.example.org",
                            "Type": "A",
                            "TTL": 60,
                            "ResourceRecords": [{"Value": "198.18.0.5"}],
                        },
                    }
                ]
            },
        )
        with pytest.raises(ProviderError) as caught:
            await aws.delete("aws:route53:zone", zone.id, {"name": "example.org"})
        assert caught.value.code == "CONFLICT"
        assert "forceDestroy" in caught.value.reason
        await aws.delete("aws:route53:zone", zone.id, {"name": "example.org", "forceDestroy": True})
    assert boto("route53").list_hosted_zones()["HostedZones"] == []


async def test_a_bucket_with_objects_is_deleted_only_with_force_destroy(
    connect: Any, boto: Boto
) -> None:
    props = {"bucket": "full-bucket-mcp-iac", "versioning": True}
    async with connect() as aws:
        bucket = await _create(aws, "aws:s3:bucket", props)
        boto("s3").put_object(Bucket=bucket.id, Key="a.txt", Body=b"one")
        boto("s3").put_object(Bucket=bucket.id, Key="a.txt", Body=b"two")
        with pytest.raises(ProviderError) as caught:
            await aws.delete("aws:s3:bucket", bucket.id, props)
        assert caught.value.code == "CONFLICT"
        assert "forceDestroy" in caught.value.reason
        await aws.delete("aws:s3:bucket", bucket.id, {**props, "forceDestroy": True})
    assert boto("s3").list_buckets()["Buckets"] == []


async def test_an_unreachable_endpoint_is_unavailable_and_retryable(settings: Settings) -> None:
    from mcp import Client

    closed = settings.model_copy(update={"endpoint_url": "http://127.0.0.1:9"})
    async with Client(build_server(closed)) as client:
        with pytest.raises(ProviderError) as caught:
            await ProviderClient(client, timeout=60).health()
    assert caught.value.code == "UNAVAILABLE"
    assert caught.value.retryable
    assert "127.0.0.1:9" in caught.value.reason


async def test_a_missing_region_is_a_clear_error(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from mcp import Client

    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    unset = settings.model_copy(update={"region": None})
    async with Client(build_server(unset)) as client:
        with pytest.raises(ProviderError) as caught:
            await ProviderClient(client, timeout=60).list("aws:ec2:vpc", {})
    assert caught.value.code == "VALIDATION"
    assert "AWS_REGION" in caught.value.reason


def _client_error(code: str, message: str = "boom", status: int = 400) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "Operation",
    )


@pytest.mark.parametrize(
    ("exc", "code", "retryable"),
    [
        (_client_error("Throttling", status=400), "RATE_LIMITED", True),
        (_client_error("RequestLimitExceeded"), "RATE_LIMITED", True),
        (_client_error("SlowDown", status=503), "RATE_LIMITED", True),
        (_client_error("AuthFailure", status=401), "UNAUTHORIZED", False),
        (_client_error("UnauthorizedOperation", status=403), "UNAUTHORIZED", False),
        (_client_error("AccessDenied", status=403), "UNAUTHORIZED", False),
        (_client_error("ExpiredToken"), "UNAUTHORIZED", False),
        (_client_error("DependencyViolation"), "CONFLICT", True),
        (_client_error("InvalidGroup.Duplicate"), "CONFLICT", False),
        (_client_error("InstanceLimitExceeded"), "CONFLICT", False),
        (_client_error("InvalidVpcID.NotFound"), "NOT_FOUND", False),
        (_client_error("DBInstanceNotFound", status=404), "NOT_FOUND", False),
        (
            _client_error("ValidationError", "AutoScalingGroup name not found - null"),
            "NOT_FOUND",
            False,
        ),
        (
            _client_error("InvalidParameterValue", "Value (x) for parameter cidrBlock is invalid"),
            "VALIDATION",
            False,
        ),
        (_client_error("InternalError", status=500), "UNAVAILABLE", True),
        (_client_error("ServiceUnavailable", status=503), "UNAVAILABLE", True),
        (_client_error("RequestTimeout"), "TIMEOUT", True),
        (_client_error("SomethingNew", status=400), "VALIDATION", False),
        (_client_error("SomethingNew", status=418), "INTERNAL", False),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), "UNAVAILABLE", True),
        (ReadTimeoutError(endpoint_url="http://127.0.0.1:9"), "TIMEOUT", True),
        (NoCredentialsError(), "UNAUTHORIZED", False),
        (ParamValidationError(report="Invalid type for parameter MinCount"), "VALIDATION", False),
    ],
)
def test_botocore_errors_map_to_iac1_codes(exc: Exception, code: str, retryable: bool) -> None:
    subject = Subject("aws:ec2:vpc 'net'", {"CidrBlock": "cidrBlock", "MinCount": "count"})
    error = translate(exc, action="create_vpc", subject=subject)
    assert (error.code, error.retryable) == (code, retryable)
    assert error.reason.startswith("aws:ec2:vpc 'net': create_vpc")
    if code == "VALIDATION" and "cidrBlock" in str(exc):
        assert error.details == [
            {
                "path": "cidrBlock",
                "message": "InvalidParameterValue: Value (x) for parameter cidrBlock is invalid",
            }
        ]
