"""``aws:ec2:securityGroup``: a security group and its rules."""

from __future__ import annotations

import builtins
from typing import Literal

from pydantic import Field

from mcp_iac.sdk import CreateContext, Example, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._ec2 import describe_one, ec2_arn, key_filters, sync_tags, tag_specs
from ._model import Model, Tags, derived_name
from ._sg_rules import Rule, atoms_from_aws, atoms_of, permission, rule_changes, rules_from
from ._tags import to_dict, user_tags

DEFAULT_DESCRIPTION = "Managed by mcp-iac"


class SecurityGroupProperties(Model):
    """Properties of ``aws:ec2:securityGroup``."""

    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Group name (GroupName); default: the resource's name and a key digest. "
        "Replaces on change.",
    )
    description: str = Field(
        default=DEFAULT_DESCRIPTION,
        min_length=1,
        max_length=255,
        description="Group description; AWS cannot change it, so a change replaces.",
    )
    vpc_id: str | None = Field(
        default=None, alias="vpcId", description="The VPC (default: the default VPC); replaces."
    )
    ingress: list[Rule] = Field(default_factory=list, description="Inbound rules.")
    egress: list[Rule] | None = Field(
        default=None,
        description="Outbound rules; unset leaves them alone (AWS starts with allow-all), "
        "[] allows nothing.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags (key to value).")


class SecurityGroupOutputs(Model):
    """Outputs of ``aws:ec2:securityGroup``."""

    id: str = Field(description="The group id (sg-...).")
    arn: str = Field(description="The group's ARN.")
    name: str = Field(description="The group name.")
    vpc_id: str = Field(alias="vpcId", description="Its VPC.")


SECURITY_GROUP = TypeSpec(
    type="aws:ec2:securityGroup",
    description="A security group: stateful inbound and outbound rules for instances, load "
    "balancers and databases; rules change in place.",
    properties=SecurityGroupProperties,
    outputs=SecurityGroupOutputs,
    replace_on_changes=("name", "description", "vpcId"),
    examples=(
        Example(
            properties={
                "description": "web servers",
                "ingress": [
                    {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}
                ],
            },
            update={
                "description": "web servers",
                "ingress": [
                    {
                        "protocol": "tcp",
                        "fromPort": 443,
                        "toPort": 443,
                        "cidrBlocks": ["0.0.0.0/0"],
                        "description": "https",
                    },
                    {
                        "protocol": "tcp",
                        "fromPort": 22,
                        "toPort": 22,
                        "cidrBlocks": ["198.18.0.0/16"],
                    },
                ],
                "egress": [],
                "tags": {"role": "web"},
            },
            description="HTTPS from anywhere; then SSH from 198.18.0.0/16 added, outbound "
            "traffic closed, a tag added, all in place.",
        ),
    ),
)


class SecurityGroupHandler(AwsHandler[SecurityGroupProperties, SecurityGroupOutputs]):
    """Security groups through EC2's CreateSecurityGroup / Authorize* / Revoke* calls."""

    spec = SECURITY_GROUP
    fields = {"GroupName": "name", "VpcId": "vpcId", "GroupDescription": "description"}

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        answer = await self.aws.call(
            "ec2",
            "describe_security_groups",
            subject=self.subject("*"),
            Filters=key_filters(idempotency_key),
        )
        return [g["GroupId"] for g in answer.get("SecurityGroups", [])]

    async def fetch(self, id_: str) -> Raw | None:
        return await describe_one(
            self.aws,
            "describe_security_groups",
            "SecurityGroups",
            self.subject(id_),
            GroupIds=[id_],
        )

    def tags_of(self, raw: Raw) -> dict[str, str]:
        return to_dict(raw.get("Tags"))

    def observe(
        self, raw: Raw, hint: SecurityGroupProperties | None
    ) -> Observed[SecurityGroupProperties, SecurityGroupOutputs]:
        id_ = raw["GroupId"]
        ingress = rules_from(
            atoms_from_aws(raw.get("IpPermissions", [])), hint.ingress if hint else None, id_
        )
        egress = rules_from(
            atoms_from_aws(raw.get("IpPermissionsEgress", [])),
            hint.egress if hint else None,
            id_,
        )
        props = SecurityGroupProperties.model_validate(
            {
                "name": raw["GroupName"],
                "description": raw.get("Description") or DEFAULT_DESCRIPTION,
                "vpcId": raw.get("VpcId"),
                "ingress": [r.model_dump(by_alias=True) for r in ingress],
                "egress": [r.model_dump(by_alias=True) for r in egress],
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        outputs = SecurityGroupOutputs.model_validate(
            {
                "id": id_,
                "arn": raw.get("SecurityGroupArn")
                or ec2_arn(self.aws, raw.get("OwnerId", ""), f"security-group/{id_}"),
                "name": raw["GroupName"],
                "vpcId": raw.get("VpcId") or "",
            }
        )
        return Observed(id_, props, outputs)

    async def make(self, ctx: CreateContext, props: SecurityGroupProperties) -> str:
        params: Raw = {
            "GroupName": props.name or derived_name(ctx, limit=255, pattern=r"[^A-Za-z0-9_.-]"),
            "Description": props.description,
            "TagSpecifications": tag_specs("security-group", ctx, props.tags),
        }
        if props.vpc_id:
            params["VpcId"] = props.vpc_id
        answer = await self.aws.call(
            "ec2", "create_security_group", subject=self.subject(ctx.name, props), **params
        )
        return str(answer["GroupId"])

    async def configure(self, ctx: CreateContext, id_: str, props: SecurityGroupProperties) -> None:
        await self._sync_rules(id_, await self.existing(id_), props)

    async def _sync_rules(self, id_: str, raw: Raw, props: SecurityGroupProperties) -> None:
        directions: list[tuple[Literal["ingress", "egress"], list[Rule] | None, str]] = [
            ("ingress", props.ingress, "IpPermissions"),
            ("egress", props.egress, "IpPermissionsEgress"),
        ]
        subject = self.subject(id_, props)
        for direction, rules, key in directions:
            if rules is None:
                continue  # egress left as AWS made it
            actual = atoms_from_aws(raw.get(key, []))
            todo = rule_changes(actual, atoms_of(rules, id_))
            if todo.revoke:
                await self.aws.call(
                    "ec2",
                    f"revoke_security_group_{direction}",
                    subject=subject,
                    GroupId=id_,
                    IpPermissions=[permission(a, actual[a]) for a in todo.revoke],
                )
            if todo.authorize:
                await self.aws.call(
                    "ec2",
                    f"authorize_security_group_{direction}",
                    subject=subject,
                    GroupId=id_,
                    IpPermissions=[permission(a, d) for a, d in todo.authorize],
                )
            if todo.describe:
                await self.aws.call(
                    "ec2",
                    f"update_security_group_rule_descriptions_{direction}",
                    subject=subject,
                    GroupId=id_,
                    IpPermissions=[permission(a, d or "") for a, d in todo.describe],
                )

    async def remove(self, id_: str, raw: Raw) -> None:
        await self.aws.call("ec2", "delete_security_group", subject=self.subject(id_), GroupId=id_)

    async def update(
        self, id_: str, old: SecurityGroupProperties, new: SecurityGroupProperties
    ) -> SecurityGroupOutputs:
        raw = await self.existing(id_)
        await sync_tags(self.aws, id_, self.tags_of(raw), new.tags, self.subject(id_, new))
        await self._sync_rules(id_, raw, new)
        return await self.outputs_now(id_, new)
