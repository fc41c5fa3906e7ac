"""``aws:s3:bucket``: an S3 bucket."""

from __future__ import annotations

import builtins
import re
from typing import Annotated

from pydantic import AfterValidator, Field

from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._errors import AwsError
from ._model import Model, Tags
from ._tags import has_key, is_reserved, managed, to_dict, to_list, user_tags

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def _bucket_name(name: str) -> str:
    if not _BUCKET.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a bucket name: 3-63 lower-case letters, digits, '.' and '-', "
            "starting and ending with a letter or digit"
        )
    if ".." in name or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name) or name.startswith("xn--"):
        raise ValueError(f"{name!r} is not a bucket name: no '..', no IP address, no 'xn--'")
    return name


_DELETE_BATCH = 1000


class BucketProperties(Model):
    """Properties of ``aws:s3:bucket``."""

    bucket: Annotated[str, AfterValidator(_bucket_name)] = Field(
        description="Bucket name: 3-63 lower-case letters, digits, '.', '-', unique across "
        "AWS; replaces.",
    )
    versioning: bool = Field(default=False, description="Keep every version of each object.")
    force_destroy: bool = Field(
        default=False,
        alias="forceDestroy",
        description="Delete the objects (all versions) when deleting the bucket.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags (key to value).")


class BucketOutputs(Model):
    """Outputs of ``aws:s3:bucket``."""

    id: str = Field(description="The bucket name (its id).")
    arn: str = Field(description="The bucket's ARN.")
    region: str = Field(description="Its region.")
    domain_name: str = Field(alias="domainName", description="bucket.s3.amazonaws.com")
    regional_domain_name: str = Field(
        alias="regionalDomainName", description="bucket.s3.<region>.amazonaws.com"
    )


BUCKET = TypeSpec(
    type="aws:s3:bucket",
    description="An S3 bucket in the provider's region; versioning and tags change in place.",
    properties=BucketProperties,
    outputs=BucketOutputs,
    replace_on_changes=("bucket",),
    delete_before_replace=True,
    examples=(
        Example(
            properties={"bucket": "mcp-iac-example-bucket"},
            update={
                "bucket": "mcp-iac-example-bucket",
                "versioning": True,
                "tags": {"env": "demo"},
            },
            description="A bucket, then versioned and tagged in place.",
        ),
    ),
)


class BucketHandler(AwsHandler[BucketProperties, BucketOutputs]):
    """Buckets through S3's CreateBucket (with the key tags, then PutBucketTagging again for
    endpoints that ignore creation tags), PutBucketVersioning and DeleteBucket."""

    spec = BUCKET
    fields = {"Bucket": "bucket", "LocationConstraint": "bucket"}

    async def _tags(self, bucket: str) -> dict[str, str]:
        try:
            answer = await self.aws.call(
                "s3", "get_bucket_tagging", subject=self.subject(bucket), Bucket=bucket
            )
        except AwsError as exc:
            if exc.aws_code == "NoSuchTagSet":
                return {}
            raise
        return to_dict(answer.get("TagSet"))

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        subject = self.subject("*")
        answer = await self.aws.call("s3", "list_buckets", subject=subject)
        found = []
        for bucket in answer.get("Buckets", []):
            name = bucket["Name"]
            try:
                tags = await self._tags(name)
            except AwsError as exc:
                if exc.code == "NOT_FOUND":  # deleted meanwhile
                    continue
                raise
            if has_key(tags, idempotency_key):
                found.append(name)
        return found

    async def fetch(self, id_: str) -> Raw | None:
        subject = self.subject(id_)
        try:
            await self.aws.call("s3", "head_bucket", subject=subject, Bucket=id_)
            location = await self.aws.call("s3", "get_bucket_location", subject=subject, Bucket=id_)
            versioning = await self.aws.call(
                "s3", "get_bucket_versioning", subject=subject, Bucket=id_
            )
            tags = await self._tags(id_)
        except AwsError as exc:
            if exc.code in ("NOT_FOUND", "VALIDATION"):  # missing, or not a bucket name
                return None
            raise
        return {
            "Name": id_,
            "Region": location.get("LocationConstraint") or "us-east-1",
            "Versioning": versioning.get("Status") == "Enabled",
            "_tags": tags,
        }

    def tags_of(self, raw: Raw) -> dict[str, str]:
        tags: dict[str, str] = raw["_tags"]
        return tags

    def observe(
        self, raw: Raw, hint: BucketProperties | None
    ) -> Observed[BucketProperties, BucketOutputs]:
        name, region = raw["Name"], raw["Region"]
        props = BucketProperties.model_validate(
            {
                "bucket": name,
                "versioning": raw["Versioning"],
                "forceDestroy": hint.force_destroy if hint else False,
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        outputs = BucketOutputs.model_validate(
            {
                "id": name,
                "arn": f"arn:aws:s3:::{name}",
                "region": region,
                "domainName": f"{name}.s3.amazonaws.com",
                "regionalDomainName": f"{name}.s3.{region}.amazonaws.com",
            }
        )
        return Observed(name, props, outputs)

    async def create(self, ctx: CreateContext, props: BucketProperties) -> Created[BucketOutputs]:
        # The name is the id: look at that bucket rather than through every bucket (find).
        try:
            raw = await self.fetch(props.bucket)
        except AwsError as exc:
            if exc.code != "UNAUTHORIZED":
                raise
            raise AwsError(
                "CONFLICT",
                f"{self.spec.type} '{ctx.name}': bucket '{props.bucket}' exists and these "
                "credentials may not read it (another account's, as names are global); choose "
                "another name",
                aws_code=exc.aws_code,
            ) from exc
        if raw is not None and not self.owned(raw, ctx.idempotency_key):
            raise AwsError(
                "CONFLICT",
                f"{self.spec.type} '{ctx.name}': bucket '{props.bucket}' already exists and was "
                "not made by this resource; choose another name, or import it",
                aws_code="BucketExists",
            )
        if raw is None:
            await self.make(ctx, props)
        try:
            await self.configure(ctx, props.bucket, props)
        except AwsError as exc:
            if raw is None and not exc.retryable:
                await self._undo(props.bucket, exc)
            raise
        return Created(props.bucket, await self.outputs_now(props.bucket, props))

    async def make(self, ctx: CreateContext, props: BucketProperties) -> str:
        region = self.aws.region
        configuration: Raw = {"Tags": to_list({**props.tags, **managed(ctx)})}
        if region != "us-east-1":  # us-east-1 is the default and may not be named
            configuration["LocationConstraint"] = region
        try:
            await self.aws.call(
                "s3",
                "create_bucket",
                subject=self.subject(ctx.name, props),
                Bucket=props.bucket,
                CreateBucketConfiguration=configuration,
            )
        except AwsError as exc:
            if exc.aws_code == "BucketAlreadyExists":
                raise AwsError(
                    "CONFLICT",
                    f"{self.spec.type} '{ctx.name}': the name '{props.bucket}' is taken (bucket "
                    "names are global across AWS); choose another",
                    aws_code=exc.aws_code,
                ) from exc
            raise
        return props.bucket

    async def configure(self, ctx: CreateContext, id_: str, props: BucketProperties) -> None:
        # Tags again: not every endpoint takes them at creation (moto does not).
        await self._put(id_, {**props.tags, **managed(ctx)}, props)
        await self._versioning(id_, props, current=False)

    async def _put(self, id_: str, tags: dict[str, str], props: BucketProperties) -> None:
        await self.aws.call(
            "s3",
            "put_bucket_tagging",
            subject=self.subject(id_, props),
            Bucket=id_,
            Tagging={"TagSet": to_list(tags)},
        )

    async def _versioning(self, id_: str, props: BucketProperties, *, current: bool) -> None:
        if props.versioning == current:
            return
        await self.aws.call(
            "s3",
            "put_bucket_versioning",
            subject=self.subject(id_, props),
            Bucket=id_,
            VersioningConfiguration={"Status": "Enabled" if props.versioning else "Suspended"},
        )

    async def delete(self, id_: str, props: BucketProperties | None) -> None:
        raw = await self.fetch(id_)
        if raw is None:
            return
        if props is not None and props.force_destroy:
            await self._empty(id_)
        try:
            await self.remove(id_, raw)
        except AwsError as exc:
            if exc.aws_code != "BucketNotEmpty":
                raise
            raise AwsError(
                "CONFLICT",
                f"{self.spec.type} '{id_}' still holds objects; empty it, or set "
                "forceDestroy: true to delete them with the bucket",
                aws_code="BucketNotEmpty",
                retryable=False,
            ) from exc

    async def _empty(self, id_: str) -> None:
        subject = self.subject(id_)
        versions = await self.aws.paginate(
            "s3", "list_object_versions", "Versions", subject=subject, Bucket=id_
        )
        markers = await self.aws.paginate(
            "s3", "list_object_versions", "DeleteMarkers", subject=subject, Bucket=id_
        )
        objects = [{"Key": o["Key"], "VersionId": o["VersionId"]} for o in versions + markers]
        for start in range(0, len(objects), _DELETE_BATCH):
            await self.aws.call(
                "s3",
                "delete_objects",
                subject=subject,
                Bucket=id_,
                Delete={"Objects": objects[start : start + _DELETE_BATCH], "Quiet": True},
            )

    async def remove(self, id_: str, raw: Raw) -> None:
        await self.aws.call("s3", "delete_bucket", subject=self.subject(id_), Bucket=id_)

    async def update(self, id_: str, old: BucketProperties, new: BucketProperties) -> BucketOutputs:
        raw = await self.existing(id_)
        current = self.tags_of(raw)
        kept = {k: v for k, v in current.items() if is_reserved(k)}
        if user_tags(current) != new.tags:  # S3 replaces the whole tag set: keep ours
            await self._put(id_, {**new.tags, **kept}, new)
        await self._versioning(id_, new, current=raw["Versioning"])
        return await self.outputs_now(id_, new)
