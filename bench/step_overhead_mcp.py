"""Engine overhead per applied step through MCP: the same no-op provider reached directly (the
engine's port, no MCP), in-process over MCP (``mcp.Client(server)``), and as a stdio subprocess.

Targets (issue 3): <= 1.5 ms per step in-process over MCP, <= 3 ms over stdio. The state store
is SQLite with durable commits, as a user runs it.

    .venv/bin/python bench/step_overhead_mcp.py [--n 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio

sys.path.insert(0, str(Path(__file__).parent))

import _noop_mcp  # the bench directory is on sys.path from here on
from _common import median, table, verdict
from _noop import NoopProvider
from mcp_iac.core import load_document
from mcp_iac.engine import ExecOptions, Executor, bind, make_plan
from mcp_iac.registry import InProcessProviders, McpProviders, ServerConfig
from mcp_iac.state import SqliteStateStore


def _deployment(n: int) -> Any:
    return load_document(
        {
            "apiVersion": "iac.mcp/v1",
            "kind": "Deployment",
            "metadata": {"name": "bench"},
            "spec": {
                "resources": [
                    {"type": "noop:thing", "name": f"r{i}", "properties": {"input": i}}
                    for i in range(n)
                ]
            },
        }
    )


async def _run(providers: Any, n: int, parallelism: int, db: Path) -> float:
    state = SqliteStateStore(db)
    try:
        spec = _deployment(n)
        async with providers:
            schema = await (await providers.get("noop")).describe()
            schemas = {t.type: t for t in schema.types}
            plan = make_plan(bind(spec), {}, deployment="bench", schemas=schemas)
            lock = state.acquire_lock("bench", operation="bench")
            run_id = state.begin_run("bench", kind="apply", intent="bench")
            start = time.perf_counter()
            result = await Executor(
                plan,
                state=state,
                providers=providers,
                run_id=run_id,
                options=ExecOptions(parallelism=parallelism),
                schemas=schemas,
            ).run()
            seconds = time.perf_counter() - start
            state.release_lock(lock)
            assert result.status == "succeeded", result.failed
            return seconds
    finally:
        state.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--parallelism", type=int, default=10)
    args = ap.parse_args()
    stdio = ServerConfig(
        command=sys.executable,
        args=(str(Path(__file__).with_name("_noop_mcp.py")),),
        source="bench",
    )
    cases = {
        "direct (engine port, no MCP)": lambda: InProcessProviders({"noop": NoopProvider()}),
        "in-process over MCP": lambda: McpProviders(
            {"noop": ServerConfig(builtin="local", source="bench")},
            builtins={"local": lambda env: _noop_mcp.build_server()},
        ),
        "stdio subprocess over MCP": lambda: McpProviders({"noop": stdio}),
    }
    targets = {"in-process over MCP": 1.5, "stdio subprocess over MCP": 3.0}
    print(
        f"step_overhead_mcp: Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), "
        f"load average {os.getloadavg()[0]:.2f}; N={args.n}, parallelism {args.parallelism}, "
        f"median of {args.repeat}"
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in cases.items():
            times = []
            for i in range(args.repeat):
                db = Path(tmp) / f"{len(rows)}-{i}.db"
                times.append(anyio.run(_run, make(), args.n, args.parallelism, db))
            ms = median(times) * 1000 / args.n
            target = targets.get(name)
            rows.append(
                [
                    name,
                    f"{median(times):.2f}",
                    f"{ms:.3f}",
                    verdict(ms <= target) if target else "-",
                ]
            )
    print(
        table(
            ["provider path", "Executor.run s", "ms/step", "target"],
            rows,
            title="Engine overhead per applied step (SQLite durable journal)",
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
