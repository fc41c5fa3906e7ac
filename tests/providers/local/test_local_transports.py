"""The local provider as a real separate server: ``python -m mcp_iac.providers.local`` over
stdio and over streamable HTTP, each run through the contract suite."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from anyio.abc import Process
from mcp import Client, StdioServerParameters

from mcp_iac.sdk import ProviderClient, run_contract

pytestmark = pytest.mark.anyio

SERVE = [sys.executable, "-m", "mcp_iac.providers.local"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_the_local_provider_over_stdio_passes_the_contract_suite(
    tmp_path: Path, mode: str
) -> None:
    params = StdioServerParameters(
        command=SERVE[0], args=[*SERVE[1:], "--root", str(tmp_path)], cwd=tmp_path
    )
    async with Client(params, mode=mode) as client:
        report = await run_contract(client, timeout=30)
        health = await ProviderClient(client).health()
    assert report.passed, report.render()
    assert health.status == "ok"


async def _announced_url(process: Process) -> str:
    """The URL the server prints once it listens (bounded wait)."""
    assert process.stderr is not None
    seen = b""
    with anyio.fail_after(30):
        async for chunk in process.stderr:
            seen += chunk
            found = re.search(rb"serving on (http://\S+)", seen)
            if found:
                return found.group(1).decode()
    raise AssertionError(f"the server exited without announcing a URL: {seen.decode()}")


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_the_local_provider_over_http_passes_the_contract_suite(
    tmp_path: Path, mode: str
) -> None:
    command = [*SERVE, "--root", str(tmp_path), "--http", "--port", "0"]
    process = await anyio.open_process(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, cwd=tmp_path
    )
    try:
        url = await _announced_url(process)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/mcp", url)
        async with Client(url, mode=mode) as client:
            report = await run_contract(client, timeout=30)
        assert report.passed, report.render()
    finally:
        os.kill(process.pid, signal.SIGTERM)
        with anyio.fail_after(15):
            code = await process.wait()
        await process.aclose()
    # uvicorn shuts down gracefully, then re-raises the signal it caught, as a process should.
    assert code == -signal.SIGTERM
