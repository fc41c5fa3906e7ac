"""``aws:elb:targetGroup``: a target group of an application or network load balancer."""

from __future__ import annotations

import builtins
from typing import Literal

from pydantic import Field

from mcp_iac.sdk import CreateContext, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._elb import owned_arns, sync_tags, tags_by_arn
from ._errors import AwsError
from ._model import Model, Tags, derived_name
from ._tags import managed, to_list, user_tags

Protocol = Literal["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"]

_HEALTH = {
    "HealthCheckPath": "health_check_path",
    "HealthCheckIntervalSeconds": "health_check_interval_seconds",
    "HealthyThresholdCount": "healthy_threshold_count",
    "UnhealthyThresholdCount": "unhealthy_threshold_count",
}


class TargetGroupProperties(Model):
    """Properties of ``aws:elb:targetGroup``."""

    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$",
        description="Name (32 characters at most); default: the resource's name and a key "
        "digest. Replaces.",
    )
    port: int = Field(ge=1, le=65535, description="Port the targets receive traffic on.")
    protocol: Protocol = Field(default="HTTP", description="Protocol to the targets.")
    vpc_id: str | None = Field(
        default=None, alias="vpcId", description="The VPC of the targets (instance, ip)."
    )
    target_type: Literal["instance", "ip", "lambda", "alb"] = Field(
        default="instance", alias="targetType", description="What the targets are."
    )
    health_check_path: str | None = Field(
        default=None, alias="healthCheckPath", description="HTTP(S) health check path."
    )
    health_check_interval_seconds: int | None = Field(
        default=None, alias="healthCheckIntervalSeconds", ge=5, le=300, description="Seconds."
    )
    healthy_threshold_count: int | None = Field(
        default=None, alias="healthyThresholdCount", ge=2, le=10, description="Checks to pass."
    )
    unhealthy_threshold_count: int | None = Field(
        default=None, alias="unhealthyThresholdCount", ge=2, le=10, description="Checks to fail."
    )
    tags: Tags = Field(default_factory=dict, description="Tags (key to value).")


class TargetGroupOutputs(Model):
    """Outputs of ``aws:elb:targetGroup``."""

    id: str = Field(description="The target group's ARN (its id).")
    arn: str = Field(description="The target group's ARN.")
    name: str = Field(description="Its name.")
    load_balancer_arns: list[str] = Field(
        alias="loadBalancerArns", description="Load balancers forwarding to it."
    )


TARGET_GROUP = TypeSpec(
    type="aws:elb:targetGroup",
    description="An ELB target group: where a load balancer sends traffic (instances of an "
    "autoscaling group register themselves through the group's targetGroupArns).",
    properties=TargetGroupProperties,
    outputs=TargetGroupOutputs,
    replace_on_changes=("name", "port", "protocol", "vpcId", "targetType"),
)


class TargetGroupHandler(AwsHandler[TargetGroupProperties, TargetGroupOutputs]):
    """Target groups through elbv2's CreateTargetGroup / ModifyTargetGroup."""

    spec = TARGET_GROUP
    fields = {
        "Name": "name",
        "Port": "port",
        "Protocol": "protocol",
        "VpcId": "vpcId",
        "TargetType": "targetType",
        "HealthCheckPath": "healthCheckPath",
    }

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        subject = self.subject("*")
        groups = await self.aws.paginate(
            "elbv2", "describe_target_groups", "TargetGroups", subject=subject
        )
        arns = [g["TargetGroupArn"] for g in groups]
        return await owned_arns(self.aws, arns, idempotency_key, subject)

    async def fetch(self, id_: str) -> Raw | None:
        subject = self.subject(id_)
        try:
            answer = await self.aws.call(
                "elbv2", "describe_target_groups", subject=subject, TargetGroupArns=[id_]
            )
        except AwsError as exc:
            if exc.code in ("NOT_FOUND", "VALIDATION"):  # missing, or not an ARN
                return None
            raise
        groups = answer.get("TargetGroups") or []
        if not groups:
            return None
        group: Raw = groups[0]
        group["_tags"] = (await tags_by_arn(self.aws, [id_], subject)).get(id_, {})
        return group

    def tags_of(self, raw: Raw) -> dict[str, str]:
        tags: dict[str, str] = raw["_tags"]
        return tags

    def observe(
        self, raw: Raw, hint: TargetGroupProperties | None
    ) -> Observed[TargetGroupProperties, TargetGroupOutputs]:
        arn = raw["TargetGroupArn"]
        props = TargetGroupProperties.model_validate(
            {
                "name": raw["TargetGroupName"],
                "port": raw.get("Port", 1),
                "protocol": raw.get("Protocol", "HTTP"),
                "vpcId": raw.get("VpcId"),
                "targetType": raw.get("TargetType", "instance"),
                "healthCheckPath": raw.get("HealthCheckPath"),
                "healthCheckIntervalSeconds": raw.get("HealthCheckIntervalSeconds"),
                "healthyThresholdCount": raw.get("HealthyThresholdCount"),
                "unhealthyThresholdCount": raw.get("UnhealthyThresholdCount"),
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        outputs = TargetGroupOutputs.model_validate(
            {
                "id": arn,
                "arn": arn,
                "name": raw["TargetGroupName"],
                "loadBalancerArns": list(raw.get("LoadBalancerArns") or []),
            }
        )
        return Observed(arn, props, outputs)

    @staticmethod
    def _health(props: TargetGroupProperties) -> Raw:
        return {k: getattr(props, a) for k, a in _HEALTH.items() if getattr(props, a) is not None}

    async def make(self, ctx: CreateContext, props: TargetGroupProperties) -> str:
        params: Raw = {
            "Name": props.name or derived_name(ctx, limit=32),
            "Port": props.port,
            "Protocol": props.protocol,
            "TargetType": props.target_type,
            "Tags": to_list({**props.tags, **managed(ctx)}),
            **self._health(props),
        }
        if props.vpc_id:
            params["VpcId"] = props.vpc_id
        answer = await self.aws.call(
            "elbv2", "create_target_group", subject=self.subject(ctx.name, props), **params
        )
        return str(answer["TargetGroups"][0]["TargetGroupArn"])

    async def remove(self, id_: str, raw: Raw) -> None:
        await self.aws.call(
            "elbv2", "delete_target_group", subject=self.subject(id_), TargetGroupArn=id_
        )

    async def update(
        self, id_: str, old: TargetGroupProperties, new: TargetGroupProperties
    ) -> TargetGroupOutputs:
        raw = await self.existing(id_)
        subject = self.subject(id_, new)
        await sync_tags(self.aws, id_, self.tags_of(raw), new.tags, subject)
        health = {k: v for k, v in self._health(new).items() if raw.get(k) != v}
        if health:
            await self.aws.call(
                "elbv2", "modify_target_group", subject=subject, TargetGroupArn=id_, **health
            )
        return await self.outputs_now(id_, new)
