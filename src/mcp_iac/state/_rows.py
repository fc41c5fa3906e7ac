"""SQLite rows to and from the engine's records. Built by hand: ``resources`` loads 10,000 rows."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
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
    f"SELECT '[' || group_concat(item, ',') || ']' FROM (SELECT {RESOURCE_READ} AS item "
    "FROM resources WHERE deployment = ? ORDER BY address)"
)
"""Every resource of a deployment as one JSON document: 10,000 resources cost one fetched value
and one decoder call (which also shares repeated keys) instead of 140,000 and 30,000."""
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
    return resource_from_item(codec.loads(row[0]))


def resources_from_document(text: str | None, codec: SecretCodec) -> dict[str, ResourceRecord]:
    """Records keyed by address from the result of :data:`RESOURCES_READ`."""
    if text is None:
        return {}
    # the collector paused: otherwise it walks the whole heap again and again as the records
    # pile up, which costs more than the decoding
    with gc_paused():
        # keyed by the address in each head (the record's address): one pass
        return {item[0][0]: resource_from_item(item) for item in codec.loads(text)}


def _construct_record(item: list[Any]) -> ResourceRecord:
    """A record from one decoded :data:`RESOURCE_READ` array."""
    head, props, outs, deps = item
    address, urn, server, type_, name, id_, key, protect, status, created, updated = head
    return ResourceRecord(
        urn, address, server, type_, name, id_, props, outs, tuple(deps), key, protect == 1,
        status, created, updated,
    )  # fmt: skip


_RECORD_FIELDS = (
    "urn", "address", "server", "type", "name", "id", "properties", "outputs", "dependencies",
    "idempotency_key", "protect", "status", "created_at", "updated_at",
)  # fmt: skip


def _record_builder() -> Callable[[list[Any]], ResourceRecord]:
    """A faster :func:`_construct_record`, filling the slots through their descriptors.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; the
    descriptors halve the cost of building 10,000 records. Used only while ResourceRecord is
    exactly the slotted class with these fields and nothing run after init; else the plain one.
    """
    fields = tuple(f.name for f in dataclasses.fields(ResourceRecord))
    slots = tuple(getattr(ResourceRecord, "__slots__", ()))
    if not fields == slots == _RECORD_FIELDS or hasattr(ResourceRecord, "__post_init__"):
        return _construct_record
    new = object.__new__
    setters = [getattr(ResourceRecord, n).__set__ for n in _RECORD_FIELDS]
    s_urn, s_address, s_server, s_type, s_name, s_id, s_props = setters[:7]
    s_outs, s_deps, s_key, s_protect, s_status, s_created, s_updated = setters[7:]

    def build(item: list[Any]) -> ResourceRecord:
        head, props, outs, deps = item
        address, urn, server, type_, name, id_, key, protect, status, created, updated = head
        record: ResourceRecord = new(ResourceRecord)
        s_urn(record, urn)
        s_address(record, address)
        s_server(record, server)
        s_type(record, type_)
        s_name(record, name)
        s_id(record, id_)
        s_props(record, props)
        s_outs(record, outs)
        s_deps(record, tuple(deps))
        s_key(record, key)
        s_protect(record, protect == 1)
        s_status(record, status)
        s_created(record, created)
        s_updated(record, updated)
        return record

    return build


resource_from_item = _record_builder()
"""A record from one decoded :data:`RESOURCE_READ` array."""


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
