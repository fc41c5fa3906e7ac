"""``aws:ec2:launchTemplate``: what instances of an autoscaling group are launched with."""

from __future__ import annotations

import base64
import binascii
import builtins
from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator

from mcp_iac.sdk import CreateContext, Example, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._ec2 import describe_one, ec2_arn, key_filters, sync_tags, tag_specs
from ._errors import AwsError
from ._model import Model, Tags, derived_name, in_hint_order
from ._tags import to_dict, token, user_tags


def _base64(value: str) -> str:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(
            "userDataBase64 must be base64 (e.g. the output of `base64 -w0 init.sh`); give a "
            "plain script as userData instead"
        ) from None
    return value


def _encode(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _decoded(encoded: str) -> str | None:
    """The text behind base64 ``encoded``, or None when it is not UTF-8 text."""
    try:
        return base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, ValueError):
        return None


class LaunchTemplateProperties(Model):
    """Properties of ``aws:ec2:launchTemplate``."""

    name: str | None = Field(
        default=None,
        min_length=3,
        max_length=128,
        pattern=r"^[A-Za-z0-9().\/_-]+$",
        description="Template name; default: the resource's name and a key digest. Replaces.",
    )
    image_id: str | None = Field(default=None, alias="imageId", description="AMI id.")
    instance_type: str | None = Field(
        default=None, alias="instanceType", description="Instance type."
    )
    key_name: str | None = Field(default=None, alias="keyName", description="Key pair name.")
    security_group_ids: list[str] = Field(
        default_factory=list, alias="securityGroupIds", description="Security groups."
    )
    user_data: str | None = Field(
        default=None,
        alias="userData",
        description="User data as plain text (the provider encodes it; references inside work).",
    )
    user_data_base64: Annotated[str, AfterValidator(_base64)] | None = Field(
        default=None,
        alias="userDataBase64",
        description="User data already base64-encoded, instead of userData.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags of the template itself.")

    @model_validator(mode="after")
    def _one_user_data(self) -> Self:
        if self.user_data is not None and self.user_data_base64 is not None:
            raise ValueError("give userData (plain text) or userDataBase64, not both")
        return self

    @property
    def encoded_user_data(self) -> str | None:
        """The user data as AWS takes it (base64)."""
        if self.user_data is not None:
            return _encode(self.user_data)
        return self.user_data_base64


class LaunchTemplateOutputs(Model):
    """Outputs of ``aws:ec2:launchTemplate``."""

    id: str = Field(description="The template id (lt-...).")
    arn: str = Field(description="The template's ARN.")
    name: str = Field(description="The template name.")
    default_version: int = Field(alias="defaultVersion", description="Version used by default.")
    latest_version: int = Field(alias="latestVersion", description="Newest version.")


LAUNCH_TEMPLATE = TypeSpec(
    type="aws:ec2:launchTemplate",
    description="An EC2 launch template; a change of its data adds a version and makes it the "
    "default (autoscaling groups on '$Default' launch new instances with it).",
    properties=LaunchTemplateProperties,
    outputs=LaunchTemplateOutputs,
    replace_on_changes=("name",),
    examples=(
        Example(
            properties={
                "imageId": "ami-12c6146b",
                "instanceType": "t3.micro",
                "userData": "#!/bin/sh\necho hello\n",
            },
            update={
                "imageId": "ami-12c6146b",
                "instanceType": "t3.small",
                "userData": "#!/bin/sh\necho hello\n",
                "tags": {"app": "web"},
            },
            description="A template, then a larger instance type (a new default version).",
        ),
    ),
)

_DATA_FIELDS = {
    "ImageId": "image_id",
    "InstanceType": "instance_type",
    "KeyName": "key_name",
}


def _data(props: LaunchTemplateProperties) -> Raw:
    data: Raw = {
        aws: getattr(props, attr)
        for aws, attr in _DATA_FIELDS.items()
        if getattr(props, attr) is not None
    }
    if props.security_group_ids:
        data["SecurityGroupIds"] = props.security_group_ids
    if props.encoded_user_data is not None:
        data["UserData"] = props.encoded_user_data
    return data


def _user_data(encoded: str | None, hint: LaunchTemplateProperties | None) -> dict[str, str]:
    """AWS's base64 user data in the form the user declares it: plain text unless declared
    (or only expressible) as base64."""
    if encoded is None:
        return {}
    text = _decoded(encoded)
    if text is None or (hint is not None and hint.user_data_base64 is not None):
        return {"userDataBase64": encoded}
    return {"userData": text}


class LaunchTemplateHandler(AwsHandler[LaunchTemplateProperties, LaunchTemplateOutputs]):
    """Launch templates through EC2's CreateLaunchTemplate (with a ClientToken),
    CreateLaunchTemplateVersion and ModifyLaunchTemplate."""

    spec = LAUNCH_TEMPLATE
    fields = {
        "LaunchTemplateName": "name",
        "ImageId": "imageId",
        "InstanceType": "instanceType",
        "KeyName": "keyName",
        "SecurityGroupIds": "securityGroupIds",
        "UserData": "userData",
    }

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        answer = await self.aws.call(
            "ec2",
            "describe_launch_templates",
            subject=self.subject("*"),
            Filters=key_filters(idempotency_key),
        )
        return [t["LaunchTemplateId"] for t in answer.get("LaunchTemplates", [])]

    async def fetch(self, id_: str) -> Raw | None:
        subject = self.subject(id_)
        template = await describe_one(
            self.aws,
            "describe_launch_templates",
            "LaunchTemplates",
            subject,
            LaunchTemplateIds=[id_],
        )
        if template is None:
            return None
        try:
            answer = await self.aws.call(
                "ec2",
                "describe_launch_template_versions",
                subject=subject,
                LaunchTemplateId=id_,
                Versions=["$Default"],
            )
        except AwsError as exc:
            if exc.code == "NOT_FOUND":
                return None
            raise
        versions = answer.get("LaunchTemplateVersions") or [{}]
        template["_data"] = versions[0].get("LaunchTemplateData", {})
        # DescribeTags, not the template's own Tags: moto leaves CreateTags out of those.
        tags = await self.aws.paginate(
            "ec2",
            "describe_tags",
            "Tags",
            subject=subject,
            Filters=[{"Name": "resource-id", "Values": [id_]}],
        )
        template["_tags"] = to_dict(tags)
        return template

    def tags_of(self, raw: Raw) -> dict[str, str]:
        tags: dict[str, str] = raw["_tags"]
        return tags

    def observe(
        self, raw: Raw, hint: LaunchTemplateProperties | None
    ) -> Observed[LaunchTemplateProperties, LaunchTemplateOutputs]:
        id_ = raw["LaunchTemplateId"]
        data = raw["_data"]
        groups = list(data.get("SecurityGroupIds") or [])
        props = LaunchTemplateProperties.model_validate(
            {
                "name": raw["LaunchTemplateName"],
                "imageId": data.get("ImageId"),
                "instanceType": data.get("InstanceType"),
                "keyName": data.get("KeyName"),
                "securityGroupIds": in_hint_order(
                    groups, hint.security_group_ids if hint else None
                ),
                **_user_data(data.get("UserData"), hint),
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        owner = str(raw.get("CreatedBy", "")).split(":")[4:5] or [""]
        outputs = LaunchTemplateOutputs.model_validate(
            {
                "id": id_,
                "arn": ec2_arn(self.aws, owner[0], f"launch-template/{id_}"),
                "name": raw["LaunchTemplateName"],
                "defaultVersion": raw.get("DefaultVersionNumber", 1),
                "latestVersion": raw.get("LatestVersionNumber", 1),
            }
        )
        return Observed(id_, props, outputs)

    async def make(self, ctx: CreateContext, props: LaunchTemplateProperties) -> str:
        name = props.name or derived_name(ctx, limit=128, pattern=r"[^A-Za-z0-9()./_-]")
        answer = await self.aws.call(
            "ec2",
            "create_launch_template",
            subject=self.subject(ctx.name, props),
            LaunchTemplateName=name,
            ClientToken=token(ctx.idempotency_key, 64),
            LaunchTemplateData=_data(props),
            TagSpecifications=tag_specs("launch-template", ctx, props.tags),
        )
        return str(answer["LaunchTemplate"]["LaunchTemplateId"])

    async def remove(self, id_: str, raw: Raw) -> None:
        await self.aws.call(
            "ec2", "delete_launch_template", subject=self.subject(id_), LaunchTemplateId=id_
        )

    async def update(
        self, id_: str, old: LaunchTemplateProperties, new: LaunchTemplateProperties
    ) -> LaunchTemplateOutputs:
        raw = await self.existing(id_)
        subject = self.subject(id_, new)
        await sync_tags(self.aws, id_, self.tags_of(raw), new.tags, subject)
        current = self.observe(raw, new).properties
        if _data(current) != _data(new):
            version = await self.aws.call(
                "ec2",
                "create_launch_template_version",
                subject=subject,
                LaunchTemplateId=id_,
                LaunchTemplateData=_data(new),
            )
            number = version["LaunchTemplateVersion"]["VersionNumber"]
            await self.aws.call(
                "ec2",
                "modify_launch_template",
                subject=subject,
                LaunchTemplateId=id_,
                DefaultVersion=str(number),
            )
        return await self.outputs_now(id_, new)
