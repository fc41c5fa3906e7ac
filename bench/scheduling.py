"""Scheduling quality: eager DAG walk vs the critical-path bound, and vs level-by-level waves.

    python bench/scheduling.py [--n 500] [--seconds 3] [--sigma 1.0] [--seed S] [--repeat 1]
                               [--no-execute-waves]

A random DAG of ``--n`` steps (fixed seed; each step references up to two earlier ones). Each
step's provider ``create`` sleeps a log-normal latency (``--sigma``: skew), scaled so the
critical path takes ``--seconds``. The real ``Executor`` applies it with a MemoryStateStore at
parallelism = N (>= the graph's width; the provider's limit is raised to match).

- critical-path bound: the largest sum of latencies along any path (no schedule can beat it);
- eager makespan: measured wall time of ``Executor.run()``. Target: eager / bound <= 1.05;
- waves: each level (ASAP level: 1 + deepest dependency) starts when the slowest step of the
  previous level is done. Its makespan is computed exactly from the same latencies (sum over
  levels of the slowest latency), and also executed (unless ``--no-execute-waves``) with the same
  Executor by adding ``dependsOn`` barrier edges from every step to all of the previous level.
  The table prints waves / eager.
"""

from __future__ import annotations

import argparse
import random
from typing import Any

import anyio

from _common import (
    SEED,
    level_widths,
    levels_of,
    machine,
    median,
    progress,
    random_dag,
    table,
    verdict,
)
from _noop import SleepProvider, execute, plan_for, thing_deployment

TARGET_RATIO = 1.05


def latencies(n: int, *, sigma: float, seed: int) -> list[float]:
    rng = random.Random(seed + 1)
    return [rng.lognormvariate(0.0, sigma) for _ in range(n)]


def critical_path(parents: list[list[int]], lat: list[float]) -> float:
    finish = [0.0] * len(parents)
    for i, ps in enumerate(parents):
        finish[i] = lat[i] + max((finish[p] for p in ps), default=0.0)
    return max(finish, default=0.0)


def waves_makespan(parents: list[list[int]], lat: list[float]) -> float:
    lv = levels_of(parents)
    slowest: dict[int, float] = {}
    for i, x in enumerate(lv):
        slowest[x] = max(slowest.get(x, 0.0), lat[i])
    return sum(slowest.values())


def barrier_deps(parents: list[list[int]]) -> list[list[int]]:
    """``dependsOn`` edges that turn the eager walk into waves: every step of level k waits for
    every step of level k-1."""
    lv = levels_of(parents)
    by_level: dict[int, list[int]] = {}
    for i, x in enumerate(lv):
        by_level.setdefault(x, []).append(i)
    return [by_level.get(lv[i] - 1, []) for i in range(len(parents))]


def run_once(parents: list[list[int]], lat: list[float], *, waves: bool) -> tuple[float, int]:
    from mcp_iac.state import MemoryStateStore

    n = len(parents)
    server = "sleep"
    bound = thing_deployment(server, parents, extra_deps=barrier_deps(parents) if waves else None)
    provider = SleepProvider({f"s{i}": lat[i] for i in range(n)}, server=server)
    state = MemoryStateStore()

    async def go() -> float:
        plan = await plan_for(bound, state, provider)
        _, seconds = await execute(plan, state, provider, parallelism=n)
        return float(seconds)

    seconds = anyio.run(go)
    return seconds, provider.peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500, help="steps (default 500)")
    ap.add_argument(
        "--seconds",
        type=float,
        default=3.0,
        help="critical path length to scale latencies to (default 3)",
    )
    ap.add_argument("--sigma", type=float, default=1.0, help="log-normal sigma (default 1.0)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--repeat", type=int, default=1, help="eager runs; median (default 1)")
    ap.add_argument(
        "--no-execute-waves",
        action="store_true",
        help="only compute the waves makespan, do not run it",
    )
    args = ap.parse_args()

    parents = random_dag(args.n, seed=args.seed)
    raw = latencies(args.n, sigma=args.sigma, seed=args.seed)
    scale = args.seconds / critical_path(parents, raw)
    lat = [x * scale for x in raw]
    bound = critical_path(parents, lat)
    waves_exact = waves_makespan(parents, lat)
    widths = level_widths(parents)
    s = sorted(lat)
    print(f"scheduling: {machine()}")
    print(
        f"graph: {args.n} steps, {sum(map(len, parents))} edges, {len(widths)} levels, "
        f"widest level {max(widths)}; parallelism {args.n}"
    )
    print(
        f"latencies: log-normal sigma={args.sigma}, scaled x{scale:.4f}: median "
        f"{s[len(s) // 2] * 1000:.1f} ms, p90 {s[int(len(s) * 0.9)] * 1000:.1f} ms, "
        f"max {s[-1] * 1000:.1f} ms, sum {sum(lat):.2f} s"
    )

    eager_runs, peaks = [], []
    for k in range(args.repeat):
        progress(f"eager run {k + 1}/{args.repeat} (bound {bound:.2f} s)")
        seconds, peak = run_once(parents, lat, waves=False)
        eager_runs.append(seconds)
        peaks.append(peak)
    eager = median(eager_runs)
    waves_run = None
    if not args.no_execute_waves:
        progress(f"waves run (computed {waves_exact:.2f} s)")
        waves_run, _ = run_once(parents, lat, waves=True)

    rows: list[list[Any]] = [
        ["critical-path bound (computed)", bound, 1.0, "-"],
        [
            "eager Executor (measured)",
            eager,
            eager / bound,
            f"{verdict(eager / bound <= TARGET_RATIO)} (<= {TARGET_RATIO:g})",
        ],
        ["waves (computed exactly)", waves_exact, waves_exact / bound, "-"],
    ]
    if waves_run is not None:
        rows.append(["waves Executor (measured)", waves_run, waves_run / bound, "-"])
    print()
    print(
        table(
            ["schedule", "makespan s", "/ bound", "target"],
            rows,
            title="Makespan vs the critical-path bound",
        )
    )
    print()
    print(
        f"waves / eager: {waves_exact / eager:.2f}x (computed waves)"
        + (f", {waves_run / eager:.2f}x (executed waves)" if waves_run is not None else "")
    )
    print(f"peak concurrent provider calls (eager): {max(peaks)}; widest level {max(widths)}")
    if args.repeat > 1:
        print("eager runs: " + ", ".join(f"{x:.3f}" for x in eager_runs) + " s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
