"""Reconcile the journal after a crash: every pending intent is settled with the provider.

- a pending ``create``: the provider is asked for the object by idempotency key; if it exists it
  is recorded (nothing orphaned), otherwise the intent is abandoned (nothing was made);
- a pending ``update``: the object is read back and recorded as it really is;
- a pending ``delete``: the object is read; if gone, its record is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from mcp_iac.core import ProviderError, Secret, reveal
from mcp_iac.protocol import IDEMPOTENCY_FILTER, ReadResult

from ._planner import deposed_address
from ._records import Operation, ResourceRecord
from .ports import Provider, ProviderSource, StateStore


@dataclass(frozen=True, slots=True)
class Recovered:
    address: str
    kind: str
    outcome: str
    """What was found and done, in words."""


def _record_from(op: Operation, rid: str, outputs: dict[str, Any]) -> ResourceRecord:
    i = op.intent
    now = datetime.now(UTC).isoformat()
    return ResourceRecord(
        urn=i.urn,
        address=i.address,
        server=i.server,
        type=i.type,
        name=i.name,
        id=rid,
        properties=i.inputs,
        outputs=outputs,
        dependencies=i.dependencies,
        idempotency_key=i.idempotency_key,
        protect=i.protect,
        created_at=now,
        updated_at=now,
    )


def _merge_read(prior: dict[str, Any], read: dict[str, Any]) -> dict[str, Any]:
    """Prior declared properties updated with what the provider reports (secrets kept wrapped)."""
    out = dict(prior)
    for key, value in read.items():
        if key in prior and not isinstance(prior[key], Secret):
            out[key] = value
    return out


async def _read(provider: Provider, type_: str, id_: str, inputs: dict[str, Any]) -> ReadResult:
    """Read an object back; ``NOT_FOUND`` means it is gone, like ``exists: false``."""
    try:
        return await provider.read(type_, id_, inputs)
    except ProviderError as exc:
        if exc.code != "NOT_FOUND":
            raise
        return ReadResult(exists=False)


async def recover(
    deployment: str, *, state: StateStore, providers: ProviderSource
) -> list[Recovered]:
    """Settle every pending operation of ``deployment``. Call with the deployment's lock held.

    Raises:
        ProviderError: a provider could not be asked; the intents stay pending for next time.
    """
    done: list[Recovered] = []
    for op in state.pending_operations(deployment):
        i = op.intent
        provider = await providers.get(i.server)
        if i.kind == "create":
            items = await provider.list(i.type, {IDEMPOTENCY_FILTER: i.idempotency_key})
            if items:
                record = _record_from(op, items[0].id, dict(items[0].outputs))
                records = [record]
                if i.prior is not None:
                    old = deposed_address(i.address, i.prior.idempotency_key)
                    records.append(replace(i.prior, address=old, urn=f"{deployment}/{old}"))
                state.resolve_operation(op.id, status="recovered", records=records)
                done.append(Recovered(i.address, "create", f"found {items[0].id}; recorded it"))
            else:
                state.resolve_operation(op.id, status="abandoned")
                done.append(Recovered(i.address, "create", "was never made; nothing to do"))
        elif i.kind == "update":
            prior = i.prior
            assert prior is not None
            assert i.resource_id is not None
            plain = reveal(i.inputs)
            assert isinstance(plain, dict)
            read = await _read(provider, i.type, i.resource_id, plain)
            if read.exists:
                record = replace(
                    prior,
                    properties=_merge_read(prior.properties, dict(read.properties)),
                    outputs=dict(read.outputs) or prior.outputs,
                )
                state.resolve_operation(op.id, status="recovered", records=[record])
                done.append(Recovered(i.address, "update", "read back and recorded as found"))
            else:
                state.resolve_operation(op.id, status="recovered", remove=[i.address])
                done.append(Recovered(i.address, "update", "object is gone; removed its record"))
        else:
            assert i.resource_id is not None
            plain = reveal(i.inputs)
            assert isinstance(plain, dict)
            if (await _read(provider, i.type, i.resource_id, plain)).exists:
                state.resolve_operation(op.id, status="abandoned")
                done.append(Recovered(i.address, "delete", "object still exists; kept its record"))
            else:
                state.resolve_operation(op.id, status="recovered", remove=[i.address])
                done.append(Recovered(i.address, "delete", "object is gone; removed its record"))
    return done
