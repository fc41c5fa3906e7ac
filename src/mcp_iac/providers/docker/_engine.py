"""``Engine``: the docker SDK client, called from worker threads, errors translated.

The docker SDK is synchronous: every call runs in a worker thread
(``anyio.to_thread.run_sync``) under one capacity limiter, so a slow build never stalls the
event loop and the engine never sees more than ``Settings.concurrency`` calls at once.

The engine's API version is asked once, on first use (so the provider starts, and answers
``iac_health`` with a clear error, while the engine is down). Each call then gets a client of
its own, closed when the call ends: nothing holds a connection between calls, so a provider
that is dropped leaves no socket behind (the provider SDK has no shutdown hook), and a client
costs well under a millisecond to make.
"""

from __future__ import annotations

import functools
import socket
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import anyio
import anyio.to_thread
import docker
import requests
from docker.utils import kwargs_from_env

from mcp_iac.core import ProviderError

from ._errors import DOCKER_ERRORS, translate
from ._settings import Settings

T = TypeVar("T")


class Engine:
    """One Docker engine, as ``Settings`` describe it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.limiter = anyio.CapacityLimiter(settings.concurrency)
        self._lock = anyio.Lock()
        self._api_version: str | None = None

    def _make_client(self, version: str, long: bool) -> Any:
        s = self.settings
        env: dict[str, str] = {}
        if s.docker_host:
            env["DOCKER_HOST"] = s.docker_host
        if s.tls_verify:
            env["DOCKER_TLS_VERIFY"] = "1"
        if s.cert_path is not None:
            env["DOCKER_CERT_PATH"] = str(s.cert_path)
        timeout = s.build_timeout if long else s.timeout
        return docker.DockerClient(
            version=version, timeout=int(max(1, timeout)), **kwargs_from_env(environment=env)
        )

    def _check_socket(self) -> None:
        """For a ``unix://`` engine, connect once ourselves first: the docker SDK leaves the
        socket of a failed connect for the garbage collector to close."""
        host = self.settings.docker_host or "unix:///var/run/docker.sock"
        if not host.startswith("unix://"):
            return
        path = host[len("unix://") :]
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(self.settings.timeout)
            try:
                probe.connect(path)
            except OSError as exc:
                raise requests.exceptions.ConnectionError(
                    f"cannot connect to {path}: {exc.strerror or exc}"
                ) from exc

    def _negotiate(self) -> str:
        self._check_socket()
        client = self._make_client("auto", long=False)
        try:
            return str(client.api.api_version)
        finally:
            client.close()

    async def _version(self, subject: str) -> str:
        if self._api_version is None:
            async with self._lock:
                if self._api_version is None:
                    try:
                        self._api_version = await anyio.to_thread.run_sync(
                            self._negotiate, limiter=self.limiter
                        )
                    except DOCKER_ERRORS as exc:
                        raise translate(exc, subject, engine=self.settings.engine) from exc
        return self._api_version

    def _call(self, version: str, long: bool, fn: Callable[..., T], *args: Any) -> T:
        self._check_socket()
        client = self._make_client(version, long)
        try:
            return fn(client, *args)
        finally:
            client.close()

    async def run(
        self,
        fn: Callable[..., T],
        *args: Any,
        subject: str,
        long: bool = False,
        missing_image: Literal["NOT_FOUND", "VALIDATION"] = "NOT_FOUND",
    ) -> T:
        """``fn(client, *args)`` in a worker thread with a client of its own; ``long`` for
        builds, pulls and pushes (the longer timeout).

        Raises:
            ProviderError: what the docker SDK raised, translated (see ``_errors``), and
                whatever ``fn`` raises as a ``ProviderError`` itself.
        """
        version = await self._version(subject)
        try:
            return await anyio.to_thread.run_sync(
                functools.partial(self._call, version, long, fn, *args), limiter=self.limiter
            )
        except ProviderError:
            raise
        except DOCKER_ERRORS as exc:
            raise translate(
                exc, subject, engine=self.settings.engine, missing_image=missing_image
            ) from exc

    async def blocking(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker thread under the same limiter (file I/O; no engine)."""
        return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=self.limiter)

    async def version(self) -> str:
        """``Docker Engine 20.10.24 (API 1.41)``.

        Raises:
            ProviderError: ``UNAVAILABLE`` when the engine cannot be reached.
        """
        info: dict[str, Any] = await self.run(lambda c: c.version(), subject="docker engine")
        return f"Docker Engine {info.get('Version', '?')} (API {info.get('ApiVersion', '?')})"
