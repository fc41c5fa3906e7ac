"""``aws:ec2:vpc``: a virtual private cloud."""

from __future__ import annotations

import builtins
from typing import Literal

from pydantic import Field

from mcp_iac.sdk import CreateContext, Example, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._ec2 import describe_one, ec2_arn, key_filters, sync_tags, tag_specs
from ._errors import AwsError
from ._model import Cidr4, Model, Tags
from ._tags import to_dict, user_tags


class VpcProperties(Model):
    """Properties of ``aws:ec2:vpc``."""

    cidr_block: Cidr4 = Field(
        alias="cidrBlock", description="IPv4 range of the VPC (CidrBlock); replaces on change."
    )
    enable_dns_support: bool = Field(
        default=True, alias="enableDnsSupport", description="Amazon DNS resolution in the VPC."
    )
    enable_dns_hostnames: bool = Field(
        default=False,
        alias="enableDnsHostnames",
        description="Public DNS hostnames for instances with public IPs.",
    )
    instance_tenancy: Literal["default", "dedicated"] = Field(
        default="default",
        alias="instanceTenancy",
        description="Tenancy of instances launched into it; replaces on change.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags (key to value).")


class VpcOutputs(Model):
    """Outputs of ``aws:ec2:vpc``."""

    id: str = Field(description="The VPC id (vpc-...).")
    arn: str = Field(description="The VPC's ARN.")
    cidr_block: str = Field(alias="cidrBlock", description="Its IPv4 range.")
    owner_id: str = Field(alias="ownerId", description="The owning account.")


VPC = TypeSpec(
    type="aws:ec2:vpc",
    description="A virtual private cloud: an isolated IPv4 network for subnets and instances.",
    properties=VpcProperties,
    outputs=VpcOutputs,
    replace_on_changes=("cidrBlock", "instanceTenancy"),
    examples=(
        Example(
            properties={"cidrBlock": "198.18.0.0/16", "tags": {"env": "demo"}},
            update={
                "cidrBlock": "198.18.0.0/16",
                "enableDnsHostnames": True,
                "tags": {"env": "demo", "team": "web"},
            },
            description="A VPC, then DNS hostnames enabled and a tag added in place.",
        ),
    ),
)


class VpcHandler(AwsHandler[VpcProperties, VpcOutputs]):
    """VPCs through EC2's CreateVpc / DescribeVpcs / ModifyVpcAttribute / DeleteVpc."""

    spec = VPC
    fields = {"CidrBlock": "cidrBlock", "InstanceTenancy": "instanceTenancy"}

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        answer = await self.aws.call(
            "ec2", "describe_vpcs", subject=self.subject("*"), Filters=key_filters(idempotency_key)
        )
        return [v["VpcId"] for v in answer.get("Vpcs", [])]

    async def fetch(self, id_: str) -> Raw | None:
        subject = self.subject(id_)
        vpc = await describe_one(self.aws, "describe_vpcs", "Vpcs", subject, VpcIds=[id_])
        if vpc is None:
            return None
        for attribute in ("enableDnsSupport", "enableDnsHostnames"):
            try:
                answer = await self.aws.call(
                    "ec2",
                    "describe_vpc_attribute",
                    subject=subject,
                    VpcId=id_,
                    Attribute=attribute,
                )
            except AwsError as exc:
                if exc.code == "NOT_FOUND":
                    return None
                raise
            key = attribute[0].upper() + attribute[1:]
            vpc[f"_{attribute}"] = bool(answer.get(key, {}).get("Value"))
        return vpc

    def tags_of(self, raw: Raw) -> dict[str, str]:
        return to_dict(raw.get("Tags"))

    def observe(self, raw: Raw, hint: VpcProperties | None) -> Observed[VpcProperties, VpcOutputs]:
        id_ = raw["VpcId"]
        props = VpcProperties.model_validate(
            {
                "cidrBlock": raw["CidrBlock"],
                "enableDnsSupport": raw["_enableDnsSupport"],
                "enableDnsHostnames": raw["_enableDnsHostnames"],
                "instanceTenancy": raw.get("InstanceTenancy", "default"),
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        outputs = VpcOutputs.model_validate(
            {
                "id": id_,
                "arn": ec2_arn(self.aws, raw.get("OwnerId", ""), f"vpc/{id_}"),
                "cidrBlock": raw["CidrBlock"],
                "ownerId": raw.get("OwnerId", ""),
            }
        )
        return Observed(id_, props, outputs)

    async def make(self, ctx: CreateContext, props: VpcProperties) -> str:
        answer = await self.aws.call(
            "ec2",
            "create_vpc",
            subject=self.subject(ctx.name, props),
            CidrBlock=props.cidr_block,
            InstanceTenancy=props.instance_tenancy,
            TagSpecifications=tag_specs("vpc", ctx, props.tags),
        )
        return str(answer["Vpc"]["VpcId"])

    async def configure(self, ctx: CreateContext, id_: str, props: VpcProperties) -> None:
        raw = await self.existing(id_)
        await self._attributes(id_, raw, props)

    async def _attributes(self, id_: str, raw: Raw, props: VpcProperties) -> None:
        # One attribute per call: AWS refuses both in one ModifyVpcAttribute.
        wanted = {
            "EnableDnsSupport": ("_enableDnsSupport", props.enable_dns_support),
            "EnableDnsHostnames": ("_enableDnsHostnames", props.enable_dns_hostnames),
        }
        for param, (seen, value) in wanted.items():
            if raw.get(seen) != value:
                await self.aws.call(
                    "ec2",
                    "modify_vpc_attribute",
                    subject=self.subject(id_, props),
                    VpcId=id_,
                    **{param: {"Value": value}},
                )

    async def settle(self, id_: str, props: VpcProperties) -> None:
        async def available() -> bool | None:
            raw = await describe_one(
                self.aws, "describe_vpcs", "Vpcs", self.subject(id_), VpcIds=[id_]
            )
            return True if raw is not None and raw.get("State") == "available" else None

        await self.aws.wait_for(f"{self.spec.type} '{id_}' becoming available", available)

    async def remove(self, id_: str, raw: Raw) -> None:
        await self.aws.call("ec2", "delete_vpc", subject=self.subject(id_), VpcId=id_)

    async def update(self, id_: str, old: VpcProperties, new: VpcProperties) -> VpcOutputs:
        raw = await self.existing(id_)
        subject = self.subject(id_, new)
        await sync_tags(self.aws, id_, self.tags_of(raw), new.tags, subject)
        await self._attributes(id_, raw, new)
        return await self.outputs_now(id_, new)
