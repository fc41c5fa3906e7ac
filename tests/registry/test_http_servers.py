"""Providers over real streamable HTTP: `mcp-iac provider serve local --http` in a subprocess,
reached through mcp-iac.yaml in both protocol modes."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from mcp_iac.registry import McpProviders, ServerConfig

ANNOUNCE = re.compile(r"serving on (http://127\.0\.0\.1:\d+/mcp)")


@pytest.fixture
def http_provider(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The local provider served over HTTP on a free loopback port; stopped by PID."""
    root = tmp_path / "served"
    root.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mcp_iac.cli",
            "provider",
            "serve",
            "local",
            "--http",
            "--port",
            "0",
        ],
        cwd=root,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        assert proc.stderr is not None
        url = None
        deadline = time.monotonic() + 30  # bounded: it announces itself once it listens
        while url is None and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], deadline - time.monotonic())
            if not ready:
                break
            line = proc.stderr.readline()
            if not line:
                break
            found = ANNOUNCE.search(line)
            url = found.group(1) if found else None
        assert url, "the HTTP provider did not announce its URL"
        yield url, root
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_a_provider_over_http_creates_reads_and_deletes(
    http_provider: tuple[str, Path], mode: str
) -> None:
    url, root = http_provider
    servers = {"remote": ServerConfig(url=url, mode=mode, source="test")}  # type: ignore[arg-type]

    async def scenario() -> None:
        async with McpProviders(servers) as providers:
            provider = await providers.get("remote")
            schema = await provider.describe()
            assert schema.protocol == "iac/1"
            created = await provider.create(
                "local:file",
                name="f",
                urn="d/local:file:f",
                idempotency_key=f"k-{mode}",
                properties={"path": f"{mode}.txt", "content": "over http"},
            )
            assert (root / f"{mode}.txt").read_text() == "over http"
            read = await provider.read("local:file", created.id, {"path": f"{mode}.txt"})
            assert read.exists
            await provider.delete("local:file", created.id, {"path": f"{mode}.txt"})
            assert not (root / f"{mode}.txt").exists()

    anyio.run(scenario)
