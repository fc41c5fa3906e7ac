"""Shared helpers for the benchmarks: graphs, deployment documents, timing, tables.

Not a benchmark itself. Every benchmark imports it as ``from _common import ...`` (the scripts
are run as ``python bench/<name>.py``, so ``bench/`` is on ``sys.path``).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SEED = 20261121


def cli() -> str:
    """The ``mcp-iac`` entry point next to this interpreter (the project venv)."""
    exe = VENV_BIN / "mcp-iac"
    if exe.exists():
        return str(exe)
    found = shutil.which("mcp-iac")
    if found is None:
        sys.exit("mcp-iac is not installed next to this Python; use .venv/bin/python")
    return found


# -- graphs ------------------------------------------------------------------------------------


def random_dag(n: int, *, refs: int = 2, seed: int = SEED) -> list[list[int]]:
    """``parents[i]``: up to ``refs`` distinct earlier nodes, uniformly at random (fixed seed).

    Node 0 has no parents, node 1 at most one; the graph is a DAG by construction (edges point
    to lower indices only).
    """
    rng = random.Random(seed)
    return [sorted(rng.sample(range(i), min(refs, i))) for i in range(n)]


def chain(n: int) -> list[list[int]]:
    return [[i - 1] if i else [] for i in range(n)]


def independent(n: int) -> list[list[int]]:
    return [[] for _ in range(n)]


def levels_of(parents: Sequence[Sequence[int]]) -> list[int]:
    """ASAP level of each node: 0 for roots, else 1 + the deepest parent."""
    level = [0] * len(parents)
    for i, ps in enumerate(parents):
        if ps:
            level[i] = 1 + max(level[p] for p in ps)
    return level


def level_widths(parents: Sequence[Sequence[int]]) -> list[int]:
    lv = levels_of(parents)
    widths = [0] * (max(lv) + 1 if lv else 0)
    for x in lv:
        widths[x] += 1
    return widths


def edges(parents: Sequence[Sequence[int]]) -> int:
    return sum(len(p) for p in parents)


# -- mcp-iac deployments -----------------------------------------------------------------------

DEPLOYMENT = "bench"


def name_of(i: int) -> str:
    return f"r{i}"


def address_of(i: int) -> str:
    return f"local:data:{name_of(i)}"


def data_deployment(
    parents: Sequence[Sequence[int]], *, attr: str = "output.v", name: str = DEPLOYMENT
) -> dict[str, Any]:
    """A canonical deployment of ``local:data`` resources ``r0..r{n-1}``.

    Resource ``i`` has ``input = {"v": "v<i>", "deps": ["${local:data:r<p>.<attr>}", ...]}``.
    The default ``attr`` is ``output.v``: a scalar inside the parent's output (referencing the
    whole ``output`` would nest every ancestor's value and grow exponentially with depth).
    """
    resources = []
    for i, ps in enumerate(parents):
        resources.append(
            {
                "type": "local:data",
                "name": name_of(i),
                "properties": {
                    "input": {
                        "v": f"v{i}",
                        "deps": ["${" + address_of(p) + "." + attr + "}" for p in ps],
                    }
                },
            }
        )
    return {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {"resources": resources},
    }


def write_json(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return path


def data_records(parents: Sequence[Sequence[int]], *, name: str = DEPLOYMENT) -> list[Any]:
    """The state records ``mcp-iac up`` would leave for :func:`data_deployment` (attr
    ``output.v``), so a no-op plan can be measured without applying 10,000 resources."""
    import uuid

    from mcp_iac.core import make_urn
    from mcp_iac.engine import ResourceRecord

    stamp = "2026-01-01T00:00:00+00:00"
    out = []
    for i, ps in enumerate(parents):
        address = address_of(i)
        urn = make_urn(name, address)
        key = f"{urn}@{uuid.UUID(int=i).hex}"
        props = {"input": {"v": f"v{i}", "deps": [f"v{p}" for p in ps]}}
        out.append(
            ResourceRecord(
                urn=urn,
                address=address,
                server="local",
                type="local:data",
                name=name_of(i),
                id=str(uuid.uuid5(uuid.NAMESPACE_URL, key)),
                properties=props,
                outputs={"output": props["input"], "id": str(uuid.uuid5(uuid.NAMESPACE_URL, key))},
                dependencies=tuple(sorted(address_of(p) for p in ps)),
                idempotency_key=key,
                created_at=stamp,
                updated_at=stamp,
            )
        )
    return out


# -- processes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcResult:
    seconds: float
    max_rss_mb: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str


def run_measured(
    cmd: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    check: bool = True,
    timeout: float | None = None,
    log: Path | None = None,
    tick: Callable[[float, Path], None] | None = None,
    tick_every: float = 10.0,
) -> ProcResult:
    """Run ``cmd``; wall time and *this child's* peak RSS and CPU time (``os.wait4``, not the
    running maximum over all children that ``RUSAGE_CHILDREN`` gives).

    With ``log`` stdout goes to that file, and ``tick(elapsed, log)`` is called every
    ``tick_every`` seconds while the command runs (progress lines).
    """
    tmp = Path(tempfile.mkdtemp(prefix="bench-run-"))
    out_path = log or tmp / "stdout"
    try:
        with open(out_path, "wb") as out, open(tmp / "stderr", "wb") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(
                list(cmd), cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL
            )
            waited: list[Any] = []

            def reap() -> None:
                _, st, ru = os.wait4(proc.pid, 0)
                waited.extend((time.perf_counter(), st, ru))

            reaper = threading.Thread(target=reap, daemon=True)
            reaper.start()
            while True:
                reaper.join(tick_every if tick is not None else timeout)
                if not reaper.is_alive():
                    break
                elapsed = time.perf_counter() - start
                if timeout is not None and elapsed > timeout:
                    proc.kill()
                    reaper.join()
                    break
                if tick is not None:
                    tick(elapsed, out_path)
            end, status, usage = waited
            seconds = end - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        result = ProcResult(
            seconds,
            usage.ru_maxrss / 1024.0,
            usage.ru_utime + usage.ru_stime,
            proc.returncode,
            out_path.read_text(errors="replace"),
            (tmp / "stderr").read_text(errors="replace"),
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if check and result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(cmd)}")
    return result


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a measured command: the user's, without a state override, without
    colours, and with Python writing its bytecode cache as it does by default (a machine that sets
    PYTHONDONTWRITEBYTECODE would otherwise compile every module of mcp-iac on every run)."""
    env = dict(os.environ)
    env.pop("MCP_IAC_STATE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update({"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "120"})
    env.update(extra)
    return env


@contextmanager
def workdir(prefix: str, keep: bool = False) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        if keep:
            print(f"(kept {path})")
        else:
            shutil.rmtree(path, ignore_errors=True)


# -- timing and tables ---------------------------------------------------------------------------


class Timer:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> Timer:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def best_of(values: Sequence[float]) -> float:
    return min(values)


def median(values: Sequence[float]) -> float:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str = "") -> str:
    cells = [[str(h) for h in headers]] + [[_cell(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    if title:
        lines.append(title)
    lines.append("  ".join(h.ljust(w) for h, w in zip(cells[0], widths, strict=True)))
    lines.append("  ".join("-" * w for w in widths))
    for r in cells[1:]:
        lines.append(
            "  ".join(
                c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(r, widths, strict=True)
            )
        )
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3f}"
    return str(value)


def _numeric(text: str) -> bool:
    try:
        float(text.rstrip("x%").replace(",", ""))
    except ValueError:
        return False
    return True


def machine() -> str:
    import platform

    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f}"
    )


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
