"""mcp-iac vs Terraform on the same graph: plan and apply of N data resources.

    python bench/vs_terraform.py [--n 2000] [--parallelism 10] [--skip-apply] [--keep]

The graph is the random DAG of the other benchmarks (fixed seed; each resource references up
to two earlier ones), written twice:

- Terraform: ``resource "terraform_data" "r<i>" { input = { v = "v<i>", deps =
  [terraform_data.r<p>.id, ...] } }`` (``terraform_data`` is built in: ``terraform init``
  downloads nothing; ``TF_CLI_CONFIG_FILE`` points at an empty file, checkpoint is off);
- mcp-iac: ``local:data`` ``r<i>`` with ``input = {v: "v<i>", deps: ["${local:data:r<p>.id}",
  ...]}`` (the local provider keeps each object as an fsync'd file, the state is SQLite with
  ``synchronous=FULL``: both tools make every resource durable).

Measured as a user runs them, in a subprocess each (wall time, peak RSS):

1. plan, empty state: ``terraform plan`` vs ``mcp-iac plan -f deploy.json``, twice for mcp-iac:
   the project's first plan (no remembered provider answers, so the built-in provider is started
   over MCP; docs/cli.md "Remembered provider answers") and a later one;
2. apply, empty state: ``terraform apply -auto-approve -parallelism=10`` vs
   ``mcp-iac up --yes --quiet --parallelism 10`` (Terraform takes minutes at 2,000: progress is
   printed every 15 s);
3. plan again, nothing to change: ``terraform plan -refresh=false`` vs ``mcp-iac plan``, and
   ``terraform plan`` (refreshes by default) vs ``mcp-iac plan --refresh``.

Plans are timed ``--repeat`` times each (median; default 3). Target: mcp-iac >= 20x faster on
each of plan (1) and apply (2).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from _common import (
    ProcResult,
    cli,
    cli_env,
    data_deployment,
    edges,
    level_widths,
    machine,
    progress,
    random_dag,
    run_measured,
    table,
    verdict,
    workdir,
    write_json,
)

TARGET_SPEEDUP = 20.0


def terraform_config(parents: list[list[int]]) -> str:
    blocks = []
    for i, ps in enumerate(parents):
        deps = ", ".join(f"terraform_data.r{p}.id" for p in ps)
        blocks.append(
            f'resource "terraform_data" "r{i}" {{\n'
            f'  input = {{ v = "v{i}", deps = [{deps}] }}\n}}\n'
        )
    return "\n".join(blocks)


def tf_env(root: Path) -> dict[str, str]:
    rc = root / "empty.tfrc"
    rc.write_text("")
    return cli_env(
        TF_CLI_CONFIG_FILE=str(rc), CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0"
    )


def _expect(r: ProcResult, pattern: str, what: str) -> None:
    if not re.search(pattern, r.stdout):
        sys.stderr.write(r.stdout[-3000:] + r.stderr[-3000:])
        raise SystemExit(f"{what}: output does not match {pattern!r}")


def _median_run(
    times: int, cmd: list[str], *, cwd: Path, env: dict[str, str], before: Any = None
) -> ProcResult:
    """``cmd`` run ``times`` times; the run of median wall time (``before`` runs before each)."""
    runs = []
    for _ in range(times):
        if before is not None:
            before()
        runs.append(run_measured(cmd, cwd=cwd, env=env))
    return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]


def _ticker(label: str, pattern: str, n: int) -> Any:
    def tick(elapsed: float, log: Path) -> None:
        try:
            done = len(re.findall(pattern, log.read_text(errors="replace")))
        except OSError:
            done = 0
        progress(f"  {label}: {elapsed:.0f} s, {done}/{n} created")

    return tick


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="resources (default 2000)")
    ap.add_argument("--parallelism", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3, help="runs per plan; median (default 3)")
    ap.add_argument(
        "--skip-apply",
        action="store_true",
        help="plans on empty state only (no apply, no second plan)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = ap.parse_args()
    tf = shutil.which("terraform")
    if tf is None:
        print("terraform is not on PATH; nothing to compare against")
        return 0
    n, par = args.n, args.parallelism
    parents = random_dag(n)
    widths = level_widths(parents)
    print(f"vs_terraform: {machine()}")
    print(
        f"graph: {n} resources, {edges(parents)} references, {len(widths)} levels, "
        f"widest level {max(widths)}; parallelism {par}"
    )

    rows: list[list[Any]] = []
    with workdir("bench-vs-terraform-", args.keep) as root:
        tdir, idir = root / "tf", root / "iac"
        tdir.mkdir()
        idir.mkdir()
        (tdir / "main.tf").write_text(terraform_config(parents))
        deploy = write_json(idir / "deploy.json", data_deployment(parents, attr="id"))
        tenv, ienv = tf_env(root), cli_env()
        version = run_measured([tf, "version"], cwd=tdir, env=tenv).stdout.splitlines()[0]
        print(f"{version}; mcp-iac {cli()}")

        progress("terraform init")
        init = run_measured([tf, "init", "-input=false", "-no-color"], cwd=tdir, env=tenv)
        tf_flags = ["-input=false", "-no-color"]

        rep = args.repeat
        cache = idir / ".mcp-iac" / "cache"
        progress("plan, empty state")
        t = _median_run(rep, [tf, "plan", *tf_flags], cwd=tdir, env=tenv)
        _expect(t, rf"Plan: {n} to add", "terraform plan")
        iplan = [cli(), "plan", "-f", str(deploy)]
        m = _median_run(
            rep, iplan, cwd=idir, env=ienv, before=lambda: shutil.rmtree(cache, ignore_errors=True)
        )
        _expect(m, rf"Plan: {n} to create", "mcp-iac plan")
        rows.append(["plan (empty state), project's first", t, m, True])
        m = _median_run(rep, iplan, cwd=idir, env=ienv)
        _expect(m, rf"Plan: {n} to create", "mcp-iac plan")
        rows.append(["plan (empty state)", t, m, True])

        if not args.skip_apply:
            progress(f"terraform apply -parallelism={par} (minutes at n=2000)")
            t = run_measured(
                [tf, "apply", "-auto-approve", f"-parallelism={par}", *tf_flags],
                cwd=tdir,
                env=tenv,
                log=root / "tf-apply.log",
                tick=_ticker("terraform apply", r"Creation complete", n),
                tick_every=15,
            )
            _expect(t, rf"Apply complete! Resources: {n} added", "terraform apply")
            progress(f"  terraform apply took {t.seconds:.1f} s")
            progress(f"mcp-iac up --parallelism {par}")
            m = run_measured(
                [cli(), "up", "-f", str(deploy), "--yes", "--quiet", "--parallelism", str(par)],
                cwd=idir,
                env=ienv,
                tick=lambda e, _log: progress(f"  mcp-iac up: {e:.0f} s"),
                tick_every=15,
            )
            _expect(m, rf"{n} change\(s\) applied", "mcp-iac up")
            progress(f"  mcp-iac up took {m.seconds:.1f} s")
            rows.append([f"apply (empty state, parallelism {par})", t, m, True])

            progress("plan again, nothing to change")
            t = _median_run(rep, [tf, "plan", "-refresh=false", *tf_flags], cwd=tdir, env=tenv)
            _expect(t, r"No changes", "terraform plan -refresh=false")
            m = _median_run(rep, iplan, cwd=idir, env=ienv)
            _expect(m, r"No changes", "mcp-iac plan")
            rows.append(["plan, no changes (no refresh)", t, m, False])
            t = _median_run(rep, [tf, "plan", *tf_flags], cwd=tdir, env=tenv)
            _expect(t, r"No changes", "terraform plan")
            m = _median_run(rep, [*iplan, "--refresh"], cwd=idir, env=ienv)
            _expect(m, r"No changes", "mcp-iac plan --refresh")
            rows.append(["plan, no changes (with refresh)", t, m, False])

    out = []
    for label, t, m, graded in rows:
        speedup = t.seconds / m.seconds
        out.append(
            [
                label,
                t.seconds,
                m.seconds,
                f"{speedup:.1f}x",
                t.max_rss_mb,
                m.max_rss_mb,
                verdict(speedup >= TARGET_SPEEDUP) if graded else "-",
            ]
        )
    print()
    print(
        table(
            [
                "operation",
                "terraform s",
                "mcp-iac s",
                "speedup",
                "terraform RSS MB",
                "mcp-iac RSS MB",
                "target",
            ],
            out,
            title=f"Terraform vs mcp-iac, n={n} (target: mcp-iac >= {TARGET_SPEEDUP:g}x "
            "faster on plan and apply)",
        )
    )
    print(f"(terraform init, not compared: {init.seconds:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
