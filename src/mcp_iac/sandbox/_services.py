"""The stand-ins the sandbox can run, each on loopback: how to start one, how to tell it is ready,
and the server config that points a built-in provider at it."""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._process import ProcessRecord, SandboxError, free_port, start, wait_ready

OPNSENSE_VERSION = "26.1"


@dataclass(frozen=True, slots=True)
class Started:
    """A running stand-in: its process (None when an existing backend is reused) and the
    ``env`` of the built-in provider server that talks to it."""

    service: str
    process: ProcessRecord | None
    env: dict[str, str]
    port: int | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Context:
    """Where the sandbox keeps its files and what it remembers from the last run."""

    root: Path
    """The project directory."""
    home: Path
    """``<root>/.mcp-iac/sandbox``: logs, the emulator's state, the Docker engine's files."""
    previous: Mapping[str, Any]
    """Ports and credentials of the last ``up`` (reused, so mcp-iac.yaml stays the same)."""
    environ: Mapping[str, str]
    base_image: Callable[[str], str] | None = None
    """Given a Docker host, loads the demo's base image into it and returns its tag."""


def _http_ok(url: str, *, headers: Mapping[str, str] | None = None, ctx: Any = None) -> bool:
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(
            request, timeout=1, context=ctx
        ) as response:  # loopback URL we built
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start_moto(ctx: Context) -> Started:
    """moto's server (a stateful emulator of the AWS APIs) on 127.0.0.1."""
    try:
        import moto  # noqa: F401, PLC0415  # only to say clearly that it is missing
    except ImportError:
        raise SandboxError(
            "aws: moto is not installed", hint="pip install 'moto[server]==5.2.5'"
        ) from None
    port = free_port(ctx.previous.get("aws", {}).get("port"))
    argv = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    env = {**ctx.environ, "MOTO_ACM_VALIDATION_WAIT": "1"}
    rec = start("aws (moto)", argv, log=ctx.home / "moto.log", cwd=ctx.home, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_ready(rec, lambda: _http_ok(f"{url}/moto-api/"), timeout=30, what=f"GET {url}/moto-api/")
    return Started(
        "aws",
        rec,
        {
            "AWS_ENDPOINT_URL": url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
        },
        port=port,
        note=f"moto server at {url}",
    )


def start_opnsense(ctx: Context) -> Started:
    """The project's OPNsense API emulator over HTTPS, its state kept in the sandbox dir."""
    before = ctx.previous.get("opnsense", {})
    port = free_port(before.get("port"))
    key = before.get("key") or secrets.token_hex(16)
    secret = before.get("secret") or secrets.token_hex(24)
    ca = ctx.home / "opnsense-ca.pem"
    argv = [
        sys.executable,
        "-m",
        "mcp_iac.emulators.opnsense",
        "--port",
        str(port),
        "--version",
        OPNSENSE_VERSION,
        "--key",
        key,
        "--secret",
        secret,
        "--state",
        str(ctx.home / "opnsense-state.json"),
        "--ca-out",
        str(ca),
    ]
    rec = start("opnsense (emulator)", argv, log=ctx.home / "opnsense.log", cwd=ctx.home)
    url = f"https://127.0.0.1:{port}"
    auth = base64.b64encode(f"{key}:{secret}".encode()).decode()

    def ready() -> bool:
        if not ca.exists():
            return False
        tls = ssl.create_default_context(cafile=str(ca))
        return _http_ok(
            f"{url}/api/core/firmware/info", headers={"Authorization": f"Basic {auth}"}, ctx=tls
        )

    wait_ready(rec, ready, timeout=30, what=f"GET {url}/api/core/firmware/info")
    return Started(
        "opnsense",
        rec,
        {
            "OPNSENSE_URL": url,
            "OPNSENSE_API_KEY": key,
            "OPNSENSE_API_SECRET": secret,
            "OPNSENSE_CA_BUNDLE": str(ca),
        },
        port=port,
        note=f"OPNsense {OPNSENSE_VERSION} emulator at {url}",
        extra={"key": key, "secret": secret},
    )


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=2)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(2)
        sock.connect(self._path)
        self.sock = sock


def docker_ping(host: str) -> bool:
    """Whether a Docker engine answers ``/_ping`` at ``host`` (``unix://...`` or ``tcp://``
    on loopback)."""
    if host.startswith("unix://"):
        path = host.removeprefix("unix://")
        if not Path(path).exists():
            return False
        conn = _UnixHTTPConnection(path)
        try:
            conn.request("GET", "/_ping")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()
    if host.startswith("tcp://"):
        return _http_ok("http://" + host.removeprefix("tcp://") + "/_ping")
    return False


DEFAULT_POOL = "198.18.0.0/15"
"""Where networks made without a subnet get one: the benchmark range, never a private one."""


def dockerd_command(
    dockerd: str,
    *,
    config: Path,
    data_root: Path,
    exec_root: Path,
    pidfile: Path,
    host: str,
    pool: str = DEFAULT_POOL,
) -> list[str]:
    """A private ``dockerd``: its own config file, no ``docker0`` bridge, no iptables rules,
    everything under the given paths, listening only on ``host``."""
    return [
        dockerd,
        f"--config-file={config}",
        "--iptables=false",
        "--ip6tables=false",
        "--bridge=none",
        "--storage-driver=overlay2",
        f"--default-address-pool=base={pool},size=24",
        f"--data-root={data_root}",
        f"--exec-root={exec_root}",
        f"--pidfile={pidfile}",
        "-H",
        host,
    ]


def start_docker(ctx: Context) -> Started:
    """A reachable Docker engine: ``DOCKER_HOST`` or the system socket if one answers, else a
    private ``dockerd`` (no bridge, no iptables) with its files under the sandbox dir."""
    existing = ctx.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    if docker_ping(existing):
        return Started(
            "docker", None, {"DOCKER_HOST": existing}, note=f"existing engine at {existing}"
        )
    dockerd = shutil.which("dockerd", path=ctx.environ.get("PATH"))
    if dockerd is None:
        raise SandboxError(
            f"docker: no engine answers at {existing} and dockerd is not installed",
            hint="install Docker (Debian: apt-get install -y docker.io) or set DOCKER_HOST",
        )
    if os.geteuid() != 0:
        raise SandboxError(
            f"docker: no engine answers at {existing}, and a private dockerd needs root",
            hint="run the sandbox as root, or start Docker and set DOCKER_HOST",
        )
    d = ctx.home / "docker"
    # Unix socket paths are limited to 108 bytes, and containerd's lives under the exec root:
    # the sockets go in a short per-project directory, the images and layers under ``d``.
    run = Path("/tmp") / f"mcp-iac-{hashlib.sha1(str(d.resolve()).encode()).hexdigest()[:12]}"
    for path in (d / "data", run / "exec"):
        path.mkdir(parents=True, exist_ok=True)
    (d / "daemon.json").write_text("{}\n", encoding="utf-8")  # not /etc/docker/daemon.json
    sock = run / "docker.sock"
    host = f"unix://{sock}"
    argv = dockerd_command(
        dockerd,
        config=d / "daemon.json",
        data_root=d / "data",
        exec_root=run / "exec",
        pidfile=run / "dockerd.pid",
        host=host,
    )
    rec = start("docker (private dockerd)", argv, log=ctx.home / "dockerd.log", cwd=ctx.home)
    try:
        wait_ready(rec, lambda: docker_ping(host), timeout=60, what=f"GET {host} /_ping")
    except SandboxError:
        unmount_under(d)
        unmount_under(run)
        raise
    note = f"private dockerd at {host}"
    if ctx.base_image is not None:
        note += f"; base image {ctx.base_image(host)}"
    return Started(
        "docker", rec, {"DOCKER_HOST": host}, note=note, extra={"roots": [str(d), str(run)]}
    )


def unmount_under(root: Path) -> None:
    """Unmount what a stopped dockerd left mounted under its own directory (its data root,
    netns files), deepest first."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    prefix = str(root.resolve())
    points = [p[1] for p in (m.split() for m in mounts) if len(p) > 1]
    for point in sorted(
        (p for p in points if p == prefix or p.startswith(prefix + "/")), key=len, reverse=True
    ):
        subprocess.run(["umount", "-l", point], check=False, capture_output=True)


STARTERS: dict[str, Callable[[Context], Started]] = {
    "opnsense": start_opnsense,
    "aws": start_moto,
    "docker": start_docker,
}
