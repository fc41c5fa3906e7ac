"""``aws:acm:certificate``: a certificate requested from AWS Certificate Manager."""

from __future__ import annotations

import builtins
from typing import Literal

from pydantic import Field

from mcp_iac.sdk import CreateContext, Example, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._errors import AwsError
from ._model import Model, Tags, in_hint_order
from ._tags import changes, has_key, managed, to_dict, to_list, token, user_tags

_FAILED = ("FAILED", "VALIDATION_TIMED_OUT", "REVOKED", "EXPIRED")
_DOMAIN = r"^(\*\.)?([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}\.?$"


class CertificateProperties(Model):
    """Properties of ``aws:acm:certificate``."""

    domain_name: str = Field(
        alias="domainName", pattern=_DOMAIN, description="The certificate's main name; replaces."
    )
    subject_alternative_names: list[str] = Field(
        default_factory=list,
        alias="subjectAlternativeNames",
        description="More names it covers; replaces.",
    )
    validation_method: Literal["DNS", "EMAIL"] = Field(
        default="DNS", alias="validationMethod", description="How ownership is proven; replaces."
    )
    wait_for_issuance: bool = Field(
        default=False,
        alias="waitForIssuance",
        description="Create waits until the certificate is ISSUED (only when validation can "
        "happen without records that depend on this certificate).",
    )
    tags: Tags = Field(default_factory=dict, description="Tags (key to value).")


class ValidationRecord(Model):
    """A DNS record ACM wants to see to issue the certificate for one name."""

    domain_name: str = Field(alias="domainName", description="The name it proves.")
    record_name: str = Field(alias="recordName", description="Record name (with a final dot).")
    record_type: str = Field(alias="recordType", description="Record type (CNAME).")
    record_value: str = Field(alias="recordValue", description="Record value.")


class CertificateOutputs(Model):
    """Outputs of ``aws:acm:certificate``."""

    id: str = Field(description="The certificate's ARN (its id).")
    arn: str = Field(description="The certificate's ARN.")
    status: str = Field(description="PENDING_VALIDATION, ISSUED, ...")
    validation_records: list[ValidationRecord] = Field(
        alias="validationRecords", description="DNS records that validate it (DNS method)."
    )


CERTIFICATE = TypeSpec(
    type="aws:acm:certificate",
    description="An ACM certificate. Create waits until ACM has published its DNS validation "
    "records (outputs validationRecords, for aws:route53:record), and until it is issued when "
    "waitForIssuance is set.",
    properties=CertificateProperties,
    outputs=CertificateOutputs,
    replace_on_changes=("domainName", "subjectAlternativeNames", "validationMethod"),
    examples=(
        Example(
            properties={"domainName": "app.example.com", "validationMethod": "DNS"},
            update={
                "domainName": "app.example.com",
                "validationMethod": "DNS",
                "tags": {"app": "web"},
            },
            description="A DNS-validated certificate, then tagged in place.",
        ),
    ),
)


def _records(raw: Raw) -> list[Raw]:
    out = []
    for option in raw.get("DomainValidationOptions") or []:
        record = option.get("ResourceRecord")
        if record:
            out.append(
                {
                    "domainName": option["DomainName"],
                    "recordName": record["Name"],
                    "recordType": record["Type"],
                    "recordValue": record["Value"],
                }
            )
    return out


class CertificateHandler(AwsHandler[CertificateProperties, CertificateOutputs]):
    """Certificates through ACM's RequestCertificate (with an IdempotencyToken and the key
    tags) and DescribeCertificate."""

    spec = CERTIFICATE
    fields = {
        "DomainName": "domainName",
        "SubjectAlternativeNames": "subjectAlternativeNames",
        "ValidationMethod": "validationMethod",
    }

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        subject = self.subject("*")
        summaries = await self.aws.paginate(
            "acm", "list_certificates", "CertificateSummaryList", subject=subject
        )
        found = []
        for summary in summaries:
            arn = summary["CertificateArn"]
            if has_key(await self._tags(arn), idempotency_key):
                found.append(arn)
        return found

    async def _tags(self, arn: str) -> dict[str, str]:
        try:
            answer = await self.aws.call(
                "acm", "list_tags_for_certificate", subject=self.subject(arn), CertificateArn=arn
            )
        except AwsError as exc:
            if exc.code == "NOT_FOUND":
                return {}
            raise
        return to_dict(answer.get("Tags"))

    async def _describe(self, id_: str) -> Raw | None:
        try:
            answer = await self.aws.call(
                "acm", "describe_certificate", subject=self.subject(id_), CertificateArn=id_
            )
        except AwsError as exc:
            if exc.code in ("NOT_FOUND", "VALIDATION"):  # missing, or not an ARN
                return None
            raise
        certificate: Raw = answer["Certificate"]
        return certificate

    async def fetch(self, id_: str) -> Raw | None:
        certificate = await self._describe(id_)
        if certificate is None:
            return None
        certificate["_tags"] = await self._tags(id_)
        return certificate

    def tags_of(self, raw: Raw) -> dict[str, str]:
        tags: dict[str, str] = raw["_tags"]
        return tags

    def observe(
        self, raw: Raw, hint: CertificateProperties | None
    ) -> Observed[CertificateProperties, CertificateOutputs]:
        arn = raw["CertificateArn"]
        domain = raw["DomainName"]
        names = list(raw.get("SubjectAlternativeNames") or [])
        hinted = hint.subject_alternative_names if hint else None
        if domain not in (hinted or []):  # ACM lists the main name among them; users need not
            names = [n for n in names if n != domain]
        methods = {o.get("ValidationMethod") for o in raw.get("DomainValidationOptions") or []}
        props = CertificateProperties.model_validate(
            {
                "domainName": domain,
                "subjectAlternativeNames": in_hint_order(names, hinted),
                "validationMethod": "EMAIL" if methods == {"EMAIL"} else "DNS",
                "waitForIssuance": hint.wait_for_issuance if hint else False,
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        outputs = CertificateOutputs.model_validate(
            {
                "id": arn,
                "arn": arn,
                "status": raw.get("Status", ""),
                "validationRecords": _records(raw),
            }
        )
        return Observed(arn, props, outputs)

    async def make(self, ctx: CreateContext, props: CertificateProperties) -> str:
        params: Raw = {
            "DomainName": props.domain_name,
            "ValidationMethod": props.validation_method,
            "IdempotencyToken": token(ctx.idempotency_key, 32),
            "Tags": to_list({**props.tags, **managed(ctx)}),
        }
        if props.subject_alternative_names:
            params["SubjectAlternativeNames"] = props.subject_alternative_names
        answer = await self.aws.call(
            "acm", "request_certificate", subject=self.subject(ctx.name, props), **params
        )
        return str(answer["CertificateArn"])

    async def settle(self, id_: str, props: CertificateProperties) -> None:
        names = {props.domain_name, *props.subject_alternative_names}

        async def ready() -> bool | None:
            raw = await self._describe(id_)
            if raw is None:
                raise self.missing(id_)
            status = raw.get("Status", "")
            if status in _FAILED:
                raise AwsError(
                    "CONFLICT",
                    f"{self.spec.type} '{id_}' is {status}: {raw.get('FailureReason', '')}",
                    aws_code="CertificateFailed",
                )
            if props.wait_for_issuance:
                return True if status == "ISSUED" else None
            if props.validation_method == "DNS" and status == "PENDING_VALIDATION":
                published = {r["domainName"] for r in _records(raw)}
                return True if names <= published else None
            return True

        what = "being issued" if props.wait_for_issuance else "publishing its validation records"
        await self.aws.wait_for(f"{self.spec.type} '{id_}' {what}", ready)

    async def remove(self, id_: str, raw: Raw) -> None:
        await self.aws.call(
            "acm", "delete_certificate", subject=self.subject(id_), CertificateArn=id_
        )

    async def update(
        self, id_: str, old: CertificateProperties, new: CertificateProperties
    ) -> CertificateOutputs:
        raw = await self.existing(id_)
        subject = self.subject(id_, new)
        to_set, to_remove = changes(user_tags(self.tags_of(raw)), new.tags)
        if to_set:
            await self.aws.call(
                "acm",
                "add_tags_to_certificate",
                subject=subject,
                CertificateArn=id_,
                Tags=to_list(to_set),
            )
        if to_remove:
            await self.aws.call(
                "acm",
                "remove_tags_from_certificate",
                subject=subject,
                CertificateArn=id_,
                Tags=[{"Key": k} for k in to_remove],
            )
        if new.wait_for_issuance:
            await self.settle(id_, new)
        return await self.outputs_now(id_, new)
