"""Group commit: steps that reach the journal together share one durable write."""

from __future__ import annotations

from collections.abc import Sequence

import anyio
import pytest

from mcp_iac.core import StateError
from mcp_iac.engine import OperationIntent
from mcp_iac.engine._journal import IntentJournal
from mcp_iac.state import MemoryStateStore

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class CountingStore(MemoryStateStore):
    def __init__(self) -> None:
        super().__init__()
        self.batches: list[int] = []
        self.refuse = False

    def begin_operations(self, run_id: int, intents: Sequence[OperationIntent]) -> list[int]:
        self.batches.append(len(intents))
        if self.refuse:
            raise StateError("disk full")
        return super().begin_operations(run_id, intents)


def _intent(n: int) -> OperationIntent:
    return OperationIntent(
        deployment="web",
        urn=f"web/local:data:r{n}",
        address=f"local:data:r{n}",
        server="local",
        type="local:data",
        name=f"r{n}",
        kind="create",
        idempotency_key=f"k{n}",
        resource_id=None,
        inputs={"input": n},
        prior=None,
        dependencies=(),
        protect=False,
    )


def _setup() -> tuple[CountingStore, IntentJournal]:
    store = CountingStore()
    store.acquire_lock("web", operation="apply")
    run = store.begin_run("web", kind="apply", intent="test")
    return store, IntentJournal(store, run)


async def test_steps_arriving_together_share_one_durable_write() -> None:
    store, journal = _setup()
    ids: dict[int, int] = {}

    async def step(n: int) -> None:
        ids[n] = await journal.begin(_intent(n))

    async with anyio.create_task_group() as tg:
        for n in range(10):
            tg.start_soon(step, n)
    assert store.batches == [10]
    assert len(set(ids.values())) == 10
    pending = {o.id: o.intent.address for o in store.pending_operations("web")}
    assert {pending[ids[n]] for n in range(10)} == {f"local:data:r{n}" for n in range(10)}
    assert await journal.begin(_intent(10)) not in ids.values()  # alone: a batch of one
    assert store.batches == [10, 1]


async def test_a_store_error_fails_every_step_of_the_batch() -> None:
    store, journal = _setup()
    store.refuse = True
    errors: list[str] = []

    async def step(n: int) -> None:
        try:
            await journal.begin(_intent(n))
        except StateError as exc:
            errors.append(str(exc))

    async with anyio.create_task_group() as tg:
        for n in range(3):
            tg.start_soon(step, n)
    assert errors == ["disk full"] * 3


async def test_a_cancelled_leader_still_writes_the_batch_its_followers_wait_on() -> None:
    store, journal = _setup()
    got: list[int] = []

    async def follower() -> None:
        got.append(await journal.begin(_intent(2)))

    async with anyio.create_task_group() as tg:
        with anyio.CancelScope() as scope:
            scope.cancel()  # the leader is cancelled before it starts waiting
            tg.start_soon(follower)
            await journal.begin(_intent(1))  # the shielded flush completes...
            await anyio.sleep(0)  # ...and the cancellation lands here
            raise AssertionError("not cancelled")
    assert len(got) == 1
    assert store.batches == [2]
