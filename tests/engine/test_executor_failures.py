"""Failure handling: continue, stop, retries with backoff, timeouts, ambiguous errors, Ctrl-C."""

from __future__ import annotations

import itertools
from dataclasses import replace

from mcp_iac.engine import ExecEvent, ExecOptions, StopSignal

from .fakes import FAST, Call, FakeProvider, Harness, doc, res

# two branches: a -> b -> c -> d, and x -> y; plus z after both c and y
BRANCHES = doc(
    res("a"),
    res("b", a="${a.id}"),
    res("c", b="${b.id}"),
    res("d", c="${c.id}"),
    res("x"),
    res("y", x="${x.id}"),
    res("z", c="${c.id}", y="${y.id}"),
)


def test_continue_skips_exactly_the_dependents_of_a_failure_and_finishes_the_rest() -> None:
    h = Harness()
    h.provider.fail(op="create", address="fake:box:b", code="CONFLICT")
    result = h.up(BRANCHES, options=replace(FAST, on_failure="continue"))
    assert result.status == "failed"
    assert result.failed == {
        "fake:box:b": "server 'fake': CONFLICT: injected CONFLICT on create of 'fake:box:b'"
    }
    assert sorted(result.skipped) == ["fake:box:c", "fake:box:d", "fake:box:z"]
    assert {a: o.status for a, o in result.outcomes.items() if o.status == "done"} == {
        "fake:box:a": "done",
        "fake:box:x": "done",
        "fake:box:y": "done",
    }
    assert sorted(h.recorded()) == ["fake:box:a", "fake:box:x", "fake:box:y"]
    assert result.undo == {}
    h.consistent()


def test_continue_then_a_new_plan_finishes_the_job() -> None:
    h = Harness()
    h.provider.fail(op="create", address="fake:box:b", code="CONFLICT")
    h.up(BRANCHES, options=replace(FAST, on_failure="continue"))
    plan = h.plan(BRANCHES)
    assert {s.address for s in plan.steps if s.action == "create"} == {
        "fake:box:b",
        "fake:box:c",
        "fake:box:d",
        "fake:box:z",
    }
    assert h.apply(plan).status == "succeeded"
    h.consistent()


def test_stop_starts_nothing_after_the_failure_but_lets_in_flight_steps_finish() -> None:
    h = Harness(FakeProvider(slow={"fake:box:x": 0.05}))
    h.provider.fail(op="create", address="fake:box:a", code="CONFLICT")
    events: list[ExecEvent] = []
    result = h.apply(
        h.plan(BRANCHES), options=replace(FAST, on_failure="stop"), on_event=events.append
    )
    assert result.status == "failed"
    kinds = [(e.kind, e.address) for e in events]
    failed_at = kinds.index(("failed", "fake:box:a"))
    assert not any(kind == "start" for kind, _ in kinds[failed_at:])
    statuses = {a: o.status for a, o in result.outcomes.items()}
    assert statuses == {
        "fake:box:a": "failed",
        "fake:box:x": "done",
        "fake:box:b": "skipped",
        "fake:box:c": "skipped",
        "fake:box:d": "skipped",
        "fake:box:y": "not-started",
        "fake:box:z": "skipped",
    }
    assert sorted(h.recorded()) == ["fake:box:x"]  # in flight when it failed: kept, recorded
    h.consistent()


def test_retryable_errors_are_retried_with_exponential_backoff_until_they_succeed() -> None:
    h = Harness()
    h.provider.fail(op="create", code="UNAVAILABLE", times=3)
    events: list[ExecEvent] = []
    base = 0.004
    result = h.apply(
        h.plan(doc(res("a", options={"retries": 3}))),
        options=ExecOptions(retry_base_delay=base),
        on_event=events.append,
    )
    assert result.status == "succeeded"
    creates = [c for c in h.recorder.calls if c.op == "create"]
    assert [c.error for c in creates] == ["UNAVAILABLE"] * 3 + [None]
    retries = [e.message.split(" in ")[0] for e in events if e.kind == "retry"]
    assert retries == [f"UNAVAILABLE: retry {n}/3" for n in (1, 2, 3)]
    gaps = [b.started - (a.finished or 0) for a, b in itertools.pairwise(creates)]
    # base * 2**n with jitter of at most -50%: each wait is at least half its step (a sleep
    # never ends early, so this holds however loaded the machine is)
    for n, gap in enumerate(gaps):
        assert gap >= 0.5 * base * 2**n
    h.consistent()


def test_retries_stop_after_the_configured_number_and_the_step_fails() -> None:
    h = Harness()
    h.provider.fail(op="update", code="RATE_LIMITED", times=None)
    h.up(doc(res("a", size=1)))
    result = h.up(doc(res("a", size=2, options={"retries": 3})))
    assert result.status == "failed"
    assert [c.error for c in h.recorder.calls if c.op == "update"] == ["RATE_LIMITED"] * 4
    assert "RATE_LIMITED" in result.failed["fake:box:a"]
    assert h.recorded()["fake:box:a"] == {"size": 1}


def test_non_retryable_errors_fail_at_once() -> None:
    h = Harness()
    h.provider.fail(op="create", code="VALIDATION", times=None)
    result = h.up(doc(res("a", options={"retries": 5})))
    assert result.status == "failed"
    assert [c.error for c in h.recorder.calls if c.op == "create"] == ["VALIDATION"]


def test_a_provider_can_mark_an_error_retryable_whatever_its_code() -> None:
    h = Harness()
    h.provider.fail(op="create", code="CONFLICT", retryable=True, times=1)
    assert h.up(doc(res("a"))).status == "succeeded"
    assert [c.error for c in h.recorder.calls if c.op == "create"] == ["CONFLICT", None]


def test_a_step_slower_than_its_timeout_fails_with_a_timeout_error() -> None:
    h = Harness(FakeProvider(slow={"fake:box:a": 5.0}))
    result = h.up(doc(res("a", options={"timeoutSeconds": 0.02, "retries": 0}), res("b")))
    assert result.status == "rolled-back"
    error = result.failed["fake:box:a"]
    assert error.startswith("server 'fake': TIMEOUT: create of 'fake:box:a' took longer than")
    assert "(options.timeoutSeconds)" in error
    assert h.recorder.first("create", "fake:box:a").error == "cancelled"
    assert h.provider.objects == {}
    h.consistent()


def test_a_timed_out_create_is_retried_and_then_succeeds() -> None:
    slow = FakeProvider(slow={"fake:box:a": 5.0})
    h = Harness(slow)

    def speed_up(call: Call) -> None:
        if len(h.recorder.calls) > 1:
            slow.slow.clear()  # only the first attempt is slow

    h.recorder.on_start = speed_up
    result = h.up(doc(res("a", options={"timeoutSeconds": 0.05, "retries": 1})))
    assert result.status == "succeeded"
    assert [c.error for c in h.recorder.calls if c.op == "create"] == ["cancelled", None]
    h.consistent()


def test_an_ambiguous_create_failure_finds_the_object_by_its_idempotency_key() -> None:
    h = Harness()
    h.provider.fail(op="create", code="INTERNAL", after_effect=True)
    result = h.up(doc(res("a", options={"retries": 0})))
    assert result.status == "succeeded"
    assert [c.op for c in h.recorder.calls] == ["create", "list"]
    (obj,) = h.provider.objects.values()
    assert h.records()["fake:box:a"].id == obj.id
    assert h.records()["fake:box:a"].idempotency_key == obj.idempotency_key
    h.consistent()


def test_an_ambiguous_update_failure_that_took_effect_is_recorded_as_done() -> None:
    h = Harness()
    h.up(doc(res("a", size=1)))
    h.provider.fail(op="update", code="TIMEOUT", after_effect=True)
    result = h.up(doc(res("a", size=2, options={"retries": 0})))
    assert result.status == "succeeded"
    assert [c.op for c in h.recorder.calls][-2:] == ["update", "read"]
    assert h.recorded() == {"fake:box:a": {"size": 2}}
    h.consistent()


def test_an_ambiguous_update_failure_that_did_not_take_effect_fails() -> None:
    h = Harness()
    h.up(doc(res("a", size=1)))
    h.provider.fail(op="update", code="TIMEOUT")
    result = h.up(doc(res("a", size=2, options={"retries": 0})))
    assert result.status in ("failed", "rolled-back")
    assert h.recorded() == {"fake:box:a": {"size": 1}}
    h.consistent()


def test_a_retried_create_reuses_its_idempotency_key_and_makes_one_object() -> None:
    h = Harness()
    h.provider.fail(op="create", code="UNAVAILABLE", after_effect=True, times=1)
    assert h.up(doc(res("a"))).status == "succeeded"
    assert len(h.provider.objects) == 1
    h.consistent()


def test_a_delete_of_an_object_already_gone_counts_as_deleted() -> None:
    h = Harness()
    h.up(doc(res("a"), res("b")))
    h.provider.objects.pop(h.records()["fake:box:a"].id)
    result = h.up(doc(res("b")))
    assert result.status == "succeeded"
    assert h.recorder.calls[-1].error == "NOT_FOUND"
    assert sorted(h.recorded()) == ["fake:box:b"]


def test_a_stop_request_lets_in_flight_steps_finish_starts_nothing_new_and_rolls_back() -> None:
    h = Harness(FakeProvider(latency=0.01))
    stop = StopSignal()

    def interrupt(call: Call) -> None:
        if call.op == "create" and call.address == "fake:box:b":
            stop.request()

    h.recorder.on_start = interrupt
    events: list[ExecEvent] = []
    plan = h.plan(BRANCHES)
    result = h.apply(plan, stop=stop, on_event=events.append)
    assert result.status == "rolled-back"
    statuses = {a: o.status for a, o in result.outcomes.items()}
    in_flight = {"fake:box:a", "fake:box:b", "fake:box:x", "fake:box:y"}
    assert {a for a, s in statuses.items() if s == "done"} <= in_flight
    assert statuses["fake:box:b"] == "done"  # the step running at the request finished
    assert {a for a, s in statuses.items() if s == "not-started"} >= {"fake:box:c", "fake:box:d"}
    assert not any(
        c.op == "create" and c.address in ("fake:box:c", "fake:box:d", "fake:box:z")
        for c in h.recorder.calls
    )
    assert any(e.kind == "rollback" for e in events)
    assert h.provider.objects == {}
    assert h.recorded() == {}


def test_a_stop_request_with_stop_mode_keeps_what_finished() -> None:
    h = Harness(FakeProvider(latency=0.01))
    stop = StopSignal()

    def interrupt(call: Call) -> None:
        if call.address == "fake:box:b":
            stop.request()

    h.recorder.on_start = interrupt
    result = h.apply(h.plan(BRANCHES), stop=stop, options=ExecOptions(on_failure="stop"))
    assert result.status == "interrupted"
    assert "fake:box:b" in h.recorded()
    assert "fake:box:c" not in h.recorded()
    h.consistent()


def test_failure_events_name_the_step_and_the_error() -> None:
    h = Harness()
    h.provider.fail(op="create", code="CONFLICT")
    events: list[ExecEvent] = []
    h.apply(h.plan(doc(res("a"))), on_event=events.append)
    failed = [e for e in events if e.kind == "failed"]
    assert [(e.address, e.action) for e in failed] == [("fake:box:a", "create")]
    assert "CONFLICT" in failed[0].message
