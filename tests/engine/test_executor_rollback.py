"""Rollback: a failure at any step puts recorded state and the real objects back as they were."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mcp_iac.engine import ExecOptions

from .fakes import FAST, FakeProvider, Harness, doc, res

BEFORE = doc(
    res("net", cidr="10.0.0.0/16"),
    res("web", size=1, net="${net.id}"),
    res("old", size=1, net="${net.id}"),
    res("svc", zone="a", net="${net.id}"),
    res("dbr", zone="a", options={"deleteBeforeReplace": True}),
)
AFTER = doc(
    res("net", cidr="10.0.0.0/16"),  # no-op
    res("web", size=2, net="${net.id}"),  # update
    res("db", net="${net.id}"),  # create
    res("app", web="${web.ip}", db="${db.ip}", svc="${svc.id}"),  # create, after three others
    res("lb", app="${app.ip}"),  # create, at the end of the chain
    res("cache", size=3),  # create, independent
    res("svc", zone="b", net="${net.id}"),  # replace, create-before-delete
    res("dbr", zone="b", options={"deleteBeforeReplace": True}),  # replace, delete first
)  # and "old" is deleted
ACTIONS = {
    "fake:box:net": "no-op",
    "fake:box:web": "update",
    "fake:box:db": "create",
    "fake:box:app": "create",
    "fake:box:lb": "create",
    "fake:box:cache": "create",
    "fake:box:svc": "replace",
    "fake:box:dbr": "replace",
    "fake:box:old": "delete",
}
CALLS = 10
"""Provider calls AFTER makes: 5 creates, 1 update, 1 delete, 2 for each kind of replace."""


def deployed(*, latency: float = 0.0) -> Harness:
    h = Harness(FakeProvider(latency=latency))
    assert h.up(BEFORE).status == "succeeded"
    return h


def test_the_scenario_has_every_kind_of_step_and_makes_one_call_per_position() -> None:
    h = deployed()
    plan = h.plan(AFTER)
    assert {s.address: s.action for s in plan.steps} == ACTIONS
    first = len(h.recorder.calls)
    result = h.apply(plan)
    assert result.status == "succeeded"
    calls = [c for c in h.recorder.calls[first:] if c.op != "list"]
    assert len(calls) == CALLS
    assert sorted((c.op, c.address) for c in calls) == sorted(
        [
            ("create", "fake:box:db"),
            ("create", "fake:box:app"),
            ("create", "fake:box:lb"),
            ("create", "fake:box:cache"),
            ("create", "fake:box:svc"),
            ("delete", "fake:box:svc"),
            ("delete", "fake:box:dbr"),
            ("create", "fake:box:dbr"),
            ("update", "fake:box:web"),
            ("delete", "fake:box:old"),
        ]
    )
    h.consistent()


@pytest.mark.parametrize("parallelism", [1, 10], ids=["serial", "parallel"])
@pytest.mark.parametrize("position", range(1, CALLS + 1), ids=lambda n: f"call-{n}")
def test_a_failure_at_any_step_rolls_state_and_objects_back_to_where_they_were(
    position: int, parallelism: int
) -> None:
    h = deployed(latency=0.001 if parallelism > 1 else 0.0)
    before = h.world()
    ids_before = {a: r.id for a, r in h.records().items()}
    plan = h.plan(AFTER)
    first = len(h.recorder.calls)
    h.provider.fail(nth=position, code="CONFLICT")
    result = h.apply(plan, options=replace(FAST, parallelism=parallelism))

    failed_call = [c for c in h.recorder.calls[first:] if c.error == "CONFLICT"]
    assert len(failed_call) == 1
    # with nothing completed there is nothing to roll back, and the run simply failed
    assert result.status == ("rolled-back" if result.undo else "failed"), (failed_call, result)
    assert result.undo or position == 1
    assert list(result.failed) == [failed_call[0].address.split("#")[0]]
    assert result.still_differs == []
    assert all(o.status == "done" for o in result.undo.values())
    assert h.world() == before
    h.consistent()
    # what was never touched keeps its id; only deleted-and-recreated objects get new ones
    ids_after = {a: r.id for a, r in h.records().items()}
    assert ids_after["fake:box:net"] == ids_before["fake:box:net"]
    assert not any("#deposed-" in a for a in ids_after)


def test_after_a_rollback_the_same_plan_made_again_applies_cleanly() -> None:
    h = deployed()
    h.provider.fail(op="create", address="fake:box:lb", code="CONFLICT")
    assert h.up(AFTER).status == "rolled-back"
    assert h.up(AFTER).status == "succeeded"
    h.consistent()
    assert h.recorded()["fake:box:svc"] == {"zone": "b", "net": h.records()["fake:box:net"].id}


def test_a_rollback_that_fails_says_what_still_differs() -> None:
    h = deployed()
    h.provider.fail(op="create", address="fake:box:lb", code="CONFLICT")
    h.provider.fail(op="delete", address="fake:box:cache", code="UNAUTHORIZED", times=None)
    result = h.up(AFTER)
    assert result.status == "rollback-failed"
    assert result.failed == {
        "fake:box:lb": "server 'fake': CONFLICT: injected CONFLICT on create of 'fake:box:lb'"
    }
    assert result.still_differs == [
        "fake:box:cache: could not undo create: server 'fake': UNAUTHORIZED: injected "
        "UNAUTHORIZED on delete of 'fake:box:cache'"
    ]
    # everything else is back; the cache is still there and still recorded (nothing orphaned)
    assert "fake:box:cache" in h.recorded()
    assert "fake:box:app" not in h.recorded()
    h.consistent()


def test_rollback_undoes_the_newest_dependents_first() -> None:
    h = Harness()
    result = h.up(
        doc(res("a"), res("b", a="${a.id}"), res("c", b="${b.id}"), res("d", c="${c.id}"))
    )
    assert result.status == "succeeded"
    h2 = Harness()
    h2.provider.fail(op="create", address="fake:box:d", code="CONFLICT")
    first = len(h2.recorder.calls)
    result = h2.up(
        doc(res("a"), res("b", a="${a.id}"), res("c", b="${b.id}"), res("d", c="${c.id}"))
    )
    assert result.status == "rolled-back"
    undo = [(c.op, c.address) for c in h2.recorder.calls[first:] if c.op == "delete"]
    assert undo == [("delete", "fake:box:c"), ("delete", "fake:box:b"), ("delete", "fake:box:a")]
    assert h2.provider.objects == {}
    assert h2.recorded() == {}


def test_rollback_can_be_turned_off_by_stop_which_keeps_completed_steps() -> None:
    h = deployed()
    h.provider.fail(op="create", address="fake:box:lb", code="CONFLICT")
    result = h.up(AFTER, options=ExecOptions(on_failure="stop", parallelism=1))
    assert result.status == "failed"
    assert result.undo == {}
    assert "fake:box:app" in h.recorded()
    h.consistent()


@pytest.mark.parametrize("position", range(1, 6), ids=lambda n: f"delete-{n}")
def test_a_failed_destroy_recreates_what_it_had_deleted(position: int) -> None:
    h = deployed()
    before = h.world()
    h.provider.fail(nth=position, code="CONFLICT")
    result = h.apply(h.plan(None, mode="destroy"), options=replace(FAST, parallelism=1))
    assert result.status == ("rolled-back" if position > 1 else "failed")
    assert h.world() == before
    h.consistent()
