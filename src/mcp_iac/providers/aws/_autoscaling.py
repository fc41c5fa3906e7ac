"""``aws:autoscaling:group``: an autoscaling group launching instances from a template."""

from __future__ import annotations

import builtins
from typing import Literal, Self

from pydantic import Field, model_validator

from mcp_iac.sdk import CreateContext, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._model import Model, Tags, derived_name, in_hint_order
from ._tags import KEY_TAG, changes, key_value, managed, to_dict, user_tags

_GOING = "Delete in progress"


class GroupProperties(Model):
    """Properties of ``aws:autoscaling:group``."""

    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Group name; default: the resource's name and a key digest. Replaces.",
    )
    launch_template: str = Field(
        alias="launchTemplate", min_length=1, description="Launch template id (lt-...)."
    )
    launch_template_version: str = Field(
        default="$Default",
        alias="launchTemplateVersion",
        description="'$Default', '$Latest' or a version number.",
    )
    min_size: int = Field(alias="minSize", ge=0, description="Fewest instances.")
    max_size: int = Field(alias="maxSize", ge=0, description="Most instances.")
    desired_capacity: int | None = Field(
        default=None,
        alias="desiredCapacity",
        ge=0,
        description="Instances to run now (default: minSize).",
    )
    subnet_ids: list[str] = Field(
        default_factory=list, alias="subnetIds", description="Subnets to launch into."
    )
    availability_zones: list[str] = Field(
        default_factory=list,
        alias="availabilityZones",
        description="Zones of the default VPC, when no subnetIds are given.",
    )
    target_group_arns: list[str] = Field(
        default_factory=list,
        alias="targetGroupArns",
        description="Target groups the instances are registered with.",
    )
    health_check_type: Literal["EC2", "ELB"] = Field(
        default="EC2", alias="healthCheckType", description="EC2 status checks or ELB health."
    )
    health_check_grace_period: int = Field(
        default=300, alias="healthCheckGracePeriod", ge=0, description="Seconds."
    )
    tags: Tags = Field(
        default_factory=dict, description="Tags; also put on the instances it launches."
    )

    @model_validator(mode="after")
    def _sizes(self) -> Self:
        if self.min_size > self.max_size:
            raise ValueError(f"minSize {self.min_size} is above maxSize {self.max_size}")
        desired = self.desired_capacity
        if desired is not None and not self.min_size <= desired <= self.max_size:
            raise ValueError(f"desiredCapacity {desired} is outside minSize..maxSize")
        if not self.subnet_ids and not self.availability_zones:
            raise ValueError("give subnetIds (or availabilityZones of the default VPC)")
        return self

    @property
    def wanted(self) -> int:
        """Instances it should run."""
        return self.min_size if self.desired_capacity is None else self.desired_capacity


class GroupOutputs(Model):
    """Outputs of ``aws:autoscaling:group``."""

    id: str = Field(description="The group name (its id in the autoscaling API).")
    name: str = Field(description="The group name.")
    arn: str = Field(description="The group's ARN.")
    instance_ids: list[str] = Field(alias="instanceIds", description="Instances in service.")
    instance_ips: list[str] = Field(
        alias="instanceIps", description="Private IPv4 addresses of the instances in service."
    )


GROUP = TypeSpec(
    type="aws:autoscaling:group",
    description="An autoscaling group; create and update wait until the wanted number of "
    "instances is in service, and instanceIps lists their private addresses.",
    properties=GroupProperties,
    outputs=GroupOutputs,
    replace_on_changes=("name",),
)


def _tag_entries(name: str, tags: dict[str, str], *, propagate: bool) -> list[Raw]:
    return [
        {
            "ResourceId": name,
            "ResourceType": "auto-scaling-group",
            "Key": k,
            "Value": v,
            "PropagateAtLaunch": propagate,
        }
        for k, v in tags.items()
    ]


class GroupHandler(AwsHandler[GroupProperties, GroupOutputs]):
    """Autoscaling groups through CreateAutoScalingGroup / UpdateAutoScalingGroup; instance
    addresses from EC2."""

    spec = GROUP
    fields = {
        "AutoScalingGroupName": "name",
        "LaunchTemplate": "launchTemplate",
        "MinSize": "minSize",
        "MaxSize": "maxSize",
        "DesiredCapacity": "desiredCapacity",
        "VPCZoneIdentifier": "subnetIds",
        "AvailabilityZones": "availabilityZones",
        "TargetGroupARNs": "targetGroupArns",
    }

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        if idempotency_key is None:
            wanted = {"Name": "tag-key", "Values": [KEY_TAG]}
        else:
            wanted = {"Name": f"tag:{KEY_TAG}", "Values": [key_value(idempotency_key)]}
        groups = await self.aws.paginate(
            "autoscaling",
            "describe_auto_scaling_groups",
            "AutoScalingGroups",
            subject=self.subject("*"),
            Filters=[wanted],
        )
        return [g["AutoScalingGroupName"] for g in groups if g.get("Status") != _GOING]

    async def _describe(self, id_: str) -> Raw | None:
        answer = await self.aws.call(
            "autoscaling",
            "describe_auto_scaling_groups",
            subject=self.subject(id_),
            AutoScalingGroupNames=[id_],
        )
        groups = answer.get("AutoScalingGroups") or []
        if not groups or groups[0].get("Status") == _GOING:
            return None
        group: Raw = groups[0]
        return group

    async def fetch(self, id_: str) -> Raw | None:
        group = await self._describe(id_)
        if group is None:
            return None
        in_service = sorted(
            i["InstanceId"]
            for i in group.get("Instances", [])
            if i["LifecycleState"] == "InService"
        )
        addresses: dict[str, str] = {}
        if in_service:
            reservations = await self.aws.paginate(
                "ec2",
                "describe_instances",
                "Reservations",
                subject=self.subject(id_),
                InstanceIds=in_service,
            )
            for reservation in reservations:
                for instance in reservation.get("Instances", []):
                    if instance.get("PrivateIpAddress"):
                        addresses[instance["InstanceId"]] = instance["PrivateIpAddress"]
        group["_inService"] = in_service
        group["_addresses"] = addresses
        return group

    def tags_of(self, raw: Raw) -> dict[str, str]:
        return to_dict(raw.get("Tags"))

    def observe(
        self, raw: Raw, hint: GroupProperties | None
    ) -> Observed[GroupProperties, GroupOutputs]:
        name = raw["AutoScalingGroupName"]
        template = raw.get("LaunchTemplate") or {}
        subnets = [s for s in str(raw.get("VPCZoneIdentifier") or "").split(",") if s]
        zones = [] if subnets else list(raw.get("AvailabilityZones") or [])
        props = GroupProperties.model_validate(
            {
                "name": name,
                "launchTemplate": template.get("LaunchTemplateId") or "?",
                "launchTemplateVersion": template.get("Version") or "$Default",
                "minSize": raw["MinSize"],
                "maxSize": raw["MaxSize"],
                "desiredCapacity": raw.get("DesiredCapacity"),
                "subnetIds": in_hint_order(subnets, hint.subnet_ids if hint else None),
                "availabilityZones": in_hint_order(
                    zones, hint.availability_zones if hint else None
                ),
                "targetGroupArns": in_hint_order(
                    list(raw.get("TargetGroupARNs") or []),
                    hint.target_group_arns if hint else None,
                ),
                "healthCheckType": raw.get("HealthCheckType", "EC2"),
                "healthCheckGracePeriod": raw.get("HealthCheckGracePeriod", 0),
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        ids = [i for i in raw["_inService"] if i in raw["_addresses"]]
        outputs = GroupOutputs.model_validate(
            {
                "id": name,
                "name": name,
                "arn": raw.get("AutoScalingGroupARN", ""),
                "instanceIds": ids,
                "instanceIps": [raw["_addresses"][i] for i in ids],
            }
        )
        return Observed(name, props, outputs)

    def _params(self, props: GroupProperties) -> Raw:
        params: Raw = {
            "LaunchTemplate": {
                "LaunchTemplateId": props.launch_template,
                "Version": props.launch_template_version,
            },
            "MinSize": props.min_size,
            "MaxSize": props.max_size,
            "DesiredCapacity": props.wanted,
            "HealthCheckType": props.health_check_type,
            "HealthCheckGracePeriod": props.health_check_grace_period,
        }
        if props.subnet_ids:
            params["VPCZoneIdentifier"] = ",".join(props.subnet_ids)
        else:
            params["AvailabilityZones"] = props.availability_zones
        return params

    async def make(self, ctx: CreateContext, props: GroupProperties) -> str:
        name = props.name or derived_name(ctx, limit=255)
        tags = [
            *_tag_entries(name, props.tags, propagate=True),
            # The key stays on the group: instances it launches are not objects of ours.
            *_tag_entries(name, managed(ctx), propagate=False),
        ]
        await self.aws.call(
            "autoscaling",
            "create_auto_scaling_group",
            subject=self.subject(ctx.name, props),
            AutoScalingGroupName=name,
            TargetGroupARNs=props.target_group_arns,
            Tags=tags,
            **self._params(props),
        )
        return name

    async def settle(self, id_: str, props: GroupProperties) -> None:
        async def in_service() -> bool | None:
            raw = await self.fetch(id_)
            if raw is None:
                raise self.missing(id_)
            ready = [i for i in raw["_inService"] if i in raw["_addresses"]]
            return True if len(ready) >= props.wanted else None

        await self.aws.wait_for(
            f"{self.spec.type} '{id_}' having {props.wanted} instance(s) in service", in_service
        )

    async def remove(self, id_: str, raw: Raw) -> None:
        await self.aws.call(
            "autoscaling",
            "delete_auto_scaling_group",
            subject=self.subject(id_),
            AutoScalingGroupName=id_,
            ForceDelete=True,
        )

        async def deleted() -> bool | None:
            return True if await self._describe(id_) is None else None

        # Its instances keep the template and security groups in use until they are gone.
        await self.aws.wait_for(f"{self.spec.type} '{id_}' being deleted", deleted)

    async def update(self, id_: str, old: GroupProperties, new: GroupProperties) -> GroupOutputs:
        raw = await self.existing(id_)
        subject = self.subject(id_, new)
        await self.aws.call(
            "autoscaling",
            "update_auto_scaling_group",
            subject=subject,
            AutoScalingGroupName=id_,
            **self._params(new),
        )
        attached = set(raw.get("TargetGroupARNs") or [])
        attach = [a for a in new.target_group_arns if a not in attached]
        detach = sorted(attached - set(new.target_group_arns))
        if attach:
            await self.aws.call(
                "autoscaling",
                "attach_load_balancer_target_groups",
                subject=subject,
                AutoScalingGroupName=id_,
                TargetGroupARNs=attach,
            )
        if detach:
            await self.aws.call(
                "autoscaling",
                "detach_load_balancer_target_groups",
                subject=subject,
                AutoScalingGroupName=id_,
                TargetGroupARNs=detach,
            )
        to_set, to_remove = changes(user_tags(self.tags_of(raw)), new.tags)
        if to_set:
            await self.aws.call(
                "autoscaling",
                "create_or_update_tags",
                subject=subject,
                Tags=_tag_entries(id_, to_set, propagate=True),
            )
        if to_remove:
            await self.aws.call(
                "autoscaling",
                "delete_tags",
                subject=subject,
                Tags=_tag_entries(id_, dict.fromkeys(to_remove, ""), propagate=True),
            )
        await self.settle(id_, new)
        return await self.outputs_now(id_, new)
