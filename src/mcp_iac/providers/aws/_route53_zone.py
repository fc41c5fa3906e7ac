"""``aws:route53:zone``: a Route 53 hosted zone."""

from __future__ import annotations

import builtins

from pydantic import Field

from mcp_iac.sdk import CreateContext, Example, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._errors import AwsError
from ._model import Model, Tags
from ._route53 import as_declared, plain, wait_insync, zone_id
from ._tags import changes, managed, to_dict, to_list, token, user_tags

CALLER_PREFIX = "mcp-iac-"
"""CallerReference of zones mcp-iac made: this prefix and a digest of the idempotency key."""


def caller_reference(idempotency_key: str) -> str:
    """The CallerReference of the zone made with ``idempotency_key``."""
    return f"{CALLER_PREFIX}{token(idempotency_key, 56)}"


class ZoneProperties(Model):
    """Properties of ``aws:route53:zone``."""

    name: str = Field(
        pattern=r"^([A-Za-z0-9_-]{1,63}\.)+[A-Za-z]{2,63}\.?$",
        description="Domain name, e.g. example.com; replaces.",
    )
    comment: str | None = Field(default=None, max_length=256, description="A comment.")
    vpc_id: str | None = Field(
        default=None,
        alias="vpcId",
        description="Makes it a private zone of this VPC (of the provider's region); replaces.",
    )
    force_destroy: bool = Field(
        default=False,
        alias="forceDestroy",
        description="Delete its records (all but the apex NS and SOA) when deleting it.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags (key to value).")


class ZoneOutputs(Model):
    """Outputs of ``aws:route53:zone``."""

    id: str = Field(description="The zone id (Z...).")
    arn: str = Field(description="The zone's ARN.")
    name: str = Field(description="Its domain name, without the final dot.")
    name_servers: list[str] = Field(alias="nameServers", description="Its name servers.")


ZONE = TypeSpec(
    type="aws:route53:zone",
    description="A Route 53 hosted zone (public, or private to a VPC).",
    properties=ZoneProperties,
    outputs=ZoneOutputs,
    replace_on_changes=("name", "vpcId"),
    examples=(
        Example(
            properties={"name": "example.com", "comment": "demo"},
            update={"name": "example.com", "comment": "demo zone", "tags": {"env": "demo"}},
            description="A public zone, then a new comment and a tag.",
        ),
    ),
)


class ZoneHandler(AwsHandler[ZoneProperties, ZoneOutputs]):
    """Hosted zones through Route 53's CreateHostedZone: the CallerReference is derived from
    the idempotency key, so a zone is found by key even before it is tagged."""

    spec = ZONE
    fields = {"Name": "name", "VPCId": "vpcId", "Comment": "comment"}

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        zones = await self.aws.paginate(
            "route53", "list_hosted_zones", "HostedZones", subject=self.subject("*")
        )
        if idempotency_key is None:
            return [
                zone_id(z["Id"]) for z in zones if z["CallerReference"].startswith(CALLER_PREFIX)
            ]
        wanted = caller_reference(idempotency_key)
        return [zone_id(z["Id"]) for z in zones if z["CallerReference"] == wanted]

    async def fetch(self, id_: str) -> Raw | None:
        subject = self.subject(id_)
        try:
            answer = await self.aws.call("route53", "get_hosted_zone", subject=subject, Id=id_)
            tags = await self.aws.call(
                "route53",
                "list_tags_for_resource",
                subject=subject,
                ResourceType="hostedzone",
                ResourceId=id_,
            )
        except AwsError as exc:
            if exc.code in ("NOT_FOUND", "VALIDATION"):  # missing, or not a zone id
                return None
            raise
        zone: Raw = answer["HostedZone"]
        zone["_nameServers"] = (answer.get("DelegationSet") or {}).get("NameServers", [])
        zone["_vpcs"] = answer.get("VPCs") or []
        zone["_tags"] = to_dict((tags.get("ResourceTagSet") or {}).get("Tags"))
        return zone

    def tags_of(self, raw: Raw) -> dict[str, str]:
        tags: dict[str, str] = raw["_tags"]
        return tags

    def owned(self, raw: Raw, idempotency_key: str | None) -> bool:
        reference = str(raw.get("CallerReference", ""))
        if idempotency_key is None:
            return reference.startswith(CALLER_PREFIX)
        return reference == caller_reference(idempotency_key)

    def observe(
        self, raw: Raw, hint: ZoneProperties | None
    ) -> Observed[ZoneProperties, ZoneOutputs]:
        id_ = zone_id(raw["Id"])
        name = raw["Name"]
        config = raw.get("Config") or {}
        vpcs = raw["_vpcs"]
        props = ZoneProperties.model_validate(
            {
                "name": as_declared(name, hint.name if hint else None, name),
                "comment": config.get("Comment") or None,
                "vpcId": vpcs[0]["VPCId"] if vpcs else None,
                "forceDestroy": hint.force_destroy if hint else False,
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        outputs = ZoneOutputs.model_validate(
            {
                "id": id_,
                "arn": f"arn:aws:route53:::hostedzone/{id_}",
                "name": plain(name),
                "nameServers": raw["_nameServers"],
            }
        )
        return Observed(id_, props, outputs)

    async def make(self, ctx: CreateContext, props: ZoneProperties) -> str:
        params: Raw = {
            "Name": props.name,
            "CallerReference": caller_reference(ctx.idempotency_key),
            "HostedZoneConfig": {
                "Comment": props.comment or "",
                "PrivateZone": props.vpc_id is not None,
            },
        }
        if props.vpc_id:
            params["VPC"] = {"VPCRegion": self.aws.region, "VPCId": props.vpc_id}
        subject = self.subject(ctx.name, props)
        answer = await self.aws.call("route53", "create_hosted_zone", subject=subject, **params)
        id_ = zone_id(answer["HostedZone"]["Id"])
        change = answer.get("ChangeInfo", {}).get("Id")
        if change:
            await wait_insync(self.aws, change, f"{self.spec.type} '{id_}' going live", subject)
        return id_

    async def configure(self, ctx: CreateContext, id_: str, props: ZoneProperties) -> None:
        # Route 53 cannot tag in the create call; until this runs, the CallerReference alone
        # marks the zone as made with this key.
        raw = await self.existing(id_)
        wanted = {**props.tags, **managed(ctx)}
        missing = {k: v for k, v in wanted.items() if self.tags_of(raw).get(k) != v}
        if missing:
            await self.aws.call(
                "route53",
                "change_tags_for_resource",
                subject=self.subject(id_, props),
                ResourceType="hostedzone",
                ResourceId=id_,
                AddTags=to_list(missing),
            )

    async def remove(self, id_: str, raw: Raw) -> None:
        subject = self.subject(id_)
        if raw.get("_forceDestroy"):
            await self._empty(id_, raw["Name"])
        await self.aws.call("route53", "delete_hosted_zone", subject=subject, Id=id_)

    async def delete(self, id_: str, props: ZoneProperties | None) -> None:
        raw = await self.fetch(id_)
        if raw is None:
            return
        raw["_forceDestroy"] = props is not None and props.force_destroy
        try:
            await self.remove(id_, raw)
        except AwsError as exc:
            if exc.aws_code != "HostedZoneNotEmpty":
                raise
            raise AwsError(
                "CONFLICT",
                f"{self.spec.type} '{id_}' still has records; delete them first, or set "
                "forceDestroy: true to delete them with the zone",
                aws_code="HostedZoneNotEmpty",
                retryable=False,
            ) from exc

    async def _empty(self, id_: str, name: str) -> None:
        subject = self.subject(id_)
        records = await self.aws.paginate(
            "route53",
            "list_resource_record_sets",
            "ResourceRecordSets",
            subject=subject,
            HostedZoneId=id_,
        )
        apex = plain(name)
        doomed = [
            {"Action": "DELETE", "ResourceRecordSet": r}
            for r in records
            if not (plain(r["Name"]) == apex and r["Type"] in ("NS", "SOA"))
        ]
        if doomed:
            answer = await self.aws.call(
                "route53",
                "change_resource_record_sets",
                subject=subject,
                HostedZoneId=id_,
                ChangeBatch={"Changes": doomed},
            )
            await wait_insync(
                self.aws, answer["ChangeInfo"]["Id"], f"emptying {self.spec.type} '{id_}'", subject
            )

    async def update(self, id_: str, old: ZoneProperties, new: ZoneProperties) -> ZoneOutputs:
        raw = await self.existing(id_)
        subject = self.subject(id_, new)
        if (new.comment or "") != ((raw.get("Config") or {}).get("Comment") or ""):
            await self.aws.call(
                "route53",
                "update_hosted_zone_comment",
                subject=subject,
                Id=id_,
                Comment=new.comment or "",
            )
        to_set, to_remove = changes(user_tags(self.tags_of(raw)), new.tags)
        if to_set or to_remove:
            params: Raw = {}
            if to_set:
                params["AddTags"] = to_list(to_set)
            if to_remove:
                params["RemoveTagKeys"] = to_remove
            await self.aws.call(
                "route53",
                "change_tags_for_resource",
                subject=subject,
                ResourceType="hostedzone",
                ResourceId=id_,
                **params,
            )
        return await self.outputs_now(id_, new)
