"""Engine overhead per applied step, with the durable journal.

    python bench/step_overhead.py [--n 2000] [--parallelism 10] [--repeat 3] [--with-up]

An in-process no-op provider (``create`` returns at once) implementing the Provider protocol;
``N`` creates, two graph shapes:

- independent: N unrelated resources;
- chain: ``s<i>`` references ``${noop:thing:s<i-1>.id}`` (each step waits for the previous one).

Each is applied by the real ``Executor`` at ``--parallelism`` against:

- SqliteStateStore on disk in a temp dir, default ``synchronous=FULL`` (the durable journal:
  ``begin_operation`` and ``complete_operation`` each commit before the provider call returns);
- SqliteStateStore with ``synchronous=NORMAL`` (for reference: durable against a crash of the
  process, not of the machine);
- MemoryStateStore (no I/O): the executor and scheduler alone.

Figure: time of ``Executor.run()`` / N = ms per step. Target: <= 1 ms with SQLite FULL.
The journal's cost per step is the SQLite figure minus the memory figure. ``--with-up`` also
times the whole ``app.up`` use case (lock, recovery check, plan, run record with the plan
document, execute, snapshot) per step.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
from pathlib import Path
from typing import Any

import anyio

from _common import Timer, chain, independent, machine, median, progress, table, verdict, workdir
from _noop import NoopProvider, execute, plan_for, providers_for, thing_deployment, thing_spec

TARGET_MS = 1.0


def _store(kind: str, path: Path) -> Any:
    from mcp_iac.state import MemoryStateStore, SqliteStateStore

    if kind == "memory":
        return MemoryStateStore()
    return SqliteStateStore(path, synchronous="full" if kind == "sqlite-full" else "normal")


def _executor_seconds(kind: str, shape: str, n: int, parallelism: int, path: Path) -> float:
    parents = independent(n) if shape == "independent" else chain(n)
    bound = thing_deployment("noop", parents)
    provider = NoopProvider()
    state = _store(kind, path)
    try:
        plan = anyio.run(plan_for, bound, state, provider)
        _, seconds = anyio.run(lambda: execute(plan, state, provider, parallelism=parallelism))
        if provider.creates != n or len(state.resources(bound.name)) != n:
            raise SystemExit(f"expected {n} creates, got {provider.creates}")
    finally:
        state.close()
    return float(seconds)


def _up_seconds(kind: str, shape: str, n: int, parallelism: int, path: Path) -> float:
    from mcp_iac import app as usecases
    from mcp_iac.engine import ExecOptions, bind

    parents = independent(n) if shape == "independent" else chain(n)
    spec = thing_spec("noop", parents)
    loaded = usecases.Loaded(spec, bind(spec))
    provider = NoopProvider()
    state = _store(kind, path)
    proj = usecases.Project(
        root=path.parent, state=state, providers=providers_for(provider, parallelism)
    )
    try:
        with Timer() as tm:
            report = anyio.run(
                lambda: usecases.up(proj, loaded, options=ExecOptions(parallelism=parallelism))
            )
        if report.status != "succeeded" or provider.creates != n:
            raise SystemExit(f"up did not succeed: {report.status}")
    finally:
        proj.close()
    return tm.seconds


def _commit_floor_ms(path: Path, commits: int = 500) -> float:
    """Calibration: one small ``BEGIN IMMEDIATE; INSERT; COMMIT`` in WAL mode with
    ``synchronous=FULL`` on this disk (the floor under each durable journal write)."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        with Timer() as tm:
            for i in range(commits):
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO t (v) VALUES (?)", (f"row {i}" * 20,))
                conn.execute("COMMIT")
    finally:
        conn.close()
    return tm.seconds / commits * 1000


def _profile(kind: str, shape: str, n: int, parallelism: int, path: Path) -> str:
    prof = cProfile.Profile()
    prof.enable()
    _executor_seconds(kind, shape, n, parallelism, path)
    prof.disable()
    text = io.StringIO()
    pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(15)
    root = str(Path(__file__).resolve().parent.parent) + "/"
    return "\n".join(
        line.replace(root, "") for line in text.getvalue().splitlines() if line.strip()
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="steps per run (default 2000)")
    ap.add_argument("--parallelism", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3, help="runs per case; median (default 3)")
    ap.add_argument("--with-up", action="store_true", help="also time the whole app.up use case")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the independent SQLite FULL run (top 15 by own time)",
    )
    args = ap.parse_args()
    n = args.n
    print(
        f"step_overhead: {machine()}; N={n}, parallelism {args.parallelism}, "
        f"median of {args.repeat}"
    )

    kinds = ("sqlite-full", "sqlite-normal", "memory")
    shapes = ("independent", "chain")
    ex: dict[tuple[str, str], float] = {}
    up: dict[tuple[str, str], float] = {}
    profile_text = ""
    with workdir("bench-step-overhead-") as root:
        floors: list[float] = []
        counter = 0
        for shape in shapes:
            for kind in kinds:
                progress(f"{shape} / {kind}")
                times = []
                for _ in range(args.repeat):
                    counter += 1
                    if kind == "sqlite-full":  # calibrate right before: disk latency drifts
                        floors.append(_commit_floor_ms(root / f"floor{counter}.db"))
                    times.append(
                        _executor_seconds(kind, shape, n, args.parallelism, root / f"s{counter}.db")
                    )
                ex[(shape, kind)] = median(times)
                if args.with_up:
                    times = []
                    for _ in range(args.repeat):
                        counter += 1
                        times.append(
                            _up_seconds(kind, shape, n, args.parallelism, root / f"s{counter}.db")
                        )
                    up[(shape, kind)] = median(times)
        if args.profile:
            progress("profiling independent / sqlite-full")
            profile_text = _profile(
                "sqlite-full", "independent", n, args.parallelism, root / "profile.db"
            )

    rows = []
    for shape in shapes:
        mem = ex[(shape, "memory")] / n * 1000
        for kind in kinds:
            ms = ex[(shape, kind)] / n * 1000
            row: list[Any] = [
                shape,
                kind,
                ex[(shape, kind)],
                ms,
                "-" if kind == "memory" else f"{ms - mem:.3f}",
            ]
            if args.with_up:
                row.append(up[(shape, kind)] / n * 1000)
            row.append(verdict(ms <= TARGET_MS) if kind == "sqlite-full" else "-")
            rows.append(row)
    headers = ["graph", "state store", "Executor.run s", "ms/step", "journal ms/step"]
    if args.with_up:
        headers.append("app.up ms/step")
    headers.append("target")
    print()
    print(
        table(
            headers,
            rows,
            title=f"Engine overhead per applied step, N={n} "
            f"(target: <= {TARGET_MS:g} ms/step with SQLite synchronous=FULL)",
        )
    )
    print("journal ms/step = ms/step minus the MemoryStateStore figure of the same graph.")
    floor = median(floors)
    print(
        f"Disk floor: one durable SQLite commit (WAL, synchronous=FULL, small row) = "
        f"{floor:.3f} ms here (median of {len(floors)} calibrations of 500 commits, "
        f"{min(floors):.3f}..{max(floors):.3f}). The journal makes one durable commit per step "
        "(the intent); the result is committed without waiting for the disk (the next intent's "
        f"commit flushes it), so ~{floor:.3f} ms/step is the floor on this disk."
    )
    if profile_text:
        print("\ncProfile, independent / sqlite-full (top 15 by own time)")
        print(profile_text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
