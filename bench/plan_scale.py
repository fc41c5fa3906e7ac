"""How `mcp-iac plan` scales: 10,000 `local:data` resources with references, fresh and no-op.

    python bench/plan_scale.py [--n 10000] [--small 1000] [--repeat 3] [--profile]
                               [--state-via records|up] [--keep]

The deployment is a random DAG (fixed seed): resource ``r<i>`` references up to two earlier
resources, ``${local:data:r<p>.output.v}``. Two cases, each at ``--n`` and ``--small``:

- fresh, first: empty state, every resource is a create, and the project's remembered provider
  answers (``.mcp-iac/cache``, docs/cli.md) are deleted before each run: the built-in provider
  is started over MCP for its schema and validations, as on a project's very first plan;
- fresh: the same, with the answers the first plan left (every later plan of the deployment);
- no-op: against recorded state (no refresh), every resource is unchanged. The state is written
  with ``SqliteStateStore.write_resources`` (``--state-via records``, the default: exactly the
  records ``up`` leaves) or by running ``mcp-iac up --yes --quiet`` once (``--state-via up``;
  slow at 10k). Either way the benchmark checks the plan really reports no changes.

Figures:

- CLI: ``mcp-iac plan -f deploy.json --state S`` in a subprocess, as a user runs it (output to a
  file): wall time and that child's peak RSS. Targets: <= 1.0 s, <= 300 MB at 10k.
- app: the in-process ``mcp_iac.app.plan`` call (state read, describe, planner, provider
  validation), library already imported and deployment loaded. Target: <= 1.0 s at 10k.
- scaling: time(10k) / time(1k). Target: <= 12 (10x the work; linear is 10).
- a per-phase breakdown through the library API (import, read, parse, bind, plan and its parts,
  render) to find hot spots; ``--profile`` adds cProfile's top 15 for the 10k fresh case.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import pstats
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _common import (
    DEPLOYMENT,
    Timer,
    cli,
    cli_env,
    data_deployment,
    data_records,
    edges,
    level_widths,
    machine,
    median,
    progress,
    random_dag,
    run_measured,
    table,
    verdict,
    workdir,
    write_json,
)

TARGET_SECONDS = 1.0
TARGET_RSS_MB = 300.0
TARGET_RATIO = 12.0
CASES = ("fresh, first", "fresh", "no-op")


def _project(root: Path, state: Path) -> Any:
    from mcp_iac.app import Project
    from mcp_iac.registry import builtin_providers
    from mcp_iac.state import SqliteStateStore

    return Project(root=root, state=SqliteStateStore(state), providers=builtin_providers(root))


def _seed_state(root: Path, deploy: Path, state: Path, parents: list[list[int]], via: str) -> None:
    if via == "up":
        progress(f"applying {len(parents)} resources once with mcp-iac up (slow)...")
        r = run_measured(
            [cli(), "up", "-f", str(deploy), "--state", str(state), "--yes", "--quiet"],
            cwd=root,
            env=cli_env(),
        )
        progress(f"  up took {r.seconds:.1f} s")
        return
    from mcp_iac.state import SqliteStateStore

    store = SqliteStateStore(state)
    try:
        store.write_resources(DEPLOYMENT, records=data_records(parents))
    finally:
        store.close()


def _cli_plan(root: Path, deploy: Path, state: Path, expect: str) -> Any:
    r = run_measured(
        [cli(), "plan", "-f", str(deploy), "--state", str(state)], cwd=root, env=cli_env()
    )
    if expect not in r.stdout:
        sys.stderr.write(r.stdout[-2000:])
        raise SystemExit(f"unexpected plan output (wanted {expect!r})")
    return r


def _import_seconds(root: Path) -> float:
    # what `mcp-iac plan` loads before it reads the deployment (commands load lazily)
    r = run_measured(
        [sys.executable, "-c", "import mcp_iac.cli, mcp_iac.cli._cmd_plan"], cwd=root, env=cli_env()
    )
    return r.seconds


def _phases(root: Path, deploy: Path, state: Path) -> tuple[dict[str, float], Any]:
    """Each phase of `mcp-iac plan`, timed through the library API (in-process), with the
    garbage collector off as in the CLI."""
    with _collector_off():
        return _phases_timed(root, deploy, state)


def _phases_timed(root: Path, deploy: Path, state: Path) -> tuple[dict[str, float], Any]:
    import anyio

    from mcp_iac import app as usecases
    from mcp_iac.app._planning import _types_by_server
    from mcp_iac.core import gc_paused, load_document
    from mcp_iac.core._loader import read_document
    from mcp_iac.engine import make_plan

    t: dict[str, float] = {}
    proj = _project(root, state)
    try:
        with Timer() as tm:
            doc = read_document(deploy)
        t["read + json.loads"] = tm.seconds
        with gc_paused(), Timer() as tm:  # as the CLI loads a .json file (app.load_spec)
            spec = load_document(doc, source=str(deploy), json_types=True)
        t["parse (loader + pydantic models)"] = tm.seconds
        with Timer() as tm:
            loaded = usecases.load(proj, spec, None)
        t["bind (references, edges)"] = tm.seconds
        with Timer() as tm:
            the_plan = anyio.run(lambda: usecases.plan(proj, loaded, deployment=DEPLOYMENT))
        t["app.plan (total)"] = tm.seconds

        # the parts of app.plan, one by one
        with Timer() as tm:
            record = proj.state.deployment(DEPLOYMENT)
            recorded = proj.state.resources(DEPLOYMENT)
        t["  state read"] = tm.seconds
        extra = [(r.server, r.type) for r in recorded.values()]
        with Timer() as tm:
            schemas = anyio.run(
                lambda: usecases.schemas_for(proj, _types_by_server(loaded.bound, extra))
            )
        t["  describe (schemas)"] = tm.seconds
        with Timer() as tm:
            make_plan(
                loaded.bound,
                recorded,
                deployment=DEPLOYMENT,
                schemas=schemas,
                lineage=record.lineage if record else None,
                serial=record.serial if record else 0,
                environ=proj.environ,
            )
        t["  make_plan (planner)"] = tm.seconds
        changing = {
            s.address for s in the_plan.steps if s.action in ("create", "update", "replace")
        }
        if changing:
            with Timer() as tm:
                anyio.run(lambda: usecases.validate(proj, loaded, addresses=changing))
            t["  provider validate"] = tm.seconds
        else:
            t["  provider validate"] = 0.0
        t["render (to a file)"] = _render_seconds(the_plan)
    finally:
        proj.close()
    return t, the_plan


def _render_seconds(the_plan: Any) -> float:

    from mcp_iac.cli import _render

    with contextlib.redirect_stdout(io.StringIO()), Timer() as tm:
        _render.render_plan(the_plan)  # writes plain text, as the CLI does off a terminal
    return tm.seconds


@contextlib.contextmanager
def _collector_off() -> Iterator[None]:
    """The cyclic garbage collector off, as ``mcp-iac`` runs every command; what this process
    made before is collected first, and what it made inside afterwards, outside any timer
    (otherwise a collection of the bench's own earlier objects lands in a timed phase)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def _app_plan_seconds(root: Path, deploy: Path, state: Path, repeat: int) -> tuple[float, float]:
    """The in-process `app.plan` call (deployment loaded and bound beforehand): median wall
    and CPU seconds."""
    import time

    import anyio

    from mcp_iac import app as usecases

    proj = _project(root, state)
    try:
        loaded = usecases.load(proj, usecases.load_spec(deploy), None)
        times, cpu = [], []
        for _ in range(repeat):
            with _collector_off():  # as in the CLI
                c0 = time.process_time()
                with Timer() as tm:
                    anyio.run(lambda: usecases.plan(proj, loaded, deployment=DEPLOYMENT))
                cpu.append(time.process_time() - c0)
                times.append(tm.seconds)
    finally:
        proj.close()
    return median(times), median(cpu)


def _profile(root: Path, deploy: Path, state: Path, top: int = 15) -> str:
    """cProfile of what `mcp-iac plan` does after its imports: load, bind, app.plan, render."""
    import anyio
    from rich.console import Console

    from mcp_iac import app as usecases
    from mcp_iac.cli import _render

    proj = _project(root, state)
    prof = cProfile.Profile()
    saved = _render.out
    _render.out = Console(
        file=io.StringIO(), highlight=False, soft_wrap=True, no_color=True, width=120
    )
    try:
        prof.enable()
        loaded = usecases.load(proj, usecases.load_spec(deploy), None)
        the_plan = anyio.run(lambda: usecases.plan(proj, loaded, deployment=DEPLOYMENT))
        _render.render_plan(the_plan)
        prof.disable()
    finally:
        _render.out = saved
        proj.close()
    text = io.StringIO()
    stats = pstats.Stats(prof, stream=text)
    text.write("-- by own time --\n")
    stats.sort_stats("tottime").print_stats(top)
    text.write("-- by cumulative time, functions of mcp_iac only --\n")
    stats.sort_stats("cumulative").print_stats(r"src/mcp_iac|site-packages/mcp_iac", top)
    return _trim_pstats(text.getvalue())


def _trim_pstats(text: str) -> str:
    root = str(Path(__file__).resolve().parent.parent)
    keep = []
    for line in text.splitlines():
        if not line.strip() or line.strip().startswith(("Random listing", "List reduced")):
            continue
        keep.append(line.replace(root + "/", ""))
    return "\n".join(keep)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="resources (default 10000)")
    ap.add_argument("--small", type=int, default=1_000, help="size for the ratio (default 1000)")
    ap.add_argument("--repeat", type=int, default=3, help="CLI runs per case; median (default 3)")
    ap.add_argument(
        "--state-via",
        choices=("records", "up"),
        default="records",
        help="how the no-op state is made (default: write the records directly)",
    )
    ap.add_argument("--profile", action="store_true", help="cProfile the 10k fresh plan")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = ap.parse_args()

    sizes = sorted({args.small, args.n})
    print(f"plan_scale: {machine()}")
    results: dict[tuple[int, str], dict[str, float]] = {}
    phases: dict[tuple[int, str], dict[str, float]] = {}
    with workdir("bench-plan-scale-", args.keep) as root:
        imp = median([_import_seconds(root) for _ in range(3)])
        for n in sizes:
            parents = random_dag(n)
            deploy = write_json(root / f"deploy-{n}.json", data_deployment(parents))
            widths = level_widths(parents)
            print(
                f"\nn={n}: {edges(parents)} references, {len(widths)} levels, "
                f"widest level {max(widths)}, file {deploy.stat().st_size / 1e6:.1f} MB"
            )
            noop_state = root / f"noop-{n}.db"
            _seed_state(root, deploy, noop_state, parents, args.state_via)
            for case in CASES:
                progress(f"n={n} {case}: CLI x{args.repeat}")
                wall, rss, cpu = [], [], []
                for k in range(args.repeat):
                    fresh = case.startswith("fresh")
                    state = root / f"fresh-{n}-{k}.db" if fresh else noop_state
                    if fresh:
                        state.unlink(missing_ok=True)
                    if case == "fresh, first":
                        shutil.rmtree(root / ".mcp-iac" / "cache", ignore_errors=True)
                    expect = (
                        f"Plan: {n} to create"
                        if fresh
                        else f"No changes. {n} resource(s) up to date"
                    )
                    r = _cli_plan(root, deploy, state, expect)
                    wall.append(r.seconds)
                    rss.append(r.max_rss_mb)
                    cpu.append(r.cpu_seconds)
                results[(n, case)] = {
                    "cli": median(wall),
                    "cli_min": min(wall),
                    "cpu": median(cpu),
                    "rss": max(rss),
                }
                if case == "fresh, first":
                    continue  # in process, the provider is the same either way
                progress(f"n={n} {case}: in-process")
                state = root / f"fresh-{n}-phases.db" if case == "fresh" else noop_state
                app_s, app_cpu = _app_plan_seconds(root, deploy, state, args.repeat)
                ph, _ = _phases(root, deploy, state)
                results[(n, case)].update(app=app_s, app_cpu=app_cpu)
                phases[(n, case)] = ph

        profile_text = ""
        if args.profile:
            progress(f"profiling the n={args.n} fresh plan")
            profile_text = _profile(root, root / f"deploy-{args.n}.json", root / "profile.db")

    big, small = args.n, args.small
    rows = []
    for n in sizes:
        for case in CASES:
            r = results[(n, case)]
            graded = n == big
            rows.append(
                [
                    n,
                    case,
                    r["cli"],
                    r["cli_min"],
                    r["cpu"],
                    r["rss"],
                    r.get("app", "-"),
                    r.get("app_cpu", "-"),
                    verdict(
                        r["cli"] <= TARGET_SECONDS
                        and r.get("app", 0.0) <= TARGET_SECONDS
                        and r["rss"] <= TARGET_RSS_MB
                    )
                    if graded
                    else "-",
                ]
            )
    print()
    print(
        table(
            [
                "n",
                "case",
                "CLI wall s (median)",
                "CLI min s",
                "CLI CPU s",
                "CLI peak RSS MB",
                "app.plan s",
                "app.plan CPU s",
                "target",
            ],
            rows,
            title=f"mcp-iac plan, end to end (targets at n={big}: CLI <= {TARGET_SECONDS} s, "
            f"app.plan <= {TARGET_SECONDS} s, RSS <= {TARGET_RSS_MB:.0f} MB)",
        )
    )
    print(
        f"(python startup + the imports of `mcp-iac plan`: {imp:.3f} s; CLI CPU s = the "
        "child's user+sys time, less sensitive to other load on the machine)"
    )

    if small != big:
        rrows = []
        for case in CASES:
            for what in ("cli", "app") if case != "fresh, first" else ("cli",):
                ratio = results[(big, case)][what] / results[(small, case)][what]
                rrows.append(
                    [
                        case,
                        "CLI wall" if what == "cli" else "app.plan",
                        results[(small, case)][what],
                        results[(big, case)][what],
                        f"{ratio:.2f}x",
                        verdict(ratio <= TARGET_RATIO),
                    ]
                )
        print()
        print(
            table(
                ["case", "measure", f"n={small} s", f"n={big} s", "ratio", "target"],
                rrows,
                title=f"Scaling {big}/{small} (target <= {TARGET_RATIO:g})",
            )
        )

    names = list(phases[(big, "fresh")])
    prow = [
        [name] + [phases[(n, case)][name] for n in sizes for case in ("fresh", "no-op")]
        for name in names
    ]
    print()
    print(
        table(
            ["phase (in-process, seconds)"]
            + [f"{case} n={n}" for n in sizes for case in ("fresh", "no-op")],
            prow,
            title="Per-phase breakdown (one run each)",
        )
    )
    print(
        f"(import of the CLI, measured separately: {imp:.3f} s; the CLI also opens the "
        "state file and renders)"
    )
    if profile_text:
        print(
            f"\ncProfile, n={big} fresh: load + bind + app.plan + render (top 15 by own time, "
            "then by cumulative time)"
        )
        print(profile_text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
