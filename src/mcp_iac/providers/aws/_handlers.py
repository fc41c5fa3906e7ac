"""Every resource type of the AWS provider, with its handler."""

from __future__ import annotations

from ._aws import Aws
from ._base import AnyAwsHandler
from ._instance import InstanceHandler
from ._security_group import SecurityGroupHandler
from ._subnet import SubnetHandler
from ._vpc import VpcHandler


def make_handlers(aws: Aws) -> list[AnyAwsHandler]:
    """One handler per resource type, sharing one connection."""
    return [
        VpcHandler(aws),
        SubnetHandler(aws),
        SecurityGroupHandler(aws),
        InstanceHandler(aws),
    ]
