"""Read recorded resources back from their providers (refresh, drift, plan --refresh)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import anyio

from mcp_iac.core import (
    Path,
    ProviderError,
    Secret,
    covers,
    diff_paths,
    format_path,
    lookup,
    redact,
    reveal,
)
from mcp_iac.engine import ResourceRecord
from mcp_iac.protocol import ReadResult

from ._project import Project

READ_PARALLELISM = 10


@dataclass(frozen=True, slots=True)
class Change:
    path: str
    recorded: Any
    actual: Any


async def read_all(
    project: Project, records: dict[str, ResourceRecord]
) -> dict[str, ReadResult | ProviderError]:
    results: dict[str, ReadResult | ProviderError] = {}
    limiter = anyio.CapacityLimiter(READ_PARALLELISM)

    async def read_one(address: str, record: ResourceRecord) -> None:
        async with limiter:
            plain = reveal(record.properties)
            assert isinstance(plain, dict)
            try:
                provider = await project.providers.get(record.server)
                with anyio.fail_after(120):
                    results[address] = await provider.read(record.type, record.id, plain)
            except ProviderError as exc:
                results[address] = exc
            except TimeoutError:
                results[address] = ProviderError(
                    "TIMEOUT", "read took longer than 120s", server=record.server
                )

    async with anyio.create_task_group() as tg:
        for address, record in records.items():
            tg.start_soon(read_one, address, record)
    return results


def declared_changes(
    record: ResourceRecord, actual: dict[str, Any], ignored: list[Path]
) -> list[Change]:
    """Differences on declared inputs only: keys the provider does not report are not drift."""
    changes: list[Change] = []
    for key, recorded in record.properties.items():
        if key not in actual:
            continue
        for p in diff_paths(recorded, actual[key], (key,)):
            if any(covers(i, p) for i in ignored):
                continue
            before = lookup(record.properties, p)
            after = lookup(actual, p)
            secret = isinstance(recorded, Secret)
            changes.append(
                Change(
                    format_path(p),
                    "(sensitive)" if secret else redact(before),
                    "(sensitive)" if secret else redact(after),
                )
            )
    return changes


@dataclass(slots=True)
class ReadBack:
    """Recorded resources as they really are."""

    records: dict[str, ResourceRecord]
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


async def read_back(project: Project, records: dict[str, ResourceRecord]) -> ReadBack:
    """Read every record; returns the records updated with what the providers report."""
    results = await read_all(project, records)
    out = ReadBack(records=dict(records))
    for address in sorted(records):
        record, res = records[address], results[address]
        if isinstance(res, ProviderError):
            out.errors[address] = str(res)
        elif not res.exists:
            out.removed.append(address)
            out.records.pop(address)
        else:
            changed = declared_changes(record, dict(res.properties), [])
            props = dict(record.properties)
            for key, value in res.properties.items():
                if key in props and not isinstance(props[key], Secret):
                    props[key] = value
            new = replace(record, properties=props, outputs=dict(res.outputs) or record.outputs)
            if changed or new.outputs != record.outputs:
                out.records[address] = new
                out.updated.append(address)
            else:
                out.unchanged.append(address)
    return out
