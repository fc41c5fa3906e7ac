"""Pack ``required-tags`` (the seed's): every taggable resource carries the required tags."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from mcp_iac.core import UNKNOWN
from mcp_iac.policy._model import Finding
from mcp_iac.policy._policy import Policy, policy
from mcp_iac.policy._view import PlannedResource, PlanView

from ._pack import Pack, Settings

TAGGABLE = {
    "aws:ec2:*": "tags",
    "aws:elb:*": "tags",
    "aws:autoscaling:*": "tags",
    "aws:acm:*": "tags",
    "aws:rds:*": "tags",
    "aws:s3:*": "tags",
    "aws:route53:zone": "tags",
    "docker:container": "labels",
    "docker:network": "labels",
    "docker:volume": "labels",
}
"""The built-in types that carry tags (AWS) or labels (Docker), and the property holding them."""


class TagSettings(Settings):
    """Settings of ``required-tags``."""

    tags: list[str] = Field(
        default_factory=lambda: ["Environment", "Owner", "CostCenter"],
        description="Tag keys every resource must carry with a non-empty value.",
    )
    resources: dict[str, str] = Field(
        default_factory=lambda: dict(TAGGABLE),
        description="Type glob to the property that holds the tags.",
    )


def build(settings: TagSettings) -> list[Policy]:
    required = list(settings.tags)
    where = dict(settings.resources)

    def missing(r: PlannedResource, plan: PlanView) -> Iterator[Finding]:
        prop = next(p for glob, p in where.items() if r.matches((glob,)))
        tags = r.get(prop)
        if tags is UNKNOWN:
            yield Finding(path=prop, undetermined=True)
            return
        tags = tags if isinstance(tags, dict) else {}
        for key in required:
            if key not in tags or tags[key] in ("", None):
                yield Finding(message=f"Missing required tag: {key}", path=f"{prop}.{key}")

    return [
        policy(
            "required-tags",
            title="Required tags",
            severity="medium",
            types=list(where),
            message="Missing required tag",
            remediation="Add the tags "
            + ", ".join(required)
            + " (AWS 'tags', Docker 'labels'); the list is the 'tags' setting of the "
            "required-tags pack in mcp-iac.yaml.",
            description="Every taggable resource (AWS tags, Docker labels) carries each "
            "required tag with a non-empty value; a tag whose value is known only after "
            "apply counts as present.",
        )(missing)
    ]


PACK = Pack(
    name="required-tags",
    description="Taggable resources carry Environment, Owner and CostCenter (configurable).",
    default=False,
    build=build,
    settings=TagSettings,
)
