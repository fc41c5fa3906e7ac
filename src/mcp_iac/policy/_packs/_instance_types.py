"""Pack ``instance-type-allowlist``: only approved EC2 instance types and RDS classes."""

from __future__ import annotations

import fnmatch

from pydantic import Field

from mcp_iac.policy._policy import Policy, policy
from mcp_iac.policy._view import Maybe, PlannedResource, test

from ._pack import Pack, Settings


class InstanceTypeSettings(Settings):
    """Settings of ``instance-type-allowlist``."""

    allowed: list[str] = Field(
        default_factory=lambda: ["t3.nano", "t3.micro", "t3.small", "t3.medium", "t4g.*"],
        description="EC2 instance types allowed (globs).",
    )
    database_classes: list[str] = Field(
        default_factory=lambda: ["db.t3.*", "db.t4g.*"],
        alias="databaseClasses",
        description="RDS instance classes allowed (globs).",
    )


def build(settings: InstanceTypeSettings) -> list[Policy]:
    allowed, classes = list(settings.allowed), list(settings.database_classes)

    def off_list(r: PlannedResource) -> Maybe | str:
        if r.type == "aws:rds:instance":
            prop, allow = "instanceClass", classes
        else:
            prop, allow = "instanceType", allowed
        value = r.get(prop)
        if value is None:
            return False  # the provider's default
        verdict = test(value, lambda v: not any(fnmatch.fnmatchcase(str(v), g) for g in allow))
        if verdict is True:
            return (
                f"{r.address} uses {prop} {value}, which is not on the allowlist "
                f"({', '.join(allow)})"
            )
        return verdict

    return [
        policy(
            "instance-type-allowlist",
            title="Approved instance types only",
            severity="medium",
            types=["aws:ec2:instance", "aws:ec2:launchTemplate", "aws:rds:instance"],
            message="{address} uses an instance type that is not on the allowlist",
            remediation="Pick an allowed type, or add it to the 'allowed' / 'databaseClasses' "
            "settings of the instance-type-allowlist pack in mcp-iac.yaml.",
            description="EC2 instances and launch templates use an allowed instanceType; RDS "
            "instances an allowed instanceClass (globs such as t4g.*).",
        )(off_list)
    ]


PACK = Pack(
    name="instance-type-allowlist",
    description="EC2 instance types and RDS classes from an allowlist (small t3/t4g by default).",
    default=False,
    build=build,
    settings=InstanceTypeSettings,
)
