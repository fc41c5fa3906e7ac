"""The StateStore contract, run against every store (see ``conftest.STORES``)."""

from __future__ import annotations

import dataclasses
import os
import socket
from collections.abc import Callable

import pytest

from mcp_iac.core import UNKNOWN, ConfigError, Secret, StateError, StateLocked
from mcp_iac.engine import OperationIntent, ResourceRecord, StateStore

MakeResource = Callable[..., ResourceRecord]
MakeIntent = Callable[..., OperationIntent]

# -- deployments and locks -----------------------------------------------------------------------


def test_acquiring_a_lock_creates_a_new_deployment_at_version_and_serial_zero(
    store: StateStore,
) -> None:
    assert store.deployment("web") is None
    lock = store.acquire_lock("web", operation="apply")
    dep = store.deployment("web")
    assert dep is not None
    assert (dep.name, dep.version, dep.serial, dep.outputs) == ("web", 0, 0, {})
    assert len(dep.lineage) == 36
    assert dep.lock == lock
    assert (lock.who, lock.pid, lock.host, lock.operation) == (
        "tester",
        os.getpid(),
        socket.gethostname(),
        "apply",
    )
    assert lock.since.endswith("+00:00")


def test_a_held_lock_makes_a_second_acquire_raise_state_locked_naming_the_holder(
    store: StateStore,
) -> None:
    store.acquire_lock("web", operation="apply")
    with pytest.raises(StateLocked) as caught:
        store.acquire_lock("web", operation="destroy")
    text = str(caught.value)
    assert "deployment 'web' is locked by tester" in text
    assert f"pid {os.getpid()}" in text
    assert "(apply)" in text
    assert caught.value.hint is not None
    assert "mcp-iac state unlock web" in caught.value.hint
    assert caught.value.exit_code == 4


def test_locks_are_per_deployment(store: StateStore) -> None:
    store.acquire_lock("web", operation="apply")
    store.acquire_lock("db", operation="apply")
    assert [d.name for d in store.deployments()] == ["db", "web"]


def test_releasing_a_lock_lets_the_next_run_take_it(store: StateStore) -> None:
    first = store.acquire_lock("web", operation="apply")
    store.release_lock(first)
    second = store.acquire_lock("web", operation="destroy")
    assert second.lock_id != first.lock_id
    dep = store.deployment("web")
    assert dep is not None
    assert dep.lock == second


def test_releasing_an_old_lock_leaves_the_current_holder_alone(store: StateStore) -> None:
    old = store.acquire_lock("web", operation="apply")
    store.force_unlock("web")
    current = store.acquire_lock("web", operation="apply")
    store.release_lock(old)
    dep = store.deployment("web")
    assert dep is not None
    assert dep.lock == current


def test_force_unlock_returns_the_removed_lock_and_records_an_event(store: StateStore) -> None:
    lock = store.acquire_lock("web", operation="apply")
    assert store.force_unlock("web") == lock
    assert store.force_unlock("web") is None
    dep = store.deployment("web")
    assert dep is not None
    assert dep.lock is None
    (event,) = store.events("web")
    assert event.kind == "lock.forced"
    assert event.who == "tester"
    assert event.data["lock_id"] == lock.lock_id
    assert "locked by tester" in event.message


# -- resources and serial ------------------------------------------------------------------------


def test_written_resources_read_back_keyed_by_address_with_every_field(
    store: StateStore, resource: MakeResource
) -> None:
    record = resource(
        "local:file:a",
        properties={"path": "/tmp/a", "nested": {"list": [1, 2.5, None, True]}},
        outputs={"size": 3},
        dependencies=("local:file:b", "local:file:c"),
        idempotency_key="key-a",
        protect=True,
        status="tainted",
    )
    store.write_resources("web", records=[record, resource("local:file:b")])
    got = store.resources("web")
    assert list(got) == ["local:file:a", "local:file:b"]
    stored = got["local:file:a"]
    assert dataclasses.replace(stored, created_at="", updated_at="") == record
    assert stored.created_at == stored.updated_at != ""


def test_resources_read_back_by_address_whatever_order_they_were_written_in(
    store: StateStore, resource: MakeResource
) -> None:
    # by code point: upper case before lower case, "r10" before "r9"
    addresses = ["local:file:r9", "local:file:b", "local:file:B", "local:file:r10", "local:x:a"]
    store.write_resources("web", records=[resource(a) for a in addresses[:3]])
    store.write_resources("web", records=[resource(a) for a in addresses[3:]])
    got = store.resources("web")
    assert list(got) == sorted(addresses)
    assert [r.address for r in got.values()] == sorted(addresses)


def test_resources_of_an_unknown_deployment_are_empty(store: StateStore) -> None:
    assert store.resources("nowhere") == {}


def test_each_change_moves_the_serial_once(store: StateStore, resource: MakeResource) -> None:
    store.write_resources("web", records=[resource("local:file:a"), resource("local:file:b")])
    assert _serial(store) == 1
    store.write_resources(
        "web", records=[resource("local:file:a", id="new")], remove=["local:file:b"]
    )
    assert _serial(store) == 2
    assert {a: r.id for a, r in store.resources("web").items()} == {"local:file:a": "new"}


def test_writing_identical_records_or_removing_nothing_leaves_the_serial(
    store: StateStore, resource: MakeResource
) -> None:
    store.write_resources("web", records=[resource("local:file:a")])
    store.write_resources("web", records=[resource("local:file:a")])
    store.write_resources("web", remove=["local:file:missing"])
    store.write_resources("web")
    assert _serial(store) == 1


def test_an_update_keeps_the_creation_time_unless_the_record_brings_one(
    store: StateStore, resource: MakeResource
) -> None:
    store.write_resources("web", records=[resource("local:file:a")])
    created = store.resources("web")["local:file:a"].created_at
    store.write_resources("web", records=[resource("local:file:a", id="other")])
    after = store.resources("web")["local:file:a"]
    assert after.created_at == created
    assert after.updated_at >= created
    stamp = "2026-01-01T00:00:00.000000+00:00"
    store.write_resources("web", records=[resource("local:file:a", created_at=stamp)])
    assert store.resources("web")["local:file:a"].created_at == stamp


def test_outputs_are_recorded_and_move_the_serial_only_when_they_change(
    store: StateStore,
) -> None:
    store.set_outputs("web", {"url": "http://x", "port": 80})
    store.set_outputs("web", {"url": "http://x", "port": 80})
    dep = store.deployment("web")
    assert dep is not None
    assert dep.outputs == {"url": "http://x", "port": 80}
    assert dep.serial == 1


def test_callers_cannot_change_stored_state_through_their_own_objects(
    store: StateStore, resource: MakeResource
) -> None:
    props: dict[str, object] = {"tags": ["a"]}
    store.write_resources("web", records=[resource("local:file:a", properties=props)])
    props["tags"] = ["changed"]
    read = store.resources("web")["local:file:a"]
    read.properties["tags"].append("also changed")
    assert store.resources("web")["local:file:a"].properties == {"tags": ["a"]}


def test_values_known_only_after_apply_are_refused(
    store: StateStore, resource: MakeResource
) -> None:
    with pytest.raises(StateError, match="known only after apply"):
        store.write_resources("web", records=[resource("local:file:a", outputs={"ip": UNKNOWN})])
    assert store.resources("web") == {}


def test_a_plain_object_shaped_like_an_encrypted_secret_is_refused(
    store: StateStore, resource: MakeResource
) -> None:
    record = resource("local:file:a", properties={"x": {"$secret": "abc"}})
    with pytest.raises(StateError, match="reserved"):
        store.write_resources("web", records=[record])


def test_secret_values_read_back_as_secrets(store: StateStore, resource: MakeResource) -> None:
    record = resource(
        "local:file:a",
        properties={"password": Secret("hunter2"), "plain": "x"},
        outputs={"token": Secret({"a": [1, 2]})},
    )
    store.write_resources("web", records=[record])
    store.set_outputs("web", {"db": Secret("pw")})
    got = store.resources("web")["local:file:a"]
    assert got.properties == {"password": Secret("hunter2"), "plain": "x"}
    assert got.outputs == {"token": Secret({"a": [1, 2]})}
    dep = store.deployment("web")
    assert dep is not None
    assert dep.outputs == {"db": Secret("pw")}


# -- the journal ---------------------------------------------------------------------------------


def test_an_intent_is_pending_until_completed_and_then_the_resource_is_recorded(
    store: StateStore, resource: MakeResource, intent: MakeIntent
) -> None:
    run = store.begin_run("web", kind="apply", intent="mcp-iac up")
    op = store.begin_operation(run, intent("local:file:a", inputs={"pw": Secret("s")}))
    (pending,) = store.pending_operations("web")
    assert (pending.id, pending.run_id, pending.status) == (op, run, "pending")
    assert pending.intent == intent("local:file:a", inputs={"pw": Secret("s")})
    assert store.resources("web") == {}

    store.complete_operation(op, records=[resource("local:file:a")], result_id="id-a")
    assert store.pending_operations("web") == []
    (done,) = store.operations(run)
    assert (done.status, done.result_id, done.error) == ("done", "id-a", None)
    assert done.finished_at is not None
    assert done.finished_at >= done.started_at
    assert list(store.resources("web")) == ["local:file:a"]
    assert _serial(store) == 1


def test_an_intent_keeps_its_prior_record_for_rollback_and_recovery(
    store: StateStore, resource: MakeResource, intent: MakeIntent
) -> None:
    prior = resource(
        "local:file:a",
        properties={"key": Secret("old")},
        dependencies=("local:file:b",),
        protect=True,
        created_at="2026-01-01T00:00:00.000000+00:00",
    )
    run = store.begin_run("web", kind="apply", intent="up")
    wanted = intent(
        "local:file:a",
        kind="update",
        resource_id="id-a",
        prior=prior,
        dependencies=("local:file:b",),
        protect=True,
    )
    store.begin_operation(run, wanted)
    (pending,) = store.pending_operations("web")
    assert pending.intent == wanted


def test_completing_an_operation_upserts_and_removes_in_one_step(
    store: StateStore, resource: MakeResource, intent: MakeIntent
) -> None:
    store.write_resources("web", records=[resource("local:file:old")])
    run = store.begin_run("web", kind="apply", intent="up")
    op = store.begin_operation(run, intent("local:file:new"))
    store.complete_operation(op, records=[resource("local:file:new")], remove=["local:file:old"])
    assert list(store.resources("web")) == ["local:file:new"]
    assert _serial(store) == 2


def test_an_operation_cannot_be_closed_twice(
    store: StateStore, resource: MakeResource, intent: MakeIntent
) -> None:
    run = store.begin_run("web", kind="apply", intent="up")
    op = store.begin_operation(run, intent())
    store.complete_operation(op, records=[resource()])
    with pytest.raises(StateError, match=f"operation {op} of deployment 'web' is done"):
        store.fail_operation(op, "late")
    with pytest.raises(StateError, match="operation 999 is not in state"):
        store.complete_operation(999)


def test_a_failed_operation_keeps_its_error_and_changes_no_resource(
    store: StateStore, intent: MakeIntent
) -> None:
    run = store.begin_run("web", kind="apply", intent="up")
    op = store.begin_operation(run, intent())
    store.fail_operation(op, "CONFLICT: exists")
    (failed,) = store.operations(run)
    assert (failed.status, failed.error) == ("failed", "CONFLICT: exists")
    assert store.resources("web") == {}
    assert _serial(store) == 0


def test_pending_operations_are_resolved_as_recovered_or_abandoned(
    store: StateStore, resource: MakeResource, intent: MakeIntent
) -> None:
    run = store.begin_run("web", kind="apply", intent="up")
    found = store.begin_operation(run, intent("local:file:a"))
    lost = store.begin_operation(run, intent("local:file:b"))
    assert [op.id for op in store.pending_operations("web")] == [found, lost]
    store.resolve_operation(found, status="recovered", records=[resource("local:file:a")])
    store.resolve_operation(lost, status="abandoned")
    assert store.pending_operations("web") == []
    assert [op.status for op in store.operations(run)] == ["recovered", "abandoned"]
    assert list(store.resources("web")) == ["local:file:a"]
    with pytest.raises(ValueError, match="recovered"):
        store.resolve_operation(found, status="done")


def test_an_operation_must_belong_to_a_run_of_its_deployment(
    store: StateStore, intent: MakeIntent
) -> None:
    with pytest.raises(StateError, match="run 42 is not in state"):
        store.begin_operation(42, intent())
    run = store.begin_run("db", kind="apply", intent="up")
    with pytest.raises(StateError, match="deployment 'db'"):
        store.begin_operation(run, intent(deployment="web"))


def test_several_intents_are_journaled_in_one_transaction_all_or_none(
    store: StateStore, intent: MakeIntent
) -> None:
    run = store.begin_run("web", kind="apply", intent="up")
    ids = store.begin_operations(run, [intent("local:file:a"), intent("local:file:b")])
    assert len(set(ids)) == 2
    assert sorted(o.intent.address for o in store.pending_operations("web")) == [
        "local:file:a",
        "local:file:b",
    ]
    with pytest.raises(StateError, match="deployment 'db'"):
        store.begin_operations(run, [intent("local:file:c"), intent(deployment="db")])
    assert len(store.pending_operations("web")) == 2  # nothing of the refused batch


# -- runs and history ----------------------------------------------------------------------------


def test_a_run_that_changed_state_gets_the_next_history_version(
    store: StateStore, resource: MakeResource
) -> None:
    run = store.begin_run("web", kind="apply", intent="mcp-iac up", plan={"steps": [1]})
    (running,) = store.runs("web")
    assert (running.status, running.version, running.finished_at) == ("running", None, None)
    store.write_resources("web", records=[resource()])
    record = store.finish_run(run, status="succeeded", summary={"created": 1})
    assert (record.status, record.version, record.summary) == ("succeeded", 1, {"created": 1})
    assert (record.who, record.intent, record.kind, record.plan) == (
        "tester",
        "mcp-iac up",
        "apply",
        {"steps": [1]},
    )
    assert record.finished_at is not None
    dep = store.deployment("web")
    assert dep is not None
    assert dep.version == 1


def test_a_run_that_changed_nothing_gets_no_version(store: StateStore) -> None:
    run = store.begin_run("web", kind="refresh", intent="refresh")
    record = store.finish_run(run, status="succeeded", changed=False)
    assert record.version is None
    dep = store.deployment("web")
    assert dep is not None
    assert dep.version == 0


def test_runs_are_listed_newest_last(store: StateStore) -> None:
    ids = [store.begin_run("web", kind="apply", intent=f"run {n}") for n in range(3)]
    store.begin_run("other", kind="apply", intent="elsewhere")
    assert [r.id for r in store.runs("web")] == ids


def test_a_run_can_be_finished_only_once_and_with_a_final_status(store: StateStore) -> None:
    run = store.begin_run("web", kind="apply", intent="up")
    with pytest.raises(ValueError, match="status"):
        store.finish_run(run, status="running")
    store.finish_run(run, status="failed", changed=False)
    with pytest.raises(StateError, match="already failed"):
        store.finish_run(run, status="succeeded")
    with pytest.raises(StateError, match="run 99 is not in state"):
        store.finish_run(99, status="succeeded")


def test_a_snapshot_by_version_shows_the_state_that_run_left(
    store: StateStore, resource: MakeResource
) -> None:
    first = _run_with(store, [resource("local:file:a")], {"n": 1})
    second = _run_with(store, [resource("local:file:a", id="v2"), resource("local:file:b")], {})

    one = store.snapshot("web", version=1)
    assert one is not None
    assert (one.version, one.run_id, one.outputs) == (1, first, {"n": 1})
    assert {a: r.id for a, r in one.resources.items()} == {"local:file:a": "id-a"}
    two = store.snapshot("web", version=2)
    latest = store.snapshot("web")
    assert two is not None
    assert two == latest
    assert (two.run_id, sorted(two.resources)) == (second, ["local:file:a", "local:file:b"])
    assert two.resources["local:file:a"].id == "v2"


def test_a_snapshot_keeps_secrets_and_is_not_changed_by_later_writes(
    store: StateStore, resource: MakeResource
) -> None:
    _run_with(store, [resource(properties={"pw": Secret("s")})], {"o": Secret(1)})
    store.write_resources("web", remove=["local:file:a"])
    snap = store.snapshot("web", version=1)
    assert snap is not None
    assert snap.resources["local:file:a"].properties == {"pw": Secret("s")}
    assert snap.outputs == {"o": Secret(1)}


def test_version_zero_is_the_empty_state_and_unknown_versions_are_none(
    store: StateStore, resource: MakeResource
) -> None:
    assert store.snapshot("web") is None
    store.acquire_lock("web", operation="apply")
    empty = store.snapshot("web")
    assert empty is not None
    assert (empty.version, empty.run_id, empty.resources, empty.outputs) == (0, 0, {}, {})
    _run_with(store, [resource()], {})
    assert store.snapshot("web", version=0) == empty
    assert store.snapshot("web", version=7) is None


def test_a_snapshot_by_time_is_the_latest_run_finished_by_then(
    store: StateStore, resource: MakeResource
) -> None:
    store.acquire_lock("web", operation="apply")
    created = _deployment_created(store)
    _run_with(store, [resource("local:file:a")], {})
    _run_with(store, [resource("local:file:b")], {})
    first, second = (r.finished_at for r in store.runs("web"))
    assert first is not None
    assert second is not None

    def version_at(at: str) -> int | None:
        snap = store.snapshot("web", at=at)
        return None if snap is None else snap.version

    assert version_at(first) == 1
    assert version_at(second) == 2
    assert version_at(created) == 0
    assert version_at("2999-01-01") == 2
    assert version_at("2000-01-01") is None
    naive = second.removesuffix("+00:00")
    assert version_at(naive) == 2
    two_hours_earlier = second.replace("+00:00", "+02:00")  # before the deployment existed
    assert version_at(two_hours_earlier) is None


def test_a_snapshot_wants_a_version_or_a_valid_time_not_both(store: StateStore) -> None:
    store.acquire_lock("web", operation="apply")
    with pytest.raises(ConfigError, match="not both"):
        store.snapshot("web", version=1, at="2026-11-17")
    with pytest.raises(ConfigError, match="invalid time 'last tuesday'"):
        store.snapshot("web", at="last tuesday")


# -- audit ---------------------------------------------------------------------------------------


def test_events_are_kept_oldest_first_and_limited_to_the_latest(store: StateStore) -> None:
    for n in range(5):
        store.add_event("web", "note", f"event {n}", {"n": n})
    store.add_event("other", "note", "elsewhere")
    events = store.events("web", limit=3)
    assert [e.message for e in events] == ["event 2", "event 3", "event 4"]
    assert [e.data for e in events] == [{"n": 2}, {"n": 3}, {"n": 4}]
    assert all(e.who == "tester" and e.deployment == "web" for e in events)
    assert events[0].id < events[1].id < events[2].id


def test_secrets_never_reach_the_event_log(store: StateStore) -> None:
    store.add_event("web", "note", "rotated", {"password": Secret("hunter2")})
    (event,) = store.events("web")
    assert event.data == {"password": "(sensitive)"}


def test_a_closed_store_refuses_further_use(store: StateStore) -> None:
    store.close()
    with pytest.raises(StateError):
        store.deployments()


# -- helpers -------------------------------------------------------------------------------------


def _serial(store: StateStore, name: str = "web") -> int:
    dep = store.deployment(name)
    assert dep is not None
    return dep.serial


def _deployment_created(store: StateStore) -> str:
    dep = store.deployment("web")
    assert dep is not None
    return dep.created_at


def _run_with(
    store: StateStore,
    records: list[ResourceRecord],
    outputs: dict[str, object],
    name: str = "web",
) -> int:
    """One run that makes the deployment hold exactly ``records`` and ``outputs``."""
    run = store.begin_run(name, kind="apply", intent="up")
    current = list(store.resources(name))
    store.write_resources(name, remove=current, records=records)
    store.set_outputs(name, outputs)
    store.finish_run(run, status="succeeded")
    return run
