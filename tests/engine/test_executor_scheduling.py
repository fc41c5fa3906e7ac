"""Scheduling: an eager DAG walk under a global and a per-server limit."""

from __future__ import annotations

from dataclasses import replace

from mcp_iac.engine import levels

from .fakes import FAST, FakeProvider, Harness, doc, res


def test_a_step_starts_as_soon_as_its_own_dependencies_finish_not_when_its_level_does() -> None:
    # level 0: slow, fast; level 1: after-fast (needs fast), after-slow (needs slow)
    h = Harness()
    # the slow step finishes only once "then" (two steps behind "fast") has started: a
    # wave-by-wave engine would wait for the slow step first, and the slow step would time out
    h.provider.waits_for["fake:box:slow"] = "fake:box:then"
    document = doc(
        res("slow"),
        res("fast"),
        res("after-fast", x="${fast.id}"),
        res("then", x="${after-fast.id}"),
        res("after-slow", x="${slow.id}"),
    )
    plan = h.plan(document)
    assert levels({s.address: list(s.depends_on) for s in plan.steps}) == {
        "fake:box:slow": 0,
        "fake:box:fast": 0,
        "fake:box:after-fast": 1,
        "fake:box:after-slow": 1,
        "fake:box:then": 2,
    }
    assert h.apply(plan).status == "succeeded"
    slow = h.recorder.first("create", "fake:box:slow")
    assert slow.finished is not None
    assert h.recorder.first("create", "fake:box:then").started < slow.finished
    assert h.recorder.first("create", "fake:box:after-slow").started >= slow.finished


def test_a_step_never_starts_before_its_dependencies_finish() -> None:
    h = Harness(FakeProvider(latency=0.002))
    document = doc(
        res("a"),
        res("b", a="${a.id}"),
        res("c", a="${a.id}"),
        res("d", b="${b.id}", c="${c.id}"),
        res("e", depends_on=["d"]),
    )
    plan = h.plan(document)
    assert h.apply(plan, options=replace(FAST, parallelism=4)).status == "succeeded"
    for step in plan.steps:
        mine = h.recorder.first("create", step.address)
        for dep in step.depends_on:
            finished = h.recorder.first("create", dep).finished
            assert finished is not None
            assert mine.started >= finished, (step.address, dep)


def test_the_parallelism_limit_bounds_concurrent_provider_calls() -> None:
    h = Harness(FakeProvider(latency=0.01))
    document = doc(*(res(f"n{i}") for i in range(8)))
    assert h.apply(h.plan(document), options=replace(FAST, parallelism=3)).status == ("succeeded")
    assert h.recorder.max_in_flight == 3


def test_independent_steps_run_in_parallel_up_to_the_default_limit() -> None:
    h = Harness(FakeProvider(latency=0.01))
    assert h.up(doc(*(res(f"n{i}") for i in range(12)))).status == "succeeded"
    assert h.recorder.max_in_flight == 10


def test_the_per_server_limit_bounds_calls_to_one_server_while_others_proceed() -> None:
    h = Harness(
        FakeProvider("slowapi", latency=0.01),
        FakeProvider("fast", latency=0.01),
        limits={"slowapi": 1},
    )
    document = doc(
        *(res(f"s{i}", server="slowapi") for i in range(4)),
        *(res(f"f{i}", server="fast") for i in range(4)),
    )
    assert h.up(document).status == "succeeded"
    assert h.recorder.max_by_server == {"slowapi": 1, "fast": 4}
    assert h.recorder.max_in_flight == 5
    h.consistent()
