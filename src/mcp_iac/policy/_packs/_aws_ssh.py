"""Pack ``aws-no-public-ssh``: no security group lets the internet reach port 22."""

from __future__ import annotations

from collections.abc import Iterator

from mcp_iac.core import UNKNOWN
from mcp_iac.policy._model import Finding
from mcp_iac.policy._policy import Policy, policy
from mcp_iac.policy._view import Maybe, PlannedResource, all_of

from . import _common as c
from ._pack import Pack


def _public_ssh(r: PlannedResource) -> Iterator[Finding | Maybe]:
    ingress = c.rules(r.get("ingress"))
    if ingress is UNKNOWN:
        yield UNKNOWN
        return
    assert isinstance(ingress, list)
    for i, rule in enumerate(ingress):
        verdict = all_of(c.aws_rule_from_internet(rule), c.aws_rule_covers(rule, 22))
        if verdict is not False:
            yield Finding(path=f"ingress[{i}]", undetermined=verdict is UNKNOWN)


def build(_: object) -> list[Policy]:
    return [
        policy(
            "aws-no-public-ssh",
            title="No SSH from 0.0.0.0/0 on AWS",
            severity="critical",
            types=["aws:ec2:securityGroup"],
            message="Security group {address} allows SSH (port 22) from the internet",
            remediation="Limit the rule's cidrBlocks to your management network, or reach "
            "instances through SSM Session Manager or a bastion instead.",
            description="An inbound rule of an AWS security group whose port range covers 22 "
            "(or all traffic) from 0.0.0.0/0 or ::/0.",
        )(_public_ssh)
    ]


PACK = Pack(
    name="aws-no-public-ssh",
    description="No AWS security group rule opens port 22 to 0.0.0.0/0 or ::/0.",
    default=True,
    build=build,
)
