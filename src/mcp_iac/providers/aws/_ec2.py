"""What the EC2 types share: tag filters and specifications, tag updates, ARNs, and describing
one object by id with "missing" as None."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp_iac.sdk import CreateContext

from ._aws import Aws, Raw
from ._errors import AwsError, Subject
from ._tags import KEY_TAG, changes, key_value, managed, to_list, user_tags


def key_filters(idempotency_key: str | None) -> list[dict[str, Any]]:
    """``Filters`` selecting objects made with ``idempotency_key`` (any mcp-iac object for
    None)."""
    if idempotency_key is None:
        return [{"Name": "tag-key", "Values": [KEY_TAG]}]
    return [{"Name": f"tag:{KEY_TAG}", "Values": [key_value(idempotency_key)]}]


def tag_specs(resource_type: str, ctx: CreateContext, tags: Mapping[str, str]) -> list[Raw]:
    """``TagSpecifications`` putting the user's tags and the key tags on a new object."""
    return [{"ResourceType": resource_type, "Tags": to_list({**tags, **managed(ctx)})}]


def partition(region: str) -> str:
    """The ARN partition of ``region``."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def ec2_arn(aws: Aws, owner: str, resource: str) -> str:
    """``arn:aws:ec2:<region>:<owner>:<resource>`` (EC2 does not return most ARNs itself)."""
    region = aws.region
    return f"arn:{partition(region)}:ec2:{region}:{owner}:{resource}"


def gone(exc: AwsError) -> bool:
    """True when a describe by id failed because the id names nothing (missing or malformed)."""
    return exc.code == "NOT_FOUND" or (exc.aws_code or "").endswith(".Malformed")


async def describe_one(
    aws: Aws, operation: str, list_key: str, subject: Subject, **params: Any
) -> Raw | None:
    """The single object ``operation`` (``describe_vpcs``...) returns, None when it names
    nothing."""
    try:
        answer = await aws.call("ec2", operation, subject=subject, **params)
    except AwsError as exc:
        if gone(exc):
            return None
        raise
    items = answer.get(list_key) or []
    return items[0] if items else None


async def sync_tags(
    aws: Aws, id_: str, current: Mapping[str, str], desired: Mapping[str, str], subject: Subject
) -> None:
    """Make the user tags of EC2 object ``id_`` equal ``desired`` (``current``: all its tags)."""
    to_set, to_remove = changes(user_tags(current), desired)
    if to_set:
        await aws.call("ec2", "create_tags", subject=subject, Resources=[id_], Tags=to_list(to_set))
    if to_remove:
        await aws.call(
            "ec2",
            "delete_tags",
            subject=subject,
            Resources=[id_],
            Tags=[{"Key": k} for k in to_remove],
        )
