"""The console: Rich is loaded only when something is written to a terminal (or forced)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mcp_iac.cli._console import LazyConsole

DEPLOYMENT = "name: demo\nresources:\n  - {type: 'local:data', name: a, properties: {input: 1}}\n"
PROBE = (
    "import sys\nfrom mcp_iac.cli import main\ncode = main(sys.argv[1:])\n"
    "sys.stderr.write('RICH-LOADED' if 'rich' in sys.modules else 'RICH-NOT-LOADED')\n"
)


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "deployment.yaml").write_text(DEPLOYMENT)
    full = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    full.pop("MCP_IAC_STATE", None)
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=full,
        check=False,
        timeout=120,
    )


def test_a_plan_written_to_a_pipe_never_loads_rich(tmp_path: Path) -> None:
    _run(tmp_path, "plan")  # the first one starts the built-in server, whose logging uses Rich
    r = _run(tmp_path, "plan")
    assert "1 to create" in r.stdout, r.stdout + r.stderr
    assert "\x1b[" not in r.stdout
    assert r.stderr.endswith("RICH-NOT-LOADED")


def test_forcing_colours_styles_the_plan_through_rich(tmp_path: Path) -> None:
    r = _run(tmp_path, "plan", FORCE_COLOR="1")
    assert "1 to create" in r.stdout, r.stdout + r.stderr
    assert "\x1b[" in r.stdout
    assert r.stderr.endswith("RICH-LOADED")


def test_an_error_is_printed_through_rich_even_to_a_pipe(tmp_path: Path) -> None:
    r = _run(tmp_path, "plan", "-f", "missing.yaml")
    assert "Error:" in r.stderr
    assert "missing.yaml" in r.stderr
    assert r.stderr.endswith("RICH-LOADED")


def test_the_lazy_console_answers_like_rich_about_a_non_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    lazy = LazyConsole()
    assert lazy.is_terminal is False
    assert lazy._console is None  # answered without making the console
    assert lazy.is_terminal == lazy.console.is_terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    forced = LazyConsole()
    assert forced.is_terminal is True
    assert forced.is_terminal == forced.console.is_terminal
