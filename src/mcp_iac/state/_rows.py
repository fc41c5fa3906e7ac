"""SQLite rows to and from the engine's records. Built by hand: ``resources`` loads 10,000 rows."""

from __future__ import annotations

import json
from typing import Any

from mcp_iac.core import gc_paused
from mcp_iac.engine import (
    DeploymentRecord,
    Event,
    LockInfo,
    Operation,
    OperationIntent,
    ResourceRecord,
    RunRecord,
)

from ._codec import SecretCodec

RESOURCE_COLUMNS = (
    "address, urn, server, type, name, provider_id, properties, outputs, dependencies, "
    "idempotency_key, protect, status, created_at, updated_at"
)
RESOURCE_READ = "'[' || head || ',' || properties || ',' || outputs || ',' || dependencies || ']'"
"""One resource as a single JSON array: the generated ``head`` (the scalar columns) and the three
JSON columns, so a row costs one fetched value and no re-encoding."""
RESOURCES_READ = (
    "SELECT '[' || group_concat(head, ',') || ']', '[' || group_concat(properties, ',') || ']', "
    "'[' || group_concat(outputs, ',') || ']', '[' || group_concat(dependencies, ',') || ']' "
    "FROM resources WHERE deployment = ?"
)
"""Every resource of a deployment as four JSON arrays, one per column (the heads, properties,
outputs and dependencies, in the same order): 10,000 resources cost four fetched values and four
decoder calls (which also share repeated keys) instead of 140,000 and 30,000, and SQLite joins
each column's texts without building one per row first.

The rows come as SQLite scans the primary key's index, by address; nothing promises that order
(nor that of a subquery's ORDER BY, which costs a copy of every value), so the reader checks it.
"""
DEPLOYMENT_COLUMNS = (
    "d.name, d.version, d.serial, d.lineage, d.outputs, d.created_at, d.updated_at, "
    "l.lock_id, l.who, l.host, l.pid, l.operation, l.since"
)
LOCK_COLUMNS = "deployment, lock_id, who, host, pid, operation, since, pid_started"
RUN_COLUMNS = (
    "id, deployment, kind, status, started_at, finished_at, who, intent, version, summary, plan"
)
OPERATION_COLUMNS = (
    "id, run_id, deployment, urn, address, server, type, name, kind, idempotency_key, "
    "resource_id, inputs, prior, dependencies, protect, status, started_at, finished_at, error, "
    "result_id"
)
EVENT_COLUMNS = "id, deployment, at, who, kind, message, data"

Row = tuple[Any, ...]


def _deps(text: str) -> tuple[str, ...]:
    return () if text == "[]" else tuple(json.loads(text))


def resource_from_row(row: Row, codec: SecretCodec) -> ResourceRecord:
    """A record from a row holding :data:`RESOURCE_READ`."""
    head, properties, outputs, dependencies = codec.loads(row[0])
    return resource_from_parts(head, properties, outputs, dependencies)


def resources_from_columns(row: Row, codec: SecretCodec) -> dict[str, ResourceRecord]:
    """Records keyed by address from the row :data:`RESOURCES_READ` returns."""
    heads_text, properties_text, outputs_text, dependencies_text = row
    if heads_text is None:  # no rows: the four are NULL
        return {}
    # the collector paused: otherwise it walks the whole heap again and again as the records
    # pile up, which costs more than the decoding
    with gc_paused():
        build = resource_from_parts
        # keyed by the address in each head (the record's address): one pass
        records = {
            head[0]: build(head, properties, outputs, dependencies)
            for head, properties, outputs, dependencies in zip(
                codec.loads(heads_text),
                codec.loads(properties_text),
                codec.loads(outputs_text),
                codec.loads(dependencies_text),
                strict=True,
            )
        }
    addresses = list(records)
    ordered = sorted(addresses)  # by code point, as SQLite's BINARY collation orders UTF-8
    if addresses != ordered:
        records = {address: records[address] for address in ordered}
    return records


class _RecordSlots:
    """ResourceRecord's slots (the same names in the same order, so the same layout), writable."""

    __slots__ = ResourceRecord.__slots__


def resource_from_parts(
    head: list[Any], properties: Any, outputs: Any, dependencies: list[str]
) -> ResourceRecord:
    """A record from the decoded parts of :data:`RESOURCE_READ`: the head (the scalar columns),
    properties, outputs and dependencies.

    ``ResourceRecord(...)`` of these values at a third of the cost (``resources`` builds 10,000):
    a frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; here they
    are plain stores into a writable object of the same layout, which then becomes the record.
    """
    address, urn, server, type_, name, id_, key, protect, status, created, updated = head
    record: Any = _RecordSlots()  # typed loosely: mypy does not read __slots__
    record.urn = urn
    record.address = address
    record.server = server
    record.type = type_
    record.name = name
    record.id = id_
    record.properties = properties
    record.outputs = outputs
    record.dependencies = tuple(dependencies)
    record.idempotency_key = key
    record.protect = protect == 1
    record.status = status
    record.created_at = created
    record.updated_at = updated
    record.__class__ = ResourceRecord  # the same slots: see _RecordSlots
    built: ResourceRecord = record  # typing.cast would be a call
    return built


def resource_to_dict(record: ResourceRecord) -> dict[str, Any]:
    """A record as a JSON object (journal ``prior`` and run snapshots use this shape)."""
    return {
        "urn": record.urn,
        "address": record.address,
        "server": record.server,
        "type": record.type,
        "name": record.name,
        "id": record.id,
        "idempotency_key": record.idempotency_key,
        "protect": record.protect,
        "status": record.status,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "properties": record.properties,
        "outputs": record.outputs,
        "dependencies": list(record.dependencies),
    }


def resource_from_dict(data: dict[str, Any]) -> ResourceRecord:
    return ResourceRecord(
        urn=data["urn"],
        address=data["address"],
        server=data["server"],
        type=data["type"],
        name=data["name"],
        id=data["id"],
        properties=data["properties"],
        outputs=data["outputs"],
        dependencies=tuple(data.get("dependencies", ())),
        idempotency_key=data.get("idempotency_key", ""),
        protect=bool(data.get("protect", False)),
        status=data.get("status", "ready"),
        created_at=data.get("created_at", ""),
        updated_at=data.get("updated_at", ""),
    )


def snapshot_text(rows: list[Row], outputs_text: str) -> str:
    """The snapshot JSON of resource rows, splicing the stored (already encrypted) columns in
    as they are: no decryption, no re-encoding."""
    parts: list[str] = []
    for (
        address,
        urn,
        server,
        type_,
        name,
        pid,
        props,
        outs,
        deps,
        key,
        protect,
        status,
        c,
        u,
    ) in rows:
        head = json.dumps(
            {
                "urn": urn,
                "address": address,
                "server": server,
                "type": type_,
                "name": name,
                "id": pid,
                "idempotency_key": key,
                "protect": bool(protect),
                "status": status,
                "created_at": c,
                "updated_at": u,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )
        parts.append(
            f'{json.dumps(address, ensure_ascii=False)}:{head[:-1]},"properties":{props},'
            f'"outputs":{outs},"dependencies":{deps}}}'
        )
    return '{"resources":{' + ",".join(parts) + '},"outputs":' + outputs_text + "}"


def deployment_from_row(row: Row, codec: SecretCodec) -> DeploymentRecord:
    name, version, serial, lineage, outputs, created, updated = row[:7]
    lock_id, who, host, pid, operation, since = row[7:]
    lock = None
    if lock_id is not None:
        lock = LockInfo(name, lock_id, who, host, pid, operation, since)
    return DeploymentRecord(
        name, version, serial, lineage, codec.loads(outputs), created, updated, lock
    )


def lock_from_row(row: Row) -> tuple[LockInfo, float | None]:
    deployment, lock_id, who, host, pid, operation, since, started = row
    return LockInfo(deployment, lock_id, who, host, pid, operation, since), started


def run_from_row(row: Row, codec: SecretCodec) -> RunRecord:
    (id_, deployment, kind, status, started, finished, who, intent, version, summary, plan) = row
    return RunRecord(
        id=id_,
        deployment=deployment,
        kind=kind,
        status=status,
        started_at=started,
        finished_at=finished,
        who=who,
        intent=intent,
        version=version,
        summary=codec.loads(summary),
        plan=None if plan is None else codec.loads(plan),
    )


def operation_from_row(row: Row, codec: SecretCodec) -> Operation:
    (id_, run_id, deployment, urn, address, server, type_, name, kind, key, resource_id) = row[:11]
    (inputs, prior, deps, protect, status, started, finished, error, result_id) = row[11:]
    intent = OperationIntent(
        deployment=deployment,
        urn=urn,
        address=address,
        server=server,
        type=type_,
        name=name,
        kind=kind,
        idempotency_key=key,
        resource_id=resource_id,
        inputs=codec.loads(inputs),
        prior=None if prior is None else resource_from_dict(codec.loads(prior)),
        dependencies=_deps(deps),
        protect=bool(protect),
    )
    return Operation(id_, run_id, intent, status, started, finished, error, result_id)


def event_from_row(row: Row) -> Event:
    id_, deployment, at, who, kind, message, data = row
    return Event(id_, deployment, at, who, kind, message, json.loads(data))
