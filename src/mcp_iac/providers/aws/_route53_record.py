"""``aws:route53:record``: a record set of a Route 53 hosted zone.

Route 53 records cannot carry tags. The provider marks each record it makes with an
**ownership record** written in the same (atomic) change batch: a TXT record named
``_mcp-iac-<type>.<name>`` holding ``"mcp-iac-key=<sha256 of the idempotency key>"`` and the
resource's name. It is how a create after a crash finds its record, how a record made by someone
else is told apart (``CONFLICT``), and how ``list`` finds what mcp-iac made. Deleting the record
deletes its ownership record in the same batch.
"""

from __future__ import annotations

import builtins
import re
from typing import Literal, Self

from pydantic import Field, model_validator

from mcp_iac.sdk import CreateContext, Created, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._errors import AwsError
from ._model import Model, Nested
from ._route53 import absolute, as_declared, plain, wait_insync, zone_id
from ._tags import KEY_TAG, NAME_TAG, digest

RecordType = Literal[
    "A", "AAAA", "CAA", "CNAME", "DS", "MX", "NAPTR", "NS", "PTR", "SPF", "SRV", "TXT"
]
MARKER_PREFIX = "_mcp-iac-"
_QUOTED = ("TXT", "SPF")
_MARKER_VALUE = re.compile(r'"mcp-iac-key=([0-9a-f]{64})"(?: "mcp-iac-name=([^"]*)")?')


class AliasTarget(Nested):
    """Where an alias record points: an AWS resource's DNS name and hosted zone."""

    dns_name: str = Field(alias="dnsName", min_length=1, description="Target DNS name.")
    zone_id: str = Field(
        alias="zoneId", min_length=1, description="Target's hosted zone (a load balancer's zoneId)."
    )
    evaluate_target_health: bool = Field(
        default=False, alias="evaluateTargetHealth", description="Answer only when healthy."
    )


class RecordProperties(Model):
    """Properties of ``aws:route53:record``."""

    zone_id: str = Field(alias="zoneId", min_length=1, description="Hosted zone id; replaces.")
    name: str = Field(
        min_length=1,
        max_length=253,
        description="Name, full ('www.example.com') or relative to the zone ('www', '@' for "
        "the apex); replaces.",
    )
    type: RecordType = Field(description="Record type; replaces.")
    ttl: int | None = Field(
        default=None, ge=0, le=2147483647, description="Seconds (default 300; not for aliases)."
    )
    values: list[str] = Field(
        default_factory=list, description="Values; TXT values are quoted for you."
    )
    alias: AliasTarget | None = Field(default=None, description="Alias target, instead of values.")

    @model_validator(mode="after")
    def _values_or_alias(self) -> Self:
        if self.alias is not None and (self.values or self.ttl is not None):
            raise ValueError("an alias record takes no values and no ttl")
        if self.alias is None and not self.values:
            raise ValueError("give values (or an alias)")
        return self


class RecordOutputs(Model):
    """Outputs of ``aws:route53:record``."""

    id: str = Field(description="'<zoneId>/<full name>/<type>'.")
    fqdn: str = Field(description="Full name, without the final dot.")


RECORD = TypeSpec(
    type="aws:route53:record",
    description="A Route 53 record set (values or an alias); TTL, values and alias change in "
    "place. Ownership is kept in a companion TXT record (records take no tags).",
    properties=RecordProperties,
    outputs=RecordOutputs,
    replace_on_changes=("zoneId", "name", "type"),
    delete_before_replace=True,
)


def _quote(value: str) -> str:
    if value.startswith('"'):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unquote(value: str) -> str:
    inner = value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == '"' and '"' not in inner.replace('\\"', ""):
        return inner.replace('\\"', '"').replace("\\\\", "\\")
    return value


def record_id(zone: str, fqdn: str, type_: str) -> str:
    """The id of a record: zone, full name and type."""
    return f"{zone}/{fqdn}/{type_}"


def marker_name(fqdn: str, type_: str) -> str:
    """The name of a record's ownership record."""
    return f"{MARKER_PREFIX}{type_.lower()}.{fqdn}"


def _marker_value(ctx: CreateContext) -> str:
    return f'"mcp-iac-key={digest(ctx.idempotency_key)}" "mcp-iac-name={ctx.name}"'


class RecordHandler(AwsHandler[RecordProperties, RecordOutputs]):
    """Record sets through Route 53's ChangeResourceRecordSets, each with an ownership
    record in the same change batch."""

    spec = RECORD
    fields = {"Name": "name", "Type": "type", "TTL": "ttl", "HostedZoneId": "zoneId"}

    async def _zone_name(self, zone: str) -> str | None:
        try:
            answer = await self.aws.call(
                "route53", "get_hosted_zone", subject=self.subject(zone), Id=zone
            )
        except AwsError as exc:
            if exc.code in ("NOT_FOUND", "VALIDATION"):
                return None
            raise
        return str(answer["HostedZone"]["Name"])

    async def _record(self, zone: str, fqdn: str, type_: str) -> Raw | None:
        answer = await self.aws.call(
            "route53",
            "list_resource_record_sets",
            subject=self.subject(record_id(zone, fqdn, type_)),
            HostedZoneId=zone,
            StartRecordName=fqdn,
            StartRecordType=type_,
            MaxItems="1",
        )
        for record in answer.get("ResourceRecordSets", []):
            if plain(record["Name"]) == fqdn and record["Type"] == type_:
                found: Raw = record
                return found
        return None

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        subject = self.subject("*")
        wanted = None if idempotency_key is None else digest(idempotency_key)
        zones = await self.aws.paginate(
            "route53", "list_hosted_zones", "HostedZones", subject=subject
        )
        found = []
        for zone in zones:
            zid = zone_id(zone["Id"])
            records = await self.aws.paginate(
                "route53",
                "list_resource_record_sets",
                "ResourceRecordSets",
                subject=subject,
                HostedZoneId=zid,
            )
            for record in records:
                name = plain(record["Name"])
                if record["Type"] != "TXT" or not name.startswith(MARKER_PREFIX):
                    continue
                owner = self._owner(record)
                if owner is None or (wanted is not None and owner[0] != wanted):
                    continue
                type_, _, fqdn = name.removeprefix(MARKER_PREFIX).partition(".")
                found.append(record_id(zid, fqdn, type_.upper()))
        return found

    @staticmethod
    def _owner(marker: Raw | None) -> tuple[str, str] | None:
        if marker is None:
            return None
        for value in marker.get("ResourceRecords", []):
            match = _MARKER_VALUE.fullmatch(str(value.get("Value", "")))
            if match:
                return match.group(1), match.group(2) or ""
        return None

    async def fetch(self, id_: str) -> Raw | None:
        zone, _, rest = id_.partition("/")
        fqdn, _, type_ = rest.rpartition("/")
        if not (zone and fqdn and type_):
            return None
        zone_name = await self._zone_name(zone)
        if zone_name is None:
            return None
        try:
            record = await self._record(zone, fqdn, type_)
            if record is None:
                return None
            record["_marker"] = await self._record(zone, marker_name(fqdn, type_), "TXT")
        except AwsError as exc:
            if exc.code == "NOT_FOUND":  # the zone went meanwhile
                return None
            raise
        record["_zoneId"], record["_zone"] = zone, zone_name
        return record

    def tags_of(self, raw: Raw) -> dict[str, str]:
        owner = self._owner(raw.get("_marker"))
        return {} if owner is None else {KEY_TAG: owner[0], NAME_TAG: owner[1]}

    def owned(self, raw: Raw, idempotency_key: str | None) -> bool:
        owner = self._owner(raw.get("_marker"))
        if owner is None:
            return False
        return idempotency_key is None or owner[0] == digest(idempotency_key)

    def observe(
        self, raw: Raw, hint: RecordProperties | None
    ) -> Observed[RecordProperties, RecordOutputs]:
        zone, zone_name = raw["_zoneId"], raw["_zone"]
        fqdn = plain(raw["Name"])
        type_ = raw["Type"]
        values = [str(v["Value"]) for v in raw.get("ResourceRecords", [])]
        hinted = list(hint.values) if hint else []
        shown = []
        for value in values:
            same = [h for h in hinted if (_quote(h) if type_ in _QUOTED else h) == value]
            shown.append(same[0] if same else _unquote(value) if type_ in _QUOTED else value)
        ordered = [h for h in hinted if h in shown] + [v for v in shown if v not in hinted]
        alias = raw.get("AliasTarget")
        target = None
        if alias:
            declared = hint.alias.dns_name if hint and hint.alias else None
            dns = alias["DNSName"]
            target = AliasTarget.shaped(
                {
                    "dnsName": declared
                    if declared and plain(declared) == plain(dns)
                    else plain(dns),
                    "zoneId": alias["HostedZoneId"],
                    "evaluateTargetHealth": bool(alias.get("EvaluateTargetHealth")),
                },
                hint.alias if hint else None,
            ).model_dump(by_alias=True)
        props = RecordProperties.model_validate(
            {
                "zoneId": zone,
                "name": as_declared(raw["Name"], hint.name if hint else None, zone_name),
                "type": type_,
                "ttl": raw.get("TTL"),
                "values": ordered,
                "alias": target,
            }
        )
        id_ = record_id(zone, fqdn, type_)
        return Observed(id_, props, RecordOutputs(id=id_, fqdn=fqdn))

    @staticmethod
    def _record_set(fqdn: str, props: RecordProperties) -> Raw:
        record: Raw = {"Name": fqdn, "Type": props.type}
        if props.alias is not None:
            record["AliasTarget"] = {
                "HostedZoneId": props.alias.zone_id,
                "DNSName": props.alias.dns_name,
                "EvaluateTargetHealth": props.alias.evaluate_target_health,
            }
        else:
            quoted = props.type in _QUOTED
            record["TTL"] = 300 if props.ttl is None else props.ttl
            record["ResourceRecords"] = [
                {"Value": _quote(v) if quoted else v} for v in props.values
            ]
        return record

    async def _change(
        self, zone: str, changes: list[Raw], what: str, props: RecordProperties | None
    ) -> None:
        subject = self.subject(what, props)
        answer = await self.aws.call(
            "route53",
            "change_resource_record_sets",
            subject=subject,
            HostedZoneId=zone,
            ChangeBatch={"Changes": changes},
        )
        await wait_insync(
            self.aws, answer["ChangeInfo"]["Id"], f"{subject.text} going live", subject
        )

    async def create(self, ctx: CreateContext, props: RecordProperties) -> Created[RecordOutputs]:
        # The id follows from the properties: look there, not through every zone (find).
        zone = zone_id(props.zone_id)
        zone_name = await self._zone_name(zone)
        if zone_name is None:
            raise AwsError(
                "VALIDATION",
                f"{self.spec.type} '{ctx.name}': hosted zone '{props.zone_id}' does not exist",
                aws_code="NoSuchHostedZone",
                details=[{"path": "zoneId", "message": "no such hosted zone"}],
            )
        fqdn = absolute(props.name, zone_name)
        id_ = record_id(zone, fqdn, props.type)
        raw = await self.fetch(id_)
        if raw is not None:
            if self.owned(raw, ctx.idempotency_key):  # made by an earlier call with this key
                return Created(id_, self.observe(raw, props).outputs)
            raise AwsError(
                "CONFLICT",
                f"{self.spec.type} '{ctx.name}': {fqdn} {props.type} already exists in zone "
                f"{zone} and was not made by this resource; delete it or import it (id '{id_}')",
                aws_code="RecordExists",
            )
        return Created(await self.make(ctx, props, zone_name), RecordOutputs(id=id_, fqdn=fqdn))

    async def make(
        self, ctx: CreateContext, props: RecordProperties, zone_name: str | None = None
    ) -> str:
        """Create the record and its ownership record in one atomic change batch."""
        zone = zone_id(props.zone_id)
        fqdn = absolute(props.name, zone_name or await self._zone_name(zone) or "")
        marker = {
            "Name": marker_name(fqdn, props.type),
            "Type": "TXT",
            "TTL": 300,
            "ResourceRecords": [{"Value": _marker_value(ctx)}],
        }
        await self._change(
            zone,
            [
                {"Action": "CREATE", "ResourceRecordSet": self._record_set(fqdn, props)},
                {"Action": "UPSERT", "ResourceRecordSet": marker},
            ],
            ctx.name,
            props,
        )
        return record_id(zone, fqdn, props.type)

    async def remove(self, id_: str, raw: Raw) -> None:
        doomed = {k: v for k, v in raw.items() if not k.startswith("_")}
        changes = [{"Action": "DELETE", "ResourceRecordSet": doomed}]
        if raw.get("_marker") is not None:
            changes.append({"Action": "DELETE", "ResourceRecordSet": raw["_marker"]})
        await self._change(raw["_zoneId"], changes, id_, None)

    async def update(self, id_: str, old: RecordProperties, new: RecordProperties) -> RecordOutputs:
        raw = await self.existing(id_)
        fqdn = plain(raw["Name"])
        await self._change(
            raw["_zoneId"],
            [{"Action": "UPSERT", "ResourceRecordSet": self._record_set(fqdn, new)}],
            id_,
            new,
        )
        return RecordOutputs(id=id_, fqdn=fqdn)
