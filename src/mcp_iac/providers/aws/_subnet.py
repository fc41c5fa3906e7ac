"""``aws:ec2:subnet``: a subnet of a VPC."""

from __future__ import annotations

import builtins

from pydantic import Field

from mcp_iac.sdk import CreateContext, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._ec2 import describe_one, key_filters, sync_tags, tag_specs
from ._model import Cidr4, Model, Tags
from ._tags import to_dict, user_tags


class SubnetProperties(Model):
    """Properties of ``aws:ec2:subnet``."""

    vpc_id: str = Field(alias="vpcId", min_length=1, description="The VPC (VpcId); replaces.")
    cidr_block: Cidr4 = Field(
        alias="cidrBlock", description="IPv4 range, inside the VPC's (CidrBlock); replaces."
    )
    availability_zone: str | None = Field(
        default=None,
        alias="availabilityZone",
        description="Availability zone, e.g. 'us-east-1a' (AWS picks one when unset); replaces.",
    )
    map_public_ip_on_launch: bool = Field(
        default=False,
        alias="mapPublicIpOnLaunch",
        description="Give instances launched here a public IPv4 address.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags (key to value).")


class SubnetOutputs(Model):
    """Outputs of ``aws:ec2:subnet``."""

    id: str = Field(description="The subnet id (subnet-...).")
    arn: str = Field(description="The subnet's ARN.")
    vpc_id: str = Field(alias="vpcId", description="Its VPC.")
    cidr_block: str = Field(alias="cidrBlock", description="Its IPv4 range.")
    availability_zone: str = Field(alias="availabilityZone", description="Its availability zone.")


SUBNET = TypeSpec(
    type="aws:ec2:subnet",
    description="A subnet: a range of a VPC's addresses in one availability zone.",
    properties=SubnetProperties,
    outputs=SubnetOutputs,
    replace_on_changes=("vpcId", "cidrBlock", "availabilityZone"),
)


class SubnetHandler(AwsHandler[SubnetProperties, SubnetOutputs]):
    """Subnets through EC2's CreateSubnet / DescribeSubnets / ModifySubnetAttribute."""

    spec = SUBNET
    fields = {"VpcId": "vpcId", "CidrBlock": "cidrBlock", "AvailabilityZone": "availabilityZone"}

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        answer = await self.aws.call(
            "ec2",
            "describe_subnets",
            subject=self.subject("*"),
            Filters=key_filters(idempotency_key),
        )
        return [s["SubnetId"] for s in answer.get("Subnets", [])]

    async def fetch(self, id_: str) -> Raw | None:
        return await describe_one(
            self.aws, "describe_subnets", "Subnets", self.subject(id_), SubnetIds=[id_]
        )

    def tags_of(self, raw: Raw) -> dict[str, str]:
        return to_dict(raw.get("Tags"))

    def observe(
        self, raw: Raw, hint: SubnetProperties | None
    ) -> Observed[SubnetProperties, SubnetOutputs]:
        id_ = raw["SubnetId"]
        props = SubnetProperties.model_validate(
            {
                "vpcId": raw["VpcId"],
                "cidrBlock": raw["CidrBlock"],
                "availabilityZone": raw["AvailabilityZone"],
                "mapPublicIpOnLaunch": bool(raw.get("MapPublicIpOnLaunch")),
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        outputs = SubnetOutputs.model_validate(
            {
                "id": id_,
                "arn": raw.get("SubnetArn") or "",
                "vpcId": raw["VpcId"],
                "cidrBlock": raw["CidrBlock"],
                "availabilityZone": raw["AvailabilityZone"],
            }
        )
        return Observed(id_, props, outputs)

    async def make(self, ctx: CreateContext, props: SubnetProperties) -> str:
        params: Raw = {
            "VpcId": props.vpc_id,
            "CidrBlock": props.cidr_block,
            "TagSpecifications": tag_specs("subnet", ctx, props.tags),
        }
        if props.availability_zone:
            params["AvailabilityZone"] = props.availability_zone
        answer = await self.aws.call(
            "ec2", "create_subnet", subject=self.subject(ctx.name, props), **params
        )
        return str(answer["Subnet"]["SubnetId"])

    async def configure(self, ctx: CreateContext, id_: str, props: SubnetProperties) -> None:
        raw = await self.existing(id_)
        await self._public_ip(id_, raw, props)

    async def _public_ip(self, id_: str, raw: Raw, props: SubnetProperties) -> None:
        if bool(raw.get("MapPublicIpOnLaunch")) != props.map_public_ip_on_launch:
            await self.aws.call(
                "ec2",
                "modify_subnet_attribute",
                subject=self.subject(id_, props),
                SubnetId=id_,
                MapPublicIpOnLaunch={"Value": props.map_public_ip_on_launch},
            )

    async def settle(self, id_: str, props: SubnetProperties) -> None:
        async def available() -> bool | None:
            raw = await self.fetch(id_)
            return True if raw is not None and raw.get("State") == "available" else None

        await self.aws.wait_for(f"{self.spec.type} '{id_}' becoming available", available)

    async def remove(self, id_: str, raw: Raw) -> None:
        await self.aws.call("ec2", "delete_subnet", subject=self.subject(id_), SubnetId=id_)

    async def update(self, id_: str, old: SubnetProperties, new: SubnetProperties) -> SubnetOutputs:
        raw = await self.existing(id_)
        await sync_tags(self.aws, id_, self.tags_of(raw), new.tags, self.subject(id_, new))
        await self._public_ip(id_, raw, new)
        return await self.outputs_now(id_, new)
