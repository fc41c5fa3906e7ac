"""``Engine``: the docker SDK client, called from worker threads, errors translated.

The docker SDK is synchronous: every call runs in a worker thread
(``anyio.to_thread.run_sync``) under one capacity limiter, so a slow build never stalls the
event loop and the engine never sees more than ``Settings.concurrency`` calls at once. The
clients are made on first use (making one asks the engine for its API version), so the provider
starts, and answers ``iac_health`` with a clear error, while the engine is down.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import anyio
import anyio.to_thread
import docker
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
        self._clients: dict[bool, Any] = {}

    def _make_client(self, long: bool) -> Any:
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
            version="auto", timeout=int(max(1, timeout)), **kwargs_from_env(environment=env)
        )

    async def _client(self, long: bool, subject: str) -> Any:
        client = self._clients.get(long)
        if client is not None:
            return client
        async with self._lock:
            client = self._clients.get(long)
            if client is None:
                try:
                    client = await anyio.to_thread.run_sync(
                        self._make_client, long, limiter=self.limiter
                    )
                except DOCKER_ERRORS as exc:
                    raise translate(exc, subject, engine=self.settings.engine) from exc
                self._clients[long] = client
        return client

    async def run(
        self,
        fn: Callable[..., T],
        *args: Any,
        subject: str,
        long: bool = False,
        missing_image: Literal["NOT_FOUND", "VALIDATION"] = "NOT_FOUND",
    ) -> T:
        """``fn(client, *args)`` in a worker thread; ``long`` for builds, pulls and pushes (the
        longer timeout).

        Raises:
            ProviderError: what the docker SDK raised, translated (see ``_errors``), and
                whatever ``fn`` raises as a ``ProviderError`` itself.
        """
        client = await self._client(long, subject)
        try:
            return await anyio.to_thread.run_sync(
                functools.partial(fn, client, *args), limiter=self.limiter
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

    def close(self) -> None:
        """Close the clients' connections (they are made again on the next call)."""
        clients, self._clients = self._clients, {}
        for client in clients.values():
            client.close()
