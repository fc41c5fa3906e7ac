"""Crash recovery: pending intents in the journal are settled with the provider."""

from __future__ import annotations

import anyio
import pytest

from mcp_iac.core import ProviderError
from mcp_iac.engine import Executor, OperationIntent, Recovered, ResourceRecord, recover

from .fakes import FAST, Harness, doc, res

URN = "test/fake:box:web"


def intent(
    kind: str,
    *,
    key: str = "key-1",
    resource_id: str | None = None,
    prior: ResourceRecord | None = None,
    inputs: dict[str, object] | None = None,
) -> OperationIntent:
    return OperationIntent(
        deployment="test",
        urn=URN,
        address="fake:box:web",
        server="fake",
        type="fake:box",
        name="web",
        kind=kind,  # type: ignore[arg-type]  # tests pass the literal kinds
        idempotency_key=key,
        resource_id=resource_id,
        inputs=inputs or {"size": 1},
        prior=prior,
        dependencies=("fake:box:net",),
    )


def crashed(h: Harness, op: OperationIntent) -> int:
    """A run that wrote an intent and then died before recording the result."""
    run_id = h.state.begin_run("test", kind="apply", intent="crashed")
    return h.state.begin_operation(run_id, op)


def settle(h: Harness) -> list[Recovered]:
    async def go() -> list[Recovered]:
        return await recover("test", state=h.state, providers=h.source)

    return anyio.run(go)


def test_a_pending_create_whose_object_exists_is_recorded() -> None:
    h = Harness()
    obj = h.provider.put("fake:box", "web", URN, "key-1", {"size": 1})
    op_id = crashed(h, intent("create"))
    assert settle(h) == [Recovered("fake:box:web", "create", f"found {obj.id}; recorded it")]
    record = h.records()["fake:box:web"]
    assert (record.id, record.properties, record.outputs) == (obj.id, {"size": 1}, obj.outputs)
    assert (record.idempotency_key, record.dependencies) == ("key-1", ("fake:box:net",))
    assert h.state.pending_operations("test") == []
    (op,) = [o for o in h.state.operations(1) if o.id == op_id]
    assert op.status == "recovered"
    h.consistent()


def test_a_pending_create_whose_object_does_not_exist_is_abandoned() -> None:
    h = Harness()
    h.provider.put("fake:box", "web", URN, "another-key", {"size": 1})
    crashed(h, intent("create"))
    assert settle(h) == [Recovered("fake:box:web", "create", "was never made; nothing to do")]
    assert h.records() == {}
    assert [o.status for o in h.state.operations(1)] == ["abandoned"]


def test_a_pending_delete_of_an_object_that_is_gone_removes_its_record() -> None:
    h = Harness()
    h.up(doc(res("web", size=1)))
    record = h.records()["fake:box:web"]
    crashed(h, intent("delete", resource_id=record.id, prior=record))
    h.provider.objects.clear()  # the delete went through before the crash
    assert settle(h) == [Recovered("fake:box:web", "delete", "object is gone; removed its record")]
    assert h.records() == {}
    h.consistent()


def test_a_pending_delete_of_an_object_that_still_exists_keeps_its_record() -> None:
    h = Harness()
    h.up(doc(res("web", size=1)))
    record = h.records()["fake:box:web"]
    crashed(h, intent("delete", resource_id=record.id, prior=record))
    assert settle(h) == [
        Recovered("fake:box:web", "delete", "object still exists; kept its record")
    ]
    assert h.records()["fake:box:web"] == record
    h.consistent()


def test_a_pending_update_records_the_object_as_the_provider_reports_it() -> None:
    h = Harness()
    h.up(doc(res("web", size=1)))
    record = h.records()["fake:box:web"]
    crashed(h, intent("update", resource_id=record.id, prior=record, inputs={"size": 2}))
    h.provider.objects[record.id].properties = {"size": 2}  # the update landed
    assert settle(h) == [Recovered("fake:box:web", "update", "read back and recorded as found")]
    assert h.recorded() == {"fake:box:web": {"size": 2}}
    h.consistent()


def test_a_pending_create_of_a_replacement_also_records_the_old_object_as_deposed() -> None:
    h = Harness()
    h.up(doc(res("web", zone="a")))
    old = h.records()["fake:box:web"]
    new = h.provider.put("fake:box", "web", URN, "key-2", {"zone": "b"})
    crashed(h, intent("create", key="key-2", prior=old, inputs={"zone": "b"}))
    settle(h)
    records = h.records()
    assert records["fake:box:web"].id == new.id
    (deposed,) = [a for a in records if "#deposed-" in a]
    assert records[deposed].id == old.id
    h.consistent()
    # the next plan deletes the old object
    plan = h.plan(doc(res("web", zone="b")))
    # the intent recorded a dependency the desired resource no longer has: a bookkeeping update
    assert {s.address: s.action for s in plan.steps} == {
        "fake:box:web": "update",
        deposed: "delete",
    }
    assert h.apply(plan).status == "succeeded"
    assert h.provider.inventory() == [("fake:box", "web", {"zone": "b"})]
    h.consistent()


def test_recovery_with_nothing_pending_does_nothing() -> None:
    h = Harness()
    h.up(doc(res("web")))
    before = h.records()
    assert settle(h) == []
    assert h.records() == before


def test_a_crash_during_apply_is_recovered_without_orphans() -> None:
    """An executor cancelled mid-create (as kill -9 would stop it) leaves a pending intent that
    recovery settles: whatever the provider made is recorded, nothing is orphaned."""
    h = Harness()
    h.provider.slow = {"fake:box:b": 1.0}
    plan = h.plan(doc(res("a"), res("b")))
    run_id = h.state.begin_run("test", kind="apply", intent="crash")

    async def run_then_die() -> None:
        executor = Executor(plan, state=h.state, providers=h.source, run_id=run_id, options=FAST)
        with anyio.move_on_after(0.05):
            await executor.run()

    anyio.run(run_then_die)
    assert [o.intent.address for o in h.state.pending_operations("test")] == ["fake:box:b"]
    # the provider finished the create anyway (it was the process that died, not the server)
    pending = h.state.pending_operations("test")[0]
    h.provider.put("fake:box", "b", pending.intent.urn, pending.intent.idempotency_key, {})
    settle(h)
    assert sorted(h.recorded()) == ["fake:box:a", "fake:box:b"]
    h.consistent()


def test_a_pending_update_of_an_object_the_provider_says_is_not_found_removes_its_record() -> None:
    h = Harness()
    h.up(doc(res("web", size=1)))
    record = h.records()["fake:box:web"]
    crashed(h, intent("update", resource_id=record.id, prior=record, inputs={"size": 2}))
    h.provider.objects.clear()
    h.provider.fail(op="read", code="NOT_FOUND", times=None)
    assert settle(h) == [Recovered("fake:box:web", "update", "object is gone; removed its record")]
    assert h.records() == {}
    assert h.state.pending_operations("test") == []


def test_a_provider_that_cannot_be_asked_leaves_the_intent_pending_for_next_time() -> None:
    h = Harness()
    h.up(doc(res("web", size=1)))
    record = h.records()["fake:box:web"]
    crashed(h, intent("delete", resource_id=record.id, prior=record))
    h.provider.fail(op="read", code="UNAVAILABLE", times=1)
    with pytest.raises(ProviderError, match="UNAVAILABLE"):
        settle(h)
    assert len(h.state.pending_operations("test")) == 1
    assert settle(h) == [
        Recovered("fake:box:web", "delete", "object still exists; kept its record")
    ]
