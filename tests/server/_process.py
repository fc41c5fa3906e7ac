"""``mcp-iac serve`` in a subprocess: started in a project directory, found by the line it
announces (bounded wait), stopped by PID."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ANNOUNCE = re.compile(r"mcp-iac serving on (http://127\.0\.0\.1:\d+/mcp)")
CLI = [sys.executable, "-m", "mcp_iac.cli"]


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MCP_IAC_")}
    return {**clean, "NO_COLOR": "1"}


def make_token(root: Path, name: str, scopes: str) -> str:
    """``mcp-iac serve token create`` in ``root``; returns the token."""
    done = subprocess.run(
        [*CLI, "serve", "token", "create", name, "--scopes", scopes, "--json"],
        cwd=root,
        env=env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return str(json.loads(done.stdout)["token"])


@contextmanager
def http_server(root: Path, *args: str) -> Iterator[str]:
    """``mcp-iac serve --http --port 0`` in ``root``; yields its URL."""
    proc = subprocess.Popen(
        [*CLI, "serve", "--http", "--port", "0", *args],
        cwd=root,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env(),
    )
    try:
        assert proc.stderr is not None
        url = None
        seen: list[str] = []
        deadline = time.monotonic() + 60  # bounded: it announces itself once it listens
        while url is None and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], deadline - time.monotonic())
            if not ready:
                break
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            found = ANNOUNCE.search(line)
            url = found.group(1) if found else None
        assert url, f"mcp-iac serve --http did not announce its URL: {''.join(seen)}"
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
