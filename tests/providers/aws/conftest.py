"""A real moto server for the AWS provider's tests.

One ``moto_server`` per session, on a free loopback port, started from the virtualenv's entry
point and stopped by PID; ``POST /moto-api/reset`` before every test clears its state. Every
boto3 client here and in the provider points at it: no traffic leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import boto3
import pytest
from mcp import Client

from mcp_iac.providers.aws import Settings, build_server
from mcp_iac.sdk import ProviderClient

REGION = "us-east-1"
START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # loopback only
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a moto server started for this session."""
    executable = Path(sys.executable).with_name("moto_server")
    if not executable.exists():
        pytest.fail(
            f"moto_server is not installed next to {sys.executable}: pip install moto[server]"
        )
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    env = {
        **os.environ,
        "MOTO_ACM_VALIDATION_WAIT": "1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(  # our own virtualenv's entry point
            [str(executable), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(f"{url}/moto-api/"):
            if proc.poll() is not None:
                pytest.fail(f"moto_server exited with {proc.returncode}: {log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"moto_server did not answer within {START_TIMEOUT}s: {log.read_text()[-2000:]}"
                )
            time.sleep(0.05)
        yield url
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(autouse=True)
def fresh_moto(moto_url: str) -> None:
    """Every test starts with an empty AWS."""
    request = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:  # loopback only
        assert response.status == 200


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings(moto_url: str) -> Settings:
    """Provider settings pointing at the moto server, with short waits."""
    return Settings(
        region=REGION,
        endpoint_url=moto_url,
        access_key_id="testing",
        secret_access_key="testing",
        wait_timeout=20,
        poll_interval=0.2,
    )


@pytest.fixture
def boto(moto_url: str) -> Callable[[str], Any]:
    """``boto("ec2")``: a plain boto3 client on the moto server, to check results directly."""

    def make(service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=moto_url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    return make


Connect = Callable[..., Any]


@pytest.fixture
def connect(settings: Settings) -> Connect:
    """``async with connect() as aws:``: a typed iac/1 client (``ProviderClient``) of the AWS
    provider served in memory over MCP; ``connect(mode="legacy")`` for the older protocol era,
    ``connect(raw=True)`` for the bare ``mcp.Client``."""

    @asynccontextmanager
    async def open_client(mode: str = "auto", *, raw: bool = False) -> AsyncIterator[Any]:
        async with Client(build_server(settings), mode=mode) as client:
            yield client if raw else ProviderClient(client, timeout=60)

    return open_client


class Given:
    """Objects made with boto3 directly (not by the provider), for properties that need ids.

    Addresses stay in 198.18.0.0/15.
    """

    def __init__(self, boto: Callable[[str], Any]) -> None:
        self.boto = boto
        self._made: dict[str, str] = {}

    def _once(self, name: str, make: Callable[[], str]) -> str:
        if name not in self._made:
            self._made[name] = make()
        return self._made[name]

    @property
    def vpc(self) -> str:
        return self._once(
            "vpc", lambda: self.boto("ec2").create_vpc(CidrBlock="198.18.0.0/16")["Vpc"]["VpcId"]
        )

    def _subnet(self, cidr: str, zone: str) -> str:
        answer = self.boto("ec2").create_subnet(
            VpcId=self.vpc, CidrBlock=cidr, AvailabilityZone=zone
        )
        return str(answer["Subnet"]["SubnetId"])

    @property
    def subnet_a(self) -> str:
        return self._once("subnet_a", lambda: self._subnet("198.18.1.0/24", "us-east-1a"))

    @property
    def subnet_b(self) -> str:
        return self._once("subnet_b", lambda: self._subnet("198.18.2.0/24", "us-east-1b"))

    @property
    def template(self) -> str:
        return self._once(
            "template",
            lambda: self.boto("ec2").create_launch_template(
                LaunchTemplateName="given", LaunchTemplateData={"ImageId": "ami-12c6146b"}
            )["LaunchTemplate"]["LaunchTemplateId"],
        )

    @property
    def target_group(self) -> str:
        return self._once(
            "target_group",
            lambda: self.boto("elbv2").create_target_group(
                Name="given", Port=8080, Protocol="HTTP", VpcId=self.vpc
            )["TargetGroups"][0]["TargetGroupArn"],
        )

    @property
    def zone(self) -> str:
        return self._once(
            "zone",
            lambda: (
                self.boto("route53")
                .create_hosted_zone(Name="example.com", CallerReference="given")["HostedZone"]["Id"]
                .split("/")[-1]
            ),
        )


@pytest.fixture
def given(boto: Callable[[str], Any]) -> Given:
    """Prerequisite objects made with boto3 on first use."""
    return Given(boto)
