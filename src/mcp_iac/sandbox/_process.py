"""Background processes the sandbox starts, and how it stops exactly those.

A process is remembered by PID *and* start time (``psutil``), so a PID the system has since
given to another program is never signalled.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import psutil
from pydantic import BaseModel, ConfigDict

from mcp_iac.core import IacError


class SandboxError(IacError):
    """A stand-in could not start or stop; the message says which and why."""

    exit_code = 1


class ProcessRecord(BaseModel):
    """A started process: enough to find it again and to tell the user what it is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    pid: int
    started: float
    """``psutil.Process(pid).create_time()`` when we started it."""
    argv: tuple[str, ...]
    log: str


def free_port(preferred: int | None = None) -> int:
    """``preferred`` if it can be bound on 127.0.0.1, else a free port the system picks."""
    for port in ((preferred,) if preferred else ()) + (0,):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            bound: int = sock.getsockname()[1]
            return bound
    raise SandboxError("no free TCP port on 127.0.0.1")


def start(
    name: str,
    argv: Sequence[str],
    *,
    log: Path,
    cwd: Path,
    env: Mapping[str, str] | None = None,
) -> ProcessRecord:
    """Start ``argv`` detached (its own session, output to ``log``); it outlives this process.

    ``argv[0]`` is looked up on the ``PATH`` of ``env``. Spawned without a ``Popen`` object on
    purpose: nothing here waits for it, and ``sandbox down`` may run in another process.
    """
    environ = dict(os.environ if env is None else env)
    program = shutil.which(argv[0], path=environ.get("PATH")) or argv[0]
    log.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    here = os.getcwd()
    try:
        os.chdir(cwd)  # posix_spawn has no cwd argument
        pid = os.posix_spawn(
            program,
            [program, *argv[1:]],
            environ,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, fd, 1),
                (os.POSIX_SPAWN_DUP2, fd, 2),
            ],
            setsid=True,
        )
    except OSError as exc:
        raise SandboxError(f"{name}: cannot run {argv[0]}: {exc.strerror}") from None
    finally:
        os.chdir(here)
        os.close(fd)
    try:
        started = psutil.Process(pid).create_time()
    except psutil.NoSuchProcess:
        started = 0.0
    return ProcessRecord(name=name, pid=pid, started=started, argv=tuple(argv), log=str(log))


def alive(rec: ProcessRecord) -> bool:
    """Whether the process ``rec`` describes is still running (the same process, not a reuse
    of its PID)."""
    try:
        proc = psutil.Process(rec.pid)
        return abs(proc.create_time() - rec.started) < 0.5 and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def wait_ready(rec: ProcessRecord, ready: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Poll ``ready`` until it is true; fail naming the process and its log if it exits or
    ``timeout`` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if not alive(rec):
            _reap(rec.pid)
            raise SandboxError(
                f"{rec.name} exited while starting ({what}); last lines of {rec.log}:\n"
                + tail(Path(rec.log))
            )
        time.sleep(0.05)
    stop(rec)
    raise SandboxError(
        f"{rec.name} did not answer within {timeout:.0f} s ({what}); last lines of {rec.log}:\n"
        + tail(Path(rec.log))
    )


def stop(rec: ProcessRecord, *, timeout: float = 15.0) -> bool:
    """SIGTERM the process (SIGKILL after ``timeout``); False if it was no longer running."""
    if not alive(rec):
        return False
    try:
        os.kill(rec.pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(rec):
            _reap(rec.pid)
            return True
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(rec.pid, signal.SIGKILL)
    _reap(rec.pid)
    return True


def _reap(pid: int) -> None:
    """Collect the exit status if the process was our child (no zombie left behind)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file (or a note that it is empty)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").rstrip()
    except OSError:
        return "  (no log)"
    return "\n".join("  " + line for line in text.splitlines()[-lines:]) or "  (empty log)"
