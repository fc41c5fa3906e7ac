"""The eager DAG walk: start on own dependencies, skip after failures, halt, limit."""

from __future__ import annotations

import time
from collections.abc import Collection

import anyio

from mcp_iac.engine import Walk

CHAINS = {"slow": [], "fast": [], "after-fast": ["fast"], "after-both": ["slow", "after-fast"]}


def run_walk(
    deps: dict[str, list[str]],
    *,
    delays: dict[str, float] | None = None,
    fail: Collection[str] = (),
    parallelism: int = 10,
    halt_on_failure: bool = False,
) -> tuple[dict[str, str], dict[str, tuple[float, float]], Walk[str]]:
    times: dict[str, tuple[float, float]] = {}
    delays = delays or {}

    async def run(node: str) -> bool:
        start = time.perf_counter()
        await anyio.sleep(delays.get(node, 0))
        times[node] = (start, time.perf_counter())
        return node not in fail

    walk = Walk(deps, run, parallelism=parallelism, halt_on_failure=halt_on_failure)
    statuses = anyio.run(walk)
    return dict(statuses), times, walk


def test_a_node_starts_when_its_own_dependencies_finish_not_when_its_level_does() -> None:
    started: list[str] = []

    async def main() -> tuple[dict[str, str], list[str]]:
        after_fast = anyio.Event()

        async def run(node: str) -> bool:
            started.append(node)
            if node == "after-fast":
                after_fast.set()
            if node == "slow":
                # level 1 has started before level 0 is done, or this times out
                with anyio.fail_after(2):
                    await after_fast.wait()
            return True

        walk = Walk(CHAINS, run, parallelism=10, halt_on_failure=False)
        statuses = await walk()
        return dict(statuses), walk.order

    statuses, order = anyio.run(main)
    assert set(statuses.values()) == {"done"}
    assert order.index("after-fast") < order.index("slow") < order.index("after-both")
    assert started[-1] == "after-both"


def test_dependents_of_a_failure_are_skipped_and_independent_nodes_finish() -> None:
    deps = {"a": [], "b": ["a"], "c": ["b"], "x": [], "y": ["x", "c"], "z": ["x"]}
    statuses, _, _ = run_walk(deps, fail={"a"})
    assert statuses == {
        "a": "failed",
        "b": "skipped",
        "c": "skipped",
        "y": "skipped",
        "x": "done",
        "z": "done",
    }


def test_halting_on_failure_starts_nothing_new_but_lets_in_flight_nodes_finish() -> None:
    deps = {"bad": [], "busy": [], "after-bad": ["bad"], "after-busy": ["busy"]}
    statuses, _, _ = run_walk(deps, delays={"busy": 0.05}, fail={"bad"}, halt_on_failure=True)
    assert statuses == {
        "bad": "failed",
        "busy": "done",
        "after-bad": "skipped",
        "after-busy": "not-started",
    }


def test_the_parallelism_limit_bounds_concurrent_nodes() -> None:
    deps: dict[str, list[str]] = {f"n{i}": [] for i in range(6)}
    running = peak = 0

    async def run(node: str) -> bool:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await anyio.sleep(0.005)
        running -= 1
        return True

    statuses = anyio.run(Walk(deps, run, parallelism=2, halt_on_failure=False))
    assert set(statuses.values()) == {"done"}
    assert peak == 2


def test_an_empty_graph_is_done_at_once() -> None:
    statuses, _, _ = run_walk({})
    assert statuses == {}
