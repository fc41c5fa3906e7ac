"""``Aws``: boto3 clients per service, calls in worker threads, bounded waits.

boto3 is synchronous. Every call runs in a worker thread under one capacity limiter (so a slow
call never stalls the server, and at most ``max_concurrency`` run at once); clients are made
once per service and shared (boto3 clients are thread-safe, making them is not, hence the
lock). Every botocore exception is translated here, by ``_errors.translate``.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import boto3
from botocore.config import Config

from mcp_iac.core import ProviderError

from ._errors import AwsError, Subject, translate
from ._settings import Settings

T = TypeVar("T")
Raw = dict[str, Any]
"""An AWS answer as boto3 returns it."""

_FIRST_POLL = 0.1


class Aws:
    """The provider's connection to AWS: a boto3 session and its clients."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._session: Any = None
        self._clients: dict[str, Any] = {}
        self._region: str | None = None
        self._lock = threading.Lock()
        self._limiter = anyio.CapacityLimiter(settings.max_concurrency)
        self._config = Config(
            retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=10,
            read_timeout=60,
            user_agent_extra="mcp-iac",
        )

    def _make_session(self) -> Any:
        s = self.settings
        kwargs: dict[str, Any] = {}
        if s.profile:
            kwargs["profile_name"] = s.profile
        if s.region:
            kwargs["region_name"] = s.region
        if s.explicit_credentials:
            assert s.secret_access_key is not None  # explicit_credentials says so
            kwargs["aws_access_key_id"] = s.access_key_id
            kwargs["aws_secret_access_key"] = s.secret_access_key.get_secret_value()
            if s.session_token is not None:
                kwargs["aws_session_token"] = s.session_token.get_secret_value()
        return boto3.session.Session(**kwargs)

    def client(self, service: str) -> Any:
        """The shared client of ``service`` (``ec2``, ``elbv2``...), made on first use.

        Raises:
            AwsError: the session cannot be made (unknown profile, no region).
        """
        with self._lock:
            found = self._clients.get(service)
            if found is not None:
                return found
            subject = Subject(f"aws provider ({service})")
            try:
                if self._session is None:
                    self._session = self._make_session()
                made = self._session.client(
                    service, endpoint_url=self.settings.endpoint_url, config=self._config
                )
            except Exception as exc:  # the boundary: botocore's errors become AwsError
                raise translate(exc, action="connect", subject=subject) from exc
            self._clients[service] = made
            self._region = str(made.meta.region_name)
            return made

    @property
    def region(self) -> str:
        """The region calls go to (after the profile and the environment had their say).

        Known once any client exists (every handler has made a call before it needs this).
        """
        return self._region or str(self.client("sts").meta.region_name)

    def _run(self, service: str, operation: str, subject: Subject, params: Raw) -> Raw:
        client = self.client(service)
        try:
            result: Raw = getattr(client, operation)(**params)
        except Exception as exc:  # the boundary: every botocore error is translated here
            raise translate(exc, action=operation, subject=subject) from exc
        result.pop("ResponseMetadata", None)
        return result

    async def call(
        self, service: str, operation: str, /, *, subject: Subject, **params: Any
    ) -> Raw:
        """``client(service).<operation>(**params)`` in a worker thread.

        Raises:
            AwsError: what AWS (or reaching it) said, translated.
        """
        fn = functools.partial(self._run, service, operation, subject, params)
        return await anyio.to_thread.run_sync(fn, limiter=self._limiter)

    def _pages(
        self, service: str, operation: str, key: str, subject: Subject, params: Raw
    ) -> list[Any]:
        client = self.client(service)
        items: list[Any] = []
        try:
            for page in client.get_paginator(operation).paginate(**params):
                items.extend(page.get(key, []))
        except Exception as exc:  # the boundary, as in _run
            raise translate(exc, action=operation, subject=subject) from exc
        return items

    async def paginate(
        self, service: str, operation: str, key: str, /, *, subject: Subject, **params: Any
    ) -> list[Any]:
        """Every item under ``key`` of every page of ``operation``.

        Raises:
            AwsError: as :meth:`call`.
        """
        fn = functools.partial(self._pages, service, operation, key, subject, params)
        return await anyio.to_thread.run_sync(fn, limiter=self._limiter)

    async def wait_for(
        self,
        what: str,
        probe: Callable[[], Awaitable[T | None]],
        *,
        timeout: float | None = None,
    ) -> T:
        """Poll ``probe`` until it returns something other than None, and return that.

        Pauses grow from 0.1 s to ``poll_interval``; the wait is bounded by ``timeout``
        (default: the settings' ``wait_timeout``). ``probe`` raises to stop waiting with an
        error (the object failed, or vanished).

        Raises:
            ProviderError: ``TIMEOUT`` (retryable) naming ``what`` when time runs out, or what
                ``probe`` raised.
        """
        limit = self.settings.wait_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        pause = _FIRST_POLL
        while True:
            found = await probe()
            if found is not None:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                raise AwsError(
                    "TIMEOUT",
                    f"{what}: still not ready after {limit:g}s; a retried create or update "
                    "resumes waiting (raise MCP_IAC_AWS_WAIT_TIMEOUT and the resource's "
                    "timeoutSeconds for slow resources)",
                    aws_code="WaitTimeout",
                )
            await anyio.sleep(min(pause, left))
            pause = min(pause * 2, self.settings.poll_interval)


def is_gone(exc: ProviderError) -> bool:
    """True when ``exc`` says the object does not exist."""
    return exc.code == "NOT_FOUND"
