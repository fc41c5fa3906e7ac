"""Fixtures for the docker provider's tests: a private dockerd (session), the busybox base image
imported into it, local registries (Debian's docker-registry, one open and one with a
password), and a project directory per test.

Nothing here uses or touches a system Docker engine: the engine runs under a temporary
directory with its own socket, no docker0 bridge and no iptables rules, and every network the
tests create has an explicit subnet in 198.19.0.0/16 (inside 198.18.0.0/15). After each test
the engine is emptied of what the test made; at the end of the session the daemon and the
registries are stopped by PID.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import pytest
from mcp import Client

from mcp_iac.providers.docker import Settings, build_server
from mcp_iac.sdk import ProviderClient
from tests.backends import require

from .engine import BASE_IMAGE, PrivateDockerd, ensure_base_image


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def dockerd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateDockerd]:
    require("dockerd", root=True)
    engine = PrivateDockerd(tmp_path_factory.mktemp("dockerd"))
    engine.start()
    try:
        yield engine
    finally:
        engine.stop()


@pytest.fixture(scope="session")
def docker_client(dockerd: PrivateDockerd) -> Iterator[Any]:
    client = docker.DockerClient(base_url=dockerd.docker_host, version="auto", timeout=60)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="session")
def base_image(docker_client: Any) -> str:
    """The id of local/busybox:1 in the private engine."""
    return ensure_base_image(docker_client)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def free_port() -> int:
    """A loopback port nothing listens on (a registry that is down)."""
    return _free_port()


def _answers(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        conn.request("GET", "/v2/")
        return conn.getresponse().status in (200, 401)
    except OSError:
        return False
    finally:
        conn.close()


def _bcrypt(password: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt  # the standard library's; bcrypt through libxcrypt

    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH))


@dataclass(frozen=True)
class Registry:
    """A docker-registry on 127.0.0.1:port (``auth``: (user, password) when it wants them)."""

    port: int
    auth: tuple[str, str] | None = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def auth_properties(self) -> dict[str, str] | None:
        return None if self.auth is None else {"username": self.auth[0], "password": self.auth[1]}


def _start_registry(
    root: Path, auth: tuple[str, str] | None
) -> tuple[subprocess.Popen[bytes], int]:
    root.mkdir(parents=True)
    port = _free_port()
    lines = [
        "version: 0.1",
        "log: {level: warn}",
        f"storage: {{filesystem: {{rootdirectory: {root / 'data'}}}, delete: {{enabled: true}}}}",
        f"http: {{addr: '127.0.0.1:{port}'}}",
    ]
    if auth is not None:
        (root / "htpasswd").write_text(f"{auth[0]}:{_bcrypt(auth[1])}\n")
        lines.append(f"auth: {{htpasswd: {{realm: test, path: {root / 'htpasswd'}}}}}")
    (root / "config.yml").write_text("\n".join(lines) + "\n")
    log = open(root / "registry.log", "wb")  # noqa: SIM115  # closed with the process
    process = subprocess.Popen(
        ["docker-registry", "serve", str(root / "config.yml")],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    log.close()
    deadline = time.monotonic() + 20
    while not _answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait(timeout=10)
            raise RuntimeError(
                f"docker-registry did not start: {(root / 'registry.log').read_text()[-2000:]}"
            )
        time.sleep(0.05)
    return process, port


@pytest.fixture(scope="session")
def registries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Registry, Registry]]:
    """(open registry, registry wanting alice/secret), both on loopback."""
    require("docker-registry")
    root = tmp_path_factory.mktemp("registry")
    started: list[subprocess.Popen[bytes]] = []
    try:
        open_process, open_port = _start_registry(root / "open", None)
        started.append(open_process)
        auth = ("alice", "s3cret-pw")
        auth_process, auth_port = _start_registry(root / "auth", auth)
        started.append(auth_process)
        yield Registry(open_port), Registry(auth_port, auth)
    finally:
        for process in started:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def registry(registries: tuple[Registry, Registry]) -> Registry:
    return registries[0]


@pytest.fixture
def auth_registry(registries: tuple[Registry, Registry]) -> Registry:
    return registries[1]


_SUBNETS = iter(range(random.randrange(256), random.randrange(256) + 100_000))


@pytest.fixture
def subnet() -> Any:
    """Makes fresh /24 subnets inside 198.19.0.0/16 (a random start per session, so that two
    engines on this machine rarely pick the same)."""

    def make() -> str:
        return f"198.19.{next(_SUBNETS) % 256}.0/24"

    return make


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project directory with an app: app/Dockerfile (FROM the base image) and a page."""
    app = tmp_path / "project" / "app"
    app.mkdir(parents=True)
    (app / "Dockerfile").write_text(
        f"FROM {BASE_IMAGE}\n"
        "ARG GREETING=hello\n"
        "RUN mkdir -p /www && echo $GREETING > /www/index.html\n"
        'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n'
    )
    return tmp_path / "project"


@pytest.fixture
def settings(dockerd: PrivateDockerd, project: Path, base_image: str) -> Settings:
    return Settings(
        docker_host=dockerd.docker_host,
        project_dir=project,
        timeout=30,
        build_timeout=120,
        stop_timeout=2,
    )


@contextlib.asynccontextmanager
async def connect(settings: Settings, mode: str = "auto") -> AsyncIterator[ProviderClient]:
    """The provider's MCP server in memory, behind a ``ProviderClient``."""
    async with Client(build_server(settings), mode=mode) as client:
        yield ProviderClient(client, server="docker", timeout=120)


@pytest.fixture(autouse=True)
def clean_engine(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that used the engine: remove every container, network, volume and
    image it left (the engine is ours alone; the base image stays)."""
    yield
    if "docker_client" not in request.fixturenames and "settings" not in request.fixturenames:
        return
    client: Any = request.getfixturevalue("docker_client")
    for container in client.containers.list(all=True):
        container.remove(force=True, v=True)
    for network in client.networks.list():
        if network.name not in ("none", "host", "bridge"):
            network.remove()
    for volume in client.volumes.list():
        volume.remove(force=True)
    for _ in range(3):  # children first; a parent goes in a later pass if it must
        leftovers = [i for i in client.images.list(all=True) if BASE_IMAGE not in i.tags]
        for image in leftovers:
            with contextlib.suppress(docker.errors.APIError):
                client.images.remove(image.id, force=True)


def python_module_command(module: str) -> list[str]:
    return [sys.executable, "-m", module]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "MCP_IAC_"))}
    return {**env, **extra}
