"""``aws:rds:instance``: an RDS database instance."""

from __future__ import annotations

import builtins

from pydantic import Field

from mcp_iac.sdk import CreateContext, Example, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._errors import AwsError
from ._model import Model, Tags, derived_name, in_hint_order
from ._tags import changes, has_key, managed, to_dict, to_list, user_tags

_GONE = ("deleting",)
_FAILED = ("failed", "incompatible-parameters", "incompatible-restore", "incompatible-network")


class DatabaseProperties(Model):
    """Properties of ``aws:rds:instance``."""

    identifier: str | None = Field(
        default=None,
        min_length=1,
        max_length=63,
        pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
        description="DB instance identifier (lower case); default: the resource's name and a "
        "key digest. Replaces.",
    )
    engine: str = Field(min_length=1, description="postgres, mysql, mariadb, ...; replaces.")
    engine_version: str | None = Field(
        default=None, alias="engineVersion", description="Engine version (upgrades in place)."
    )
    instance_class: str = Field(
        alias="instanceClass", min_length=1, description="e.g. db.t3.micro (changes in place)."
    )
    allocated_storage: int = Field(
        default=20, alias="allocatedStorage", ge=5, description="GiB (can only grow)."
    )
    storage_type: str | None = Field(
        default=None, alias="storageType", description="gp2, gp3, io1..."
    )
    db_name: str | None = Field(
        default=None, alias="dbName", description="Database created at launch; replaces."
    )
    master_username: str = Field(
        default="mcpadmin", alias="masterUsername", min_length=1, description="Replaces."
    )
    master_password: str | None = Field(
        default=None,
        alias="masterPassword",
        min_length=8,
        description="Master password (a secret: use ${secret:...}); unset: RDS keeps a "
        "generated one in Secrets Manager (output masterUserSecretArn).",
    )
    port: int | None = Field(default=None, ge=1150, le=65535, description="Replaces.")
    subnet_group_name: str | None = Field(
        default=None, alias="subnetGroupName", description="DB subnet group; replaces."
    )
    vpc_security_group_ids: list[str] = Field(
        default_factory=list, alias="vpcSecurityGroupIds", description="Security groups."
    )
    publicly_accessible: bool = Field(
        default=False, alias="publiclyAccessible", description="Reachable from outside its VPC."
    )
    multi_az: bool = Field(default=False, alias="multiAz", description="A standby in another AZ.")
    backup_retention_period: int | None = Field(
        default=None, alias="backupRetentionPeriod", ge=0, le=35, description="Days."
    )
    deletion_protection: bool = Field(
        default=False, alias="deletionProtection", description="Refuse deletes while set."
    )
    skip_final_snapshot: bool = Field(
        default=True,
        alias="skipFinalSnapshot",
        description="Delete without a final snapshot (else '<identifier>-final').",
    )
    tags: Tags = Field(default_factory=dict, description="Tags (key to value).")


class DatabaseOutputs(Model):
    """Outputs of ``aws:rds:instance``."""

    id: str = Field(description="The DB instance identifier.")
    arn: str = Field(description="The instance's ARN.")
    endpoint: str = Field(description="'address:port' clients connect to.")
    address: str = Field(description="Host name of the endpoint.")
    port: int = Field(description="Port of the endpoint.")
    master_user_secret_arn: str | None = Field(
        alias="masterUserSecretArn", description="Secrets Manager secret of the master password."
    )


DATABASE = TypeSpec(
    type="aws:rds:instance",
    description="An RDS database instance, waited for until available.",
    properties=DatabaseProperties,
    outputs=DatabaseOutputs,
    replace_on_changes=(
        "identifier",
        "engine",
        "dbName",
        "masterUsername",
        "port",
        "subnetGroupName",
    ),
    secret_paths=("masterPassword",),
    examples=(
        Example(
            properties={"engine": "postgres", "instanceClass": "db.t3.micro"},
            update={
                "engine": "postgres",
                "instanceClass": "db.t3.small",
                "allocatedStorage": 30,
                "tags": {"app": "web"},
            },
            description="A PostgreSQL instance with an RDS-managed password; then larger.",
        ),
    ),
)

_MODIFY = {
    "EngineVersion": "engine_version",
    "DBInstanceClass": "instance_class",
    "AllocatedStorage": "allocated_storage",
    "StorageType": "storage_type",
    "PubliclyAccessible": "publicly_accessible",
    "MultiAZ": "multi_az",
    "BackupRetentionPeriod": "backup_retention_period",
    "DeletionProtection": "deletion_protection",
}


class DatabaseHandler(AwsHandler[DatabaseProperties, DatabaseOutputs]):
    """DB instances through RDS's CreateDBInstance / ModifyDBInstance (applied immediately) /
    DeleteDBInstance."""

    spec = DATABASE
    fields = {
        "DBInstanceIdentifier": "identifier",
        "Engine": "engine",
        "EngineVersion": "engineVersion",
        "DBInstanceClass": "instanceClass",
        "AllocatedStorage": "allocatedStorage",
        "MasterUsername": "masterUsername",
        "MasterUserPassword": "masterPassword",
        "DBName": "dbName",
        "DBSubnetGroupName": "subnetGroupName",
        "VpcSecurityGroupIds": "vpcSecurityGroupIds",
    }

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        # RDS has no tag filters on DescribeDBInstances: its answer carries the tags.
        instances = await self.aws.paginate(
            "rds", "describe_db_instances", "DBInstances", subject=self.subject("*")
        )
        return [
            i["DBInstanceIdentifier"]
            for i in instances
            if i.get("DBInstanceStatus") not in _GONE
            and has_key(to_dict(i.get("TagList")), idempotency_key)
        ]

    async def _describe(self, id_: str) -> Raw | None:
        try:
            answer = await self.aws.call(
                "rds", "describe_db_instances", subject=self.subject(id_), DBInstanceIdentifier=id_
            )
        except AwsError as exc:
            if exc.code in ("NOT_FOUND", "VALIDATION"):  # missing, or not an identifier
                return None
            raise
        instances = answer.get("DBInstances") or []
        found: Raw | None = instances[0] if instances else None
        return found

    async def fetch(self, id_: str) -> Raw | None:
        raw = await self._describe(id_)
        return None if raw is None or raw.get("DBInstanceStatus") in _GONE else raw

    def tags_of(self, raw: Raw) -> dict[str, str]:
        return to_dict(raw.get("TagList"))

    def observe(
        self, raw: Raw, hint: DatabaseProperties | None
    ) -> Observed[DatabaseProperties, DatabaseOutputs]:
        id_ = raw["DBInstanceIdentifier"]
        endpoint = raw.get("Endpoint") or {}
        groups = [g["VpcSecurityGroupId"] for g in raw.get("VpcSecurityGroups", [])]
        hinted_groups = hint.vpc_security_group_ids if hint else None
        props = DatabaseProperties.model_validate(
            {
                "identifier": id_,
                "engine": raw["Engine"],
                "engineVersion": raw.get("EngineVersion"),
                "instanceClass": raw["DBInstanceClass"],
                "allocatedStorage": raw.get("AllocatedStorage", 20),
                "storageType": raw.get("StorageType"),
                "dbName": raw.get("DBName"),
                "masterUsername": raw.get("MasterUsername") or "mcpadmin",
                # AWS never returns the password: the declared one is kept.
                "masterPassword": hint.master_password if hint else None,
                "port": endpoint.get("Port") or raw.get("DbInstancePort") or None,
                "subnetGroupName": (raw.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
                "vpcSecurityGroupIds": in_hint_order(groups, hinted_groups),
                "publiclyAccessible": bool(raw.get("PubliclyAccessible")),
                "multiAz": bool(raw.get("MultiAZ")),
                "backupRetentionPeriod": raw.get("BackupRetentionPeriod"),
                "deletionProtection": bool(raw.get("DeletionProtection")),
                "skipFinalSnapshot": hint.skip_final_snapshot if hint else True,
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        address = str(endpoint.get("Address") or "")
        port = int(endpoint.get("Port") or 0)
        outputs = DatabaseOutputs.model_validate(
            {
                "id": id_,
                "arn": raw.get("DBInstanceArn", ""),
                "endpoint": f"{address}:{port}" if address else "",
                "address": address,
                "port": port,
                "masterUserSecretArn": (raw.get("MasterUserSecret") or {}).get("SecretArn"),
            }
        )
        return Observed(id_, props, outputs)

    async def make(self, ctx: CreateContext, props: DatabaseProperties) -> str:
        identifier = props.identifier or derived_name(ctx, limit=63, lower=True)
        params: Raw = {
            "DBInstanceIdentifier": identifier,
            "Engine": props.engine,
            "DBInstanceClass": props.instance_class,
            "AllocatedStorage": props.allocated_storage,
            "MasterUsername": props.master_username,
            "PubliclyAccessible": props.publicly_accessible,
            "MultiAZ": props.multi_az,
            "DeletionProtection": props.deletion_protection,
            "Tags": to_list({**props.tags, **managed(ctx)}),
        }
        if props.master_password is None:
            params["ManageMasterUserPassword"] = True
        else:
            params["MasterUserPassword"] = props.master_password
        optional = {
            "EngineVersion": props.engine_version,
            "StorageType": props.storage_type,
            "DBName": props.db_name,
            "Port": props.port,
            "DBSubnetGroupName": props.subnet_group_name,
            "BackupRetentionPeriod": props.backup_retention_period,
        }
        params.update({k: v for k, v in optional.items() if v is not None})
        if props.vpc_security_group_ids:
            params["VpcSecurityGroupIds"] = props.vpc_security_group_ids
        await self.aws.call(
            "rds", "create_db_instance", subject=self.subject(ctx.name, props), **params
        )
        return identifier

    async def settle(self, id_: str, props: DatabaseProperties) -> None:
        async def available() -> bool | None:
            raw = await self.fetch(id_)
            if raw is None:
                raise self.missing(id_)
            status = raw.get("DBInstanceStatus", "")
            if status in _FAILED:
                raise AwsError(
                    "CONFLICT",
                    f"{self.spec.type} '{id_}' is {status}",
                    aws_code="DBInstanceFailed",
                )
            return True if status == "available" else None

        await self.aws.wait_for(f"{self.spec.type} '{id_}' becoming available", available)

    async def remove(self, id_: str, raw: Raw) -> None:
        final: Raw = {"SkipFinalSnapshot": True}
        if raw.get("_keepFinal"):
            final = {"SkipFinalSnapshot": False, "FinalDBSnapshotIdentifier": f"{id_}-final"}
        await self.aws.call(
            "rds",
            "delete_db_instance",
            subject=self.subject(id_),
            DBInstanceIdentifier=id_,
            **final,
        )

        async def deleted() -> bool | None:
            return True if await self._describe(id_) is None else None

        await self.aws.wait_for(f"{self.spec.type} '{id_}' being deleted", deleted)

    async def delete(self, id_: str, props: DatabaseProperties | None) -> None:
        raw = await self.fetch(id_)
        if raw is None:
            return
        raw["_keepFinal"] = props is not None and not props.skip_final_snapshot
        await self.remove(id_, raw)

    async def update(
        self, id_: str, old: DatabaseProperties, new: DatabaseProperties
    ) -> DatabaseOutputs:
        raw = await self.existing(id_)
        subject = self.subject(id_, new)
        current = self.observe(raw, new).properties
        modify: Raw = {
            aws: getattr(new, attr)
            for aws, attr in _MODIFY.items()
            if getattr(new, attr) is not None and getattr(new, attr) != getattr(current, attr)
        }
        groups = new.vpc_security_group_ids
        if groups and sorted(groups) != sorted(current.vpc_security_group_ids):
            modify["VpcSecurityGroupIds"] = new.vpc_security_group_ids
        if new.master_password != old.master_password:  # AWS cannot show it: compare declared
            if new.master_password is None:
                modify["ManageMasterUserPassword"] = True
            else:
                modify["MasterUserPassword"] = new.master_password
                if old.master_password is None:
                    modify["ManageMasterUserPassword"] = False
        if modify:
            await self.aws.call(
                "rds",
                "modify_db_instance",
                subject=subject,
                DBInstanceIdentifier=id_,
                ApplyImmediately=True,
                **modify,
            )
        arn = raw.get("DBInstanceArn", "")
        to_set, to_remove = changes(user_tags(self.tags_of(raw)), new.tags)
        if to_set:
            await self.aws.call(
                "rds",
                "add_tags_to_resource",
                subject=subject,
                ResourceName=arn,
                Tags=to_list(to_set),
            )
        if to_remove:
            await self.aws.call(
                "rds",
                "remove_tags_from_resource",
                subject=subject,
                ResourceName=arn,
                TagKeys=to_remove,
            )
        await self.settle(id_, new)
        return await self.outputs_now(id_, new)
