"""``mcp-iac sandbox``: real stand-ins started, recorded, pointed at, and stopped exactly."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import yaml

from mcp_iac.registry import discover
from mcp_iac.sandbox import ProcessRecord, Sandbox, SandboxError, docker_ping
from mcp_iac.sandbox._process import alive, stop
from tests.backends import require


def test_up_starts_moto_writes_its_server_and_down_stops_exactly_that_process(
    tmp_path: Path,
) -> None:
    (tmp_path / "mcp-iac.yaml").write_text(
        yaml.safe_dump({"servers": {"mine": {"url": "http://127.0.0.1:9/mcp"}}})
    )
    box = Sandbox(tmp_path)
    messages: list[str] = []
    try:
        started = box.up(["aws"], on_progress=messages.append)
        assert [s.service for s in started] == ["aws"]
        proc = started[0].process
        assert proc is not None
        assert alive(proc)

        servers = discover(tmp_path, environ={})
        assert servers["mine"].url == "http://127.0.0.1:9/mcp"  # kept
        aws = servers["aws"]
        assert aws.builtin == "aws"
        endpoint = aws.env["AWS_ENDPOINT_URL"]
        assert endpoint.startswith("http://127.0.0.1:")

        import boto3  # the stand-in is real: an S3 bucket round trip through it

        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        s3.create_bucket(Bucket="sandbox-check")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["sandbox-check"]

        [row] = [r for r in box.status() if r.service == "aws"]
        assert row.running
        assert row.pid == proc.pid

        again = box.up(["aws"], on_progress=messages.append)  # already running: left alone
        assert again == []
        assert any("already running" in m for m in messages)
    finally:
        stopped = box.down()
    assert stopped == ["aws"]
    assert not alive(proc)
    assert "aws" not in discover(tmp_path, environ={})
    assert "mine" in discover(tmp_path, environ={})
    assert [r.running for r in box.status()] == [False, False, False]


def test_down_never_signals_a_process_whose_pid_was_reused(tmp_path: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        created = psutil.Process(other.pid).create_time()
        # a record of an older process that had the same PID
        stale = ProcessRecord(
            name="ghost", pid=other.pid, started=created - 100, argv=("x",), log="/dev/null"
        )
        assert not alive(stale)
        assert stop(stale) is False
        time.sleep(0.1)
        assert other.poll() is None  # untouched
    finally:
        other.kill()
        other.wait()


def test_a_stand_in_that_cannot_start_is_named_with_the_reason(tmp_path: Path) -> None:
    environ = {
        **os.environ,
        "DOCKER_HOST": f"unix://{tmp_path}/nothing.sock",
        "PATH": str(tmp_path),  # no dockerd here
    }
    box = Sandbox(tmp_path, environ=environ)
    with pytest.raises(SandboxError) as info:
        box.up(["docker"])
    text = str(info.value)
    assert "docker" in text
    assert "dockerd is not installed" in text
    assert "apt-get install -y docker.io" in text
    assert not (tmp_path / "mcp-iac.yaml").exists()


def test_an_unknown_stand_in_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="no stand-in called vsphere"):
        Sandbox(tmp_path).up(["vsphere"])


def test_up_starts_a_private_dockerd_when_no_engine_answers_and_down_cleans_it_up(
    tmp_path: Path,
) -> None:
    require("dockerd", root=True)
    environ = {**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/nothing.sock"}
    box = Sandbox(tmp_path, environ=environ)
    try:
        [started] = box.up(["docker"])
        host = started.env["DOCKER_HOST"]
        assert host.startswith("unix:///tmp/mcp-iac-")
        assert docker_ping(host)
        assert discover(tmp_path, environ={})["docker"].env == {"DOCKER_HOST": host}
    finally:
        box.down()
    assert not docker_ping(host)
    assert not [
        line for line in Path("/proc/mounts").read_text().splitlines() if str(tmp_path) in line
    ]


def _tls(ca: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca)


def test_up_serves_the_opnsense_emulator_over_verified_tls_and_keeps_its_config(
    tmp_path: Path,
) -> None:
    import httpx2

    box = Sandbox(tmp_path)
    try:
        [started] = box.up(["opnsense"])
        env = started.env
        auth = (env["OPNSENSE_API_KEY"], env["OPNSENSE_API_SECRET"])
        with httpx2.Client(verify=_tls(env["OPNSENSE_CA_BUNDLE"]), auth=auth) as http:
            info = http.get(env["OPNSENSE_URL"] + "/api/core/firmware/info").json()
            assert info["product_version"].startswith("26.1")
            saved = http.post(
                env["OPNSENSE_URL"] + "/api/firewall/alias/addItem",
                json={"alias": {"name": "kept", "type": "host", "content": "198.18.0.1"}},
            ).json()
            assert saved["result"] == "saved"
        first_url = env["OPNSENSE_URL"]
    finally:
        box.down()
    try:
        [again] = box.up(["opnsense"])  # same credentials; the alias survived the restart
        assert again.env["OPNSENSE_API_KEY"] == auth[0]
        with httpx2.Client(verify=_tls(again.env["OPNSENSE_CA_BUNDLE"]), auth=auth) as http:
            rows = http.get(again.env["OPNSENSE_URL"] + "/api/firewall/alias/searchItem").json()
        assert "kept" in [r["name"] for r in rows["rows"]]
        assert again.env["OPNSENSE_URL"] == first_url or again.port != started.port
    finally:
        box.down()
