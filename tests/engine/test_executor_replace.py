"""Replacing: create-before-delete by default, delete-before-replace on request, and rollback."""

from __future__ import annotations

from dataclasses import replace

from .fakes import FAST, Harness, doc, res

BEFORE = doc(res("net", zone="a"), res("web", net="${net.id}"), res("dns", ip="${net.ip}"))
AFTER = doc(res("net", zone="b"), res("web", net="${net.id}"), res("dns", ip="${net.ip}"))


def order(h: Harness, first: int) -> list[tuple[str, str]]:
    return [(c.op, c.address) for c in h.recorder.calls[first:] if c.op != "list"]


def test_create_before_delete_makes_the_new_object_first_and_deletes_the_old_last() -> None:
    h = Harness()
    h.up(BEFORE)
    old_id = h.records()["fake:box:net"].id
    plan = h.plan(AFTER)
    assert [s.action for s in plan.steps] == ["replace", "update", "update"]
    first = len(h.recorder.calls)
    assert h.apply(plan).status == "succeeded"
    # the old object goes only after every dependent moved to the new one
    calls = order(h, first)
    assert calls[0] == ("create", "fake:box:net")
    assert sorted(calls[1:3]) == [("update", "fake:box:dns"), ("update", "fake:box:web")]
    assert calls[3] == ("delete", "fake:box:net")
    assert h.records()["fake:box:net"].id != old_id
    assert old_id not in h.provider.objects
    assert h.recorded()["fake:box:web"] == {"net": h.records()["fake:box:net"].id}
    h.consistent()


def test_delete_before_replace_deletes_the_old_object_first() -> None:
    h = Harness()
    dbr = {"deleteBeforeReplace": True}
    h.up(doc(res("key", zone="a", options=dbr)))
    first = len(h.recorder.calls)
    assert h.up(doc(res("key", zone="b", options=dbr))).status == "succeeded"
    assert order(h, first) == [("delete", "fake:box:key"), ("create", "fake:box:key")]
    h.consistent()


def test_a_failure_after_a_replace_rolls_back_to_the_old_object() -> None:
    h = Harness()
    h.up(BEFORE)
    before = h.world()
    old = h.records()["fake:box:net"]
    h.provider.fail(op="update", address="fake:box:dns", code="CONFLICT")
    result = h.up(AFTER)
    assert result.status == "rolled-back"
    # the very same old object is current again, under its own id: nothing was recreated
    assert h.records()["fake:box:net"].id == old.id
    assert h.records()["fake:box:net"].idempotency_key == old.idempotency_key
    assert h.world() == before
    assert not any("#deposed" in a for a in h.recorded())
    h.consistent()


def test_a_failure_deleting_the_old_object_rolls_the_replace_back() -> None:
    h = Harness()
    h.up(BEFORE)
    before = h.world()
    h.provider.fail(op="delete", address="fake:box:net", code="CONFLICT")
    result = h.up(AFTER)
    assert result.status == "rolled-back"
    assert result.failed == {
        "fake:box:net": "deleting the replaced object: server 'fake': CONFLICT: injected "
        "CONFLICT on delete of 'fake:box:net'"
    }
    assert h.world() == before
    h.consistent()


def test_an_old_object_left_by_a_stopped_replace_is_deleted_by_the_next_run() -> None:
    h = Harness()
    h.up(BEFORE)
    h.provider.fail(op="delete", address="fake:box:net", code="CONFLICT")
    result = h.up(AFTER, options=replace(FAST, on_failure="stop"))
    assert result.status == "failed"
    deposed = [a for a in h.recorded() if "#deposed-" in a]
    assert len(deposed) == 1
    h.consistent()  # the old object is still tracked, under its deposed address
    plan = h.plan(AFTER)
    step = plan.step(deposed[0])
    assert step is not None
    assert (step.action, step.deposed) == ("delete", True)
    assert h.apply(plan).status == "succeeded"
    assert sorted(h.recorded()) == ["fake:box:dns", "fake:box:net", "fake:box:web"]
    h.consistent()


def test_a_removed_dependency_is_deleted_after_the_old_object_of_a_replaced_dependent() -> None:
    h = Harness()
    h.up(doc(res("subnet-a"), res("vm", zone="a", subnet="${subnet-a.id}")))
    first = len(h.recorder.calls)
    result = h.up(doc(res("subnet-b"), res("vm", zone="b", subnet="${subnet-b.id}")))
    assert result.status == "succeeded"
    # the old vm still uses subnet-a until it is deleted
    assert order(h, first) == [
        ("create", "fake:box:subnet-b"),
        ("create", "fake:box:vm"),
        ("delete", "fake:box:vm"),
        ("delete", "fake:box:subnet-a"),
    ]
    h.consistent()


def test_rollback_of_a_replace_and_a_removed_dependency_restores_both() -> None:
    h = Harness()
    before_doc = doc(res("subnet-a"), res("vm", zone="a", subnet="${subnet-a.id}"), res("tail"))
    h.up(before_doc)
    before = h.world()
    h.provider.fail(op="update", address="fake:box:tail", code="CONFLICT")
    result = h.up(
        doc(
            res("subnet-b"),
            res("vm", zone="b", subnet="${subnet-b.id}"),
            res("tail", after="${subnet-b.id}"),
        )
    )
    assert result.status == "rolled-back"
    assert h.world() == before
    h.consistent()


def test_rolling_back_a_targeted_delete_of_a_deposed_object_recreates_it() -> None:
    h = Harness()
    h.up(doc(res("x", zone="a"), res("y")))
    h.provider.fail(op="delete", address="fake:box:x", code="CONFLICT")
    h.up(doc(res("x", zone="b"), res("y")), options=replace(FAST, on_failure="stop"))
    before = h.world()
    (deposed,) = [a for a in h.recorded() if "#deposed-" in a]
    # only the deposed object and y are targeted; y fails once the old x is being deleted
    h.provider.fail(op="delete", address="fake:box:y", code="CONFLICT")
    h.provider.waits_for["fake:box:y"] = "fake:box:x"
    plan = h.plan(doc(res("x", zone="b")), targets=[deposed, "fake:box:y"])
    assert sorted(s.address for s in plan.steps) == sorted([deposed, "fake:box:y"])
    result = h.apply(plan)
    assert result.status == "rolled-back"
    assert [o.action for o in result.undo.values()] == ["undo delete"]
    assert h.world() == before
    h.consistent()
