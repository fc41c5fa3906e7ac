"""Group commit for the intent journal.

Every provider call waits until its intent is on disk, and that wait (one fsync) is most of a
step's cost. Steps that reach the journal together share one: the first to arrive lets the
other ready steps queue theirs, then writes the whole batch in one durable transaction and
wakes them. No step calls its provider before its own intent is durable, exactly as with one
commit per step; only the number of waits for the disk changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import anyio

from ._records import OperationIntent
from .ports import StateStore


@dataclass(slots=True)
class _Waiter:
    intent: OperationIntent
    done: anyio.Event = field(default_factory=anyio.Event)
    op_id: int | None = None
    error: BaseException | None = None


class IntentJournal:
    """Durable ``begin_operation`` for the steps of one run, batched (see the module doc)."""

    def __init__(self, state: StateStore, run_id: int) -> None:
        self._state = state
        self._run_id = run_id
        self._queue: list[_Waiter] = []

    async def begin(self, intent: OperationIntent) -> int:
        """Write ``intent`` durably; its operation id. Raises what the store raises."""
        waiter = _Waiter(intent)
        self._queue.append(waiter)
        if len(self._queue) == 1:
            # the leader: let the other ready steps queue their intents, then write them all;
            # shielded, so that followers are never left waiting on a cancelled leader
            with anyio.CancelScope(shield=True):
                await anyio.sleep(0)
                self._flush()
        else:
            await waiter.done.wait()
        if waiter.error is not None:
            raise waiter.error
        assert waiter.op_id is not None
        return waiter.op_id

    def _flush(self) -> None:
        batch, self._queue = self._queue, []
        try:
            ids: Sequence[int] = self._state.begin_operations(
                self._run_id, [w.intent for w in batch]
            )
        except Exception as exc:  # every step of the batch fails with the store's error
            for w in batch:
                w.error = exc
        else:
            for w, op_id in zip(batch, ids, strict=True):
                w.op_id = op_id
        for w in batch:
            w.done.set()
