"""``python -m mcp_iac.emulators.opnsense``: serves until SIGTERM, URL on stdout."""

from __future__ import annotations

import os
import re
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import httpx2


def test_the_command_prints_its_url_serves_with_the_copied_ca_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    ca = tmp_path / "ca.pem"
    command = [
        sys.executable, "-m", "mcp_iac.emulators.opnsense", "--port", "0", "--version", "25.7",
        "--key", "k", "--secret", "s", "--readonly-key", "ro:pw", "--ca-out", str(ca),
        "--state", str(tmp_path / "state.json"),
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            pattern = r"OPNsense 25\.7 emulator serving on (https://127\.0\.0\.1:\d+)\n"
            found = re.fullmatch(pattern, line)
            assert found, line
            tls = ssl.create_default_context(cafile=str(ca))
            with httpx2.Client(base_url=found.group(1), verify=tls, timeout=10) as client:
                info = client.get("/api/core/firmware/info", auth=("k", "s")).json()
                assert info["product"]["product_series"] == "25.7"
                denied = client.post("/api/firewall/alias/addItem", json={}, auth=("ro", "pw"))
                assert denied.status_code == 403
        finally:
            os.kill(process.pid, signal.SIGTERM)
            code = process.wait(timeout=15)
    assert code == 0
    assert (tmp_path / "state.json").exists()


def test_the_command_refuses_an_unknown_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mcp_iac.emulators.opnsense", "--version", "23.1"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice: '23.1'" in result.stderr
