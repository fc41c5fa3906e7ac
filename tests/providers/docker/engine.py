"""A private Docker engine for tests, demos and the sandbox, and a locally built base image.

``PrivateDockerd(root)`` runs ``dockerd`` with its files under ``root`` (data root, config
file, log; the exec root, unix socket and pid file too, unless ``root`` is too long for unix
socket paths: then under ``run_dir``, a short directory in /tmp), no ``docker0`` bridge, no
iptables rules, and a default address pool inside 198.18.0.0/15; it never touches a system
engine or socket. ``start()`` waits (bounded) until ``/_ping`` answers; ``stop()`` ends the
daemon by its PID and unmounts what it left mounted under its directories.

``ensure_base_image(client)`` gives the engine ``local/busybox:1`` without any registry (it is
the sandbox's, :mod:`mcp_iac.sandbox`, re-exported here for the tests).

Written to move as is into a sandbox module: it imports only the standard library (and takes a
docker SDK client as an argument).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from mcp_iac.sandbox import (
    BASE_IMAGE,
    DEFAULT_POOL,
    busybox_rootfs,
    docker_ping,
    dockerd_command,
    ensure_base_image,
)
from mcp_iac.sandbox._image import APPLETS

__all__ = [
    "APPLETS",
    "BASE_IMAGE",
    "DEFAULT_POOL",
    "DockerdError",
    "PrivateDockerd",
    "busybox_rootfs",
    "ensure_base_image",
]


class DockerdError(RuntimeError):
    """The private engine could not start (the message says why and where its log is)."""


def _ping(sock_path: Path) -> bool:
    """Whether the engine at ``sock_path`` answers ``/_ping`` (the sandbox's probe)."""
    return docker_ping(f"unix://{sock_path}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    # A zombie child (exited, not yet reaped) is not alive for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _mounts_under(root: Path) -> list[str]:
    """Mount points at or below ``root`` (deepest first)."""
    prefix = str(root.resolve())
    found = []
    with open("/proc/self/mountinfo") as info:
        for line in info:
            point = line.split()[4].encode().decode("unicode_escape")
            if point == prefix or point.startswith(prefix + "/"):
                found.append(point)
    return sorted(found, key=len, reverse=True)


class PrivateDockerd:
    """A ``dockerd`` of our own under ``root``; see the module docstring.

    ``default_pool`` is the address pool for networks created without a subnet (tests always
    give one; this keeps the fallback inside 198.18.0.0/15 too).
    """

    def __init__(
        self,
        root: Path,
        *,
        dockerd: str = "dockerd",
        default_pool: str = DEFAULT_POOL,
        start_timeout: float = 30.0,
        stop_timeout: float = 30.0,
    ) -> None:
        self.root = Path(os.path.abspath(root))
        self.dockerd = dockerd
        self.default_pool = default_pool
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.process: subprocess.Popen[bytes] | None = None
        # Unix socket paths hold at most 108 bytes, and containerd's sockets live deep in the
        # exec root: under a long root, the sockets go to a short directory of their own.
        self.run_dir = self.root
        if len(str(self.root)) > 40:
            digest = hashlib.sha1(str(self.root).encode()).hexdigest()[:12]
            self.run_dir = Path(tempfile.gettempdir()) / f"mcp-iac-dockerd-{digest}"

    @property
    def socket_path(self) -> Path:
        return self.run_dir / "docker.sock"

    @property
    def docker_host(self) -> str:
        """The ``DOCKER_HOST`` URL of this engine: ``unix://<root>/docker.sock``."""
        return f"unix://{self.socket_path}"

    @property
    def exec_root(self) -> Path:
        return self.run_dir / "exec"

    @property
    def log_path(self) -> Path:
        return self.root / "dockerd.log"

    @property
    def pid(self) -> int | None:
        """The daemon's PID while it runs (ours), else None."""
        if self.process is None or self.process.poll() is not None:
            return None
        return self.process.pid

    def command(self) -> list[str]:
        """The dockerd command line (the sandbox's)."""
        return dockerd_command(
            self.dockerd,
            config=self.root / "daemon.json",
            data_root=self.root / "data",
            exec_root=self.exec_root,
            pidfile=self.run_dir / "dockerd.pid",
            host=self.docker_host,
            pool=self.default_pool,
        )

    def start(self) -> None:
        """Start the daemon and wait until ``/_ping`` answers (at most ``start_timeout``).

        Raises:
            DockerdError: ``dockerd`` is not installed, exits, or does not answer in time (the
                daemon is stopped again and the message quotes its log).
        """
        if self.process is not None:
            raise DockerdError(f"the engine under {self.root} is already started")
        if shutil.which(self.dockerd) is None:
            raise DockerdError(
                f"'{self.dockerd}' is not installed (Debian: apt-get install -y docker.io)"
            )
        self.root.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        # An empty config file of our own: /etc/docker/daemon.json must not apply.
        (self.root / "daemon.json").write_text("{}\n")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C in the terminal does not reach it first
            )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise DockerdError(
                    f"dockerd exited with status {self.process.returncode}:\n{self._tail()}"
                )
            if self.socket_path.exists() and _ping(self.socket_path):
                return
            time.sleep(0.05)
        self.stop()
        raise DockerdError(
            f"dockerd did not answer on {self.socket_path} within {self.start_timeout:g} s:\n"
            f"{self._tail()}"
        )

    def _tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:]) + f"\n(log: {self.log_path})"

    def _containerd_pid(self) -> int | None:
        pidfile = self.exec_root / "containerd" / "containerd.pid"
        try:
            return int(pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Stop the daemon by PID (SIGTERM, then SIGKILL after ``stop_timeout``), then the
        containerd it started if that outlived it, then unmount what is left under ``root``
        (``<exec-root>/netns/default`` and the like). Safe to call twice."""
        process, self.process = self.process, None
        containerd = self._containerd_pid()
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if containerd is not None and _alive(containerd):
            # Started by our dockerd (its pid file is under our exec root): ours to end.
            os.kill(containerd, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while _alive(containerd) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(containerd):
                os.kill(containerd, signal.SIGKILL)
        for top in {self.root, self.run_dir}:
            for point in _mounts_under(top):
                subprocess.run(["umount", "-l", point], check=False, capture_output=True)
        if self.run_dir != self.root:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> PrivateDockerd:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
