"""What the ELB (elbv2) types share: tags, which ELB keeps apart from the objects."""

from __future__ import annotations

from collections.abc import Mapping

from ._aws import Aws
from ._errors import Subject
from ._tags import changes, has_key, to_dict, to_list, user_tags

_TAG_BATCH = 20  # DescribeTags takes at most 20 ARNs


async def tags_by_arn(aws: Aws, arns: list[str], subject: Subject) -> dict[str, dict[str, str]]:
    """All tags of each ARN."""
    out: dict[str, dict[str, str]] = {}
    for start in range(0, len(arns), _TAG_BATCH):
        answer = await aws.call(
            "elbv2", "describe_tags", subject=subject, ResourceArns=arns[start : start + _TAG_BATCH]
        )
        for entry in answer.get("TagDescriptions", []):
            out[entry["ResourceArn"]] = to_dict(entry.get("Tags"))
    return out


async def owned_arns(
    aws: Aws, arns: list[str], idempotency_key: str | None, subject: Subject
) -> list[str]:
    """Those of ``arns`` carrying the key tag (``idempotency_key``'s, if given)."""
    tags = await tags_by_arn(aws, arns, subject)
    return [a for a in arns if has_key(tags.get(a, {}), idempotency_key)]


async def sync_tags(
    aws: Aws, arn: str, current: Mapping[str, str], desired: Mapping[str, str], subject: Subject
) -> None:
    """Make the user tags of ``arn`` equal ``desired`` (``current``: all its tags)."""
    to_set, to_remove = changes(user_tags(current), desired)
    if to_set:
        await aws.call(
            "elbv2", "add_tags", subject=subject, ResourceArns=[arn], Tags=to_list(to_set)
        )
    if to_remove:
        await aws.call(
            "elbv2", "remove_tags", subject=subject, ResourceArns=[arn], TagKeys=to_remove
        )
