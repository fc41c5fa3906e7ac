"""Every resource type of the AWS provider, with its handler."""

from __future__ import annotations

from ._acm import CertificateHandler
from ._autoscaling import GroupHandler
from ._aws import Aws
from ._base import AnyAwsHandler
from ._instance import InstanceHandler
from ._launch_template import LaunchTemplateHandler
from ._load_balancer import LoadBalancerHandler
from ._rds import DatabaseHandler
from ._route53_record import RecordHandler
from ._route53_zone import ZoneHandler
from ._s3 import BucketHandler
from ._security_group import SecurityGroupHandler
from ._subnet import SubnetHandler
from ._target_group import TargetGroupHandler
from ._vpc import VpcHandler

HANDLERS: tuple[type[AnyAwsHandler], ...] = (
    VpcHandler,
    SubnetHandler,
    SecurityGroupHandler,
    InstanceHandler,
    LaunchTemplateHandler,
    GroupHandler,
    TargetGroupHandler,
    LoadBalancerHandler,
    CertificateHandler,
    DatabaseHandler,
    ZoneHandler,
    RecordHandler,
    BucketHandler,
)
"""The handler class of every resource type."""


def make_handlers(aws: Aws) -> list[AnyAwsHandler]:
    """One handler per resource type, sharing one connection."""
    return [handler(aws) for handler in HANDLERS]
