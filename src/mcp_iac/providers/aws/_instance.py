"""``aws:ec2:instance``: one EC2 instance."""

from __future__ import annotations

import base64
import binascii
import builtins

from pydantic import Field

from mcp_iac.sdk import CreateContext, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._ec2 import describe_one, ec2_arn, key_filters, sync_tags, tag_specs
from ._errors import AwsError
from ._model import Model, Tags, in_hint_order
from ._tags import to_dict, token, user_tags

LIVE_STATES = ["pending", "running", "stopping", "stopped"]
"""States of an instance that exists; shutting-down and terminated ones count as gone."""


class InstanceProperties(Model):
    """Properties of ``aws:ec2:instance``."""

    image_id: str = Field(alias="imageId", min_length=1, description="AMI id; replaces.")
    instance_type: str = Field(
        default="t3.micro",
        alias="instanceType",
        min_length=1,
        description="Instance type; a change stops the instance, changes it and starts it.",
    )
    subnet_id: str | None = Field(
        default=None, alias="subnetId", description="Subnet (default: the default VPC's)."
    )
    security_group_ids: list[str] = Field(
        default_factory=list,
        alias="securityGroupIds",
        description="Security groups (default: the VPC's default group); changes in place.",
    )
    key_name: str | None = Field(default=None, alias="keyName", description="Key pair name.")
    user_data: str | None = Field(
        default=None,
        alias="userData",
        description="User data as plain text (the provider encodes it); replaces.",
    )
    associate_public_ip_address: bool | None = Field(
        default=None,
        alias="associatePublicIpAddress",
        description="Give it a public IPv4 address (default: the subnet's setting); replaces.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags (key to value).")


class InstanceOutputs(Model):
    """Outputs of ``aws:ec2:instance``."""

    id: str = Field(description="The instance id (i-...).")
    arn: str = Field(description="The instance's ARN.")
    private_ip: str | None = Field(alias="privateIp", description="Private IPv4 address.")
    public_ip: str | None = Field(
        alias="publicIp", description="Public IPv4 address (null without one)."
    )
    private_dns_name: str | None = Field(alias="privateDnsName", description="Private DNS name.")
    availability_zone: str | None = Field(
        alias="availabilityZone", description="Its availability zone."
    )
    state: str = Field(description="pending, running, stopping or stopped.")


INSTANCE = TypeSpec(
    type="aws:ec2:instance",
    description="An EC2 instance, waited for until it runs.",
    properties=InstanceProperties,
    outputs=InstanceOutputs,
    replace_on_changes=("imageId", "subnetId", "keyName", "userData", "associatePublicIpAddress"),
)


def _decode(user_data: str) -> str:
    try:
        return base64.b64decode(user_data).decode()
    except (binascii.Error, UnicodeDecodeError):
        return user_data


class InstanceHandler(AwsHandler[InstanceProperties, InstanceOutputs]):
    """Instances through EC2's RunInstances (with a ClientToken) / DescribeInstances /
    ModifyInstanceAttribute / TerminateInstances."""

    spec = INSTANCE
    fields = {
        "ImageId": "imageId",
        "InstanceType": "instanceType",
        "SubnetId": "subnetId",
        "SecurityGroupIds": "securityGroupIds",
        "KeyName": "keyName",
        "UserData": "userData",
    }

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        filters = [
            *key_filters(idempotency_key),
            {"Name": "instance-state-name", "Values": LIVE_STATES},
        ]
        reservations = await self.aws.paginate(
            "ec2", "describe_instances", "Reservations", subject=self.subject("*"), Filters=filters
        )
        return [i["InstanceId"] for r in reservations for i in r.get("Instances", [])]

    async def _describe(self, id_: str) -> Raw | None:
        reservation = await describe_one(
            self.aws, "describe_instances", "Reservations", self.subject(id_), InstanceIds=[id_]
        )
        if reservation is None or not reservation.get("Instances"):
            return None
        instance: Raw = reservation["Instances"][0]
        instance["_owner"] = reservation.get("OwnerId", "")
        return instance

    async def fetch(self, id_: str) -> Raw | None:
        instance = await self._describe(id_)
        if instance is None or instance["State"]["Name"] not in LIVE_STATES:
            return None
        attribute = await self.aws.call(
            "ec2",
            "describe_instance_attribute",
            subject=self.subject(id_),
            InstanceId=id_,
            Attribute="userData",
        )
        encoded = (attribute.get("UserData") or {}).get("Value")
        instance["_userData"] = _decode(encoded) if encoded else None
        return instance

    def tags_of(self, raw: Raw) -> dict[str, str]:
        return to_dict(raw.get("Tags"))

    def observe(
        self, raw: Raw, hint: InstanceProperties | None
    ) -> Observed[InstanceProperties, InstanceOutputs]:
        id_ = raw["InstanceId"]
        groups = [g["GroupId"] for g in raw.get("SecurityGroups", [])]
        # AWS does not report the launch-time choice itself (an address may come from the
        # subnet, or be an Elastic IP): the declared value is kept.
        public = hint.associate_public_ip_address if hint else None
        props = InstanceProperties.model_validate(
            {
                "imageId": raw["ImageId"],
                "instanceType": raw["InstanceType"],
                "subnetId": raw.get("SubnetId"),
                "securityGroupIds": in_hint_order(
                    groups, hint.security_group_ids if hint else None
                ),
                "keyName": raw.get("KeyName"),
                "userData": raw.get("_userData"),
                "associatePublicIpAddress": public,
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        outputs = InstanceOutputs.model_validate(
            {
                "id": id_,
                "arn": ec2_arn(self.aws, raw.get("_owner", ""), f"instance/{id_}"),
                "privateIp": raw.get("PrivateIpAddress"),
                "publicIp": raw.get("PublicIpAddress"),
                "privateDnsName": raw.get("PrivateDnsName"),
                "availabilityZone": (raw.get("Placement") or {}).get("AvailabilityZone"),
                "state": raw["State"]["Name"],
            }
        )
        return Observed(id_, props, outputs)

    async def make(self, ctx: CreateContext, props: InstanceProperties) -> str:
        params: Raw = {
            "ImageId": props.image_id,
            "InstanceType": props.instance_type,
            "MinCount": 1,
            "MaxCount": 1,
            # AWS returns the first call's instance for a repeated token (moto ignores it; the
            # key tag lookup before this call covers both).
            "ClientToken": token(ctx.idempotency_key, 64),
            "TagSpecifications": tag_specs("instance", ctx, props.tags),
        }
        if props.key_name:
            params["KeyName"] = props.key_name
        if props.user_data is not None:
            params["UserData"] = props.user_data  # boto3 base64-encodes it
        if props.associate_public_ip_address is None:
            if props.subnet_id:
                params["SubnetId"] = props.subnet_id
            if props.security_group_ids:
                params["SecurityGroupIds"] = props.security_group_ids
        else:
            interface: Raw = {
                "DeviceIndex": 0,
                "AssociatePublicIpAddress": props.associate_public_ip_address,
            }
            if props.subnet_id:
                interface["SubnetId"] = props.subnet_id
            if props.security_group_ids:
                interface["Groups"] = props.security_group_ids
            params["NetworkInterfaces"] = [interface]
        answer = await self.aws.call(
            "ec2", "run_instances", subject=self.subject(ctx.name, props), **params
        )
        return str(answer["Instances"][0]["InstanceId"])

    async def _wait_state(self, id_: str, wanted: str) -> None:
        async def reached() -> bool | None:
            instance = await self._describe(id_)
            state = instance["State"]["Name"] if instance else "terminated"
            if state == wanted:
                return True
            if state in ("shutting-down", "terminated") and wanted != "terminated":
                reason = (instance or {}).get("StateReason", {}).get("Message", "no reason given")
                raise AwsError(
                    "CONFLICT",
                    f"{self.spec.type} '{id_}' is {state} while waiting for {wanted}: {reason}",
                    aws_code="InstanceTerminated",
                )
            return None

        await self.aws.wait_for(f"{self.spec.type} '{id_}' becoming {wanted}", reached)

    async def settle(self, id_: str, props: InstanceProperties) -> None:
        await self._wait_state(id_, "running")

    async def remove(self, id_: str, raw: Raw) -> None:
        await self.aws.call(
            "ec2", "terminate_instances", subject=self.subject(id_), InstanceIds=[id_]
        )
        # Wait: its subnet and security groups cannot be deleted while it shuts down.
        await self._wait_state(id_, "terminated")

    async def update(
        self, id_: str, old: InstanceProperties, new: InstanceProperties
    ) -> InstanceOutputs:
        raw = await self.existing(id_)
        subject = self.subject(id_, new)
        await sync_tags(self.aws, id_, self.tags_of(raw), new.tags, subject)
        groups = sorted(g["GroupId"] for g in raw.get("SecurityGroups", []))
        if new.security_group_ids and sorted(new.security_group_ids) != groups:
            await self.aws.call(
                "ec2",
                "modify_instance_attribute",
                subject=subject,
                InstanceId=id_,
                Groups=new.security_group_ids,
            )
        if new.instance_type != raw["InstanceType"]:
            await self._resize(id_, raw["State"]["Name"], new)
        return await self.outputs_now(id_, new)

    async def _resize(self, id_: str, state: str, new: InstanceProperties) -> None:
        # AWS changes the type of stopped instances only: stop, change, start again.
        subject = self.subject(id_, new)
        running = state in ("pending", "running")
        if state == "pending":
            await self._wait_state(id_, "running")
        if running or state == "stopping":
            if running:
                await self.aws.call("ec2", "stop_instances", subject=subject, InstanceIds=[id_])
            await self._wait_state(id_, "stopped")
        await self.aws.call(
            "ec2",
            "modify_instance_attribute",
            subject=subject,
            InstanceId=id_,
            InstanceType={"Value": new.instance_type},
        )
        if running:
            await self.aws.call("ec2", "start_instances", subject=subject, InstanceIds=[id_])
            await self._wait_state(id_, "running")
