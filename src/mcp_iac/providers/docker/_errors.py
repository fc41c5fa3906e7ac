"""The one place docker SDK (and ``requests``) exceptions become ``ProviderError``.

::

    docker.errors.BuildError        -> VALIDATION, with the tail of the build log
    docker.errors.ImageNotFound     -> NOT_FOUND, or VALIDATION where an image is an input
    docker.errors.NotFound (404)    -> NOT_FOUND
    docker.errors.APIError 400      -> VALIDATION
                           401      -> UNAUTHORIZED
                           403, 409 -> CONFLICT (the engine refuses in its current state)
                           5xx      -> UNAVAILABLE, retryable; but registry credentials
                                       refused -> UNAUTHORIZED and a port already taken ->
                                       CONFLICT, not retryable
    docker.errors.InvalidArgument   -> VALIDATION
    requests Timeout                -> TIMEOUT (retryable)
    requests ConnectionError,
    other DockerException           -> UNAVAILABLE (retryable): the engine cannot be reached

Errors reported inside a build, pull or push stream (not as an HTTP status) go through
:func:`stream_error`. Callers chain with ``raise translate(...) from exc``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import requests
from docker import errors as docker_errors

from mcp_iac.core import ProviderError

NO_REGISTRY_HINT = (
    "the engine has no such image; nothing is pulled implicitly and a registry may not be "
    "reachable from it: build it (docker:image:build), pull it from a registry the engine can "
    "reach (docker:image:pull), or load it into the engine (docker load / docker import)"
)

_AUTH_MARKERS = (
    "no basic auth credentials",
    "unauthorized",
    "authentication required",
    "denied: requested access",
    "incorrect username or password",
)
_UNREACHABLE_MARKERS = (
    "connection refused",
    "no such host",
    "i/o timeout",
    "dial tcp",
    "tls handshake timeout",
    "network is unreachable",
)
_TAKEN_MARKERS = ("port is already allocated", "address already in use")

BUILD_LOG_TAIL = 15

DOCKER_ERRORS: tuple[type[BaseException], ...] = (
    docker_errors.DockerException,
    requests.exceptions.RequestException,
)
"""What ``translate`` understands: catch exactly these around docker SDK calls."""


def _explanation(exc: BaseException) -> str:
    text = getattr(exc, "explanation", None)
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return str(text or exc).strip()


def _classify_message(message: str) -> tuple[str, bool] | None:
    """A code for messages that say more than their HTTP status (registry and port errors)."""
    lowered = message.lower()
    if any(m in lowered for m in _AUTH_MARKERS):
        return "UNAUTHORIZED", False
    if any(m in lowered for m in _TAKEN_MARKERS):
        return "CONFLICT", False
    if any(m in lowered for m in _UNREACHABLE_MARKERS):
        return "UNAVAILABLE", True
    return None


def _build_log_tail(log: Iterable[Mapping[str, Any]]) -> str:
    lines: list[str] = []
    for chunk in log:
        text = chunk.get("stream") or chunk.get("error") or ""
        lines.extend(line for line in str(text).splitlines() if line.strip())
    return "\n".join(lines[-BUILD_LOG_TAIL:])


def translate(
    exc: BaseException,
    subject: str,
    *,
    engine: str,
    missing_image: Literal["NOT_FOUND", "VALIDATION"] = "NOT_FOUND",
) -> ProviderError:
    """The ``ProviderError`` for a docker SDK failure about ``subject`` (e.g.
    ``docker:container 'web'``); ``engine`` is the engine's URL, for connection errors;
    ``missing_image="VALIDATION"`` where a missing image is the caller's mistake."""
    if isinstance(exc, docker_errors.BuildError):
        tail = _build_log_tail(exc.build_log)
        return ProviderError(
            "VALIDATION",
            f"{subject}: the build failed: {exc.msg}"
            + (f"\nlast lines of the build log:\n{tail}" if tail else ""),
            details={"build_log_tail": tail},
        )
    if isinstance(exc, docker_errors.ImageNotFound):
        message = f"{subject}: {_explanation(exc)}"
        if missing_image == "VALIDATION":
            return ProviderError("VALIDATION", f"{message}; {NO_REGISTRY_HINT}")
        return ProviderError("NOT_FOUND", message)
    if isinstance(exc, docker_errors.APIError):
        return _api_error(exc, subject)
    if isinstance(exc, docker_errors.InvalidArgument):
        return ProviderError("VALIDATION", f"{subject}: {_explanation(exc)}")
    if isinstance(exc, requests.exceptions.Timeout):
        return ProviderError(
            "TIMEOUT", f"{subject}: the Docker engine at {engine} did not answer in time"
        )
    if isinstance(exc, requests.exceptions.RequestException | docker_errors.DockerException):
        return ProviderError(
            "UNAVAILABLE",
            f"{subject}: cannot reach the Docker engine at {engine}: {_explanation(exc)} "
            "(is dockerd running, and is DOCKER_HOST right?)",
        )
    return ProviderError("INTERNAL", f"{subject}: {exc}")


def _api_error(exc: docker_errors.APIError, subject: str) -> ProviderError:
    status = exc.status_code or 500
    message = f"{subject}: {_explanation(exc)}"
    if status == 404:
        return ProviderError("NOT_FOUND", message)
    if status == 400:
        return ProviderError("VALIDATION", message)
    if status == 401:
        return ProviderError("UNAUTHORIZED", message)
    if status in (403, 409):
        return ProviderError("CONFLICT", message)
    classified = _classify_message(message)
    if classified is not None:
        code, retryable = classified
        return ProviderError(code, message, retryable=retryable)
    if status >= 500:
        return ProviderError("UNAVAILABLE", message, retryable=True)
    return ProviderError("INTERNAL", message)


def stream_error(subject: str, message: str) -> ProviderError:
    """The ``ProviderError`` for an error reported inside a pull or push progress stream."""
    text = f"{subject}: {message.strip()}"
    classified = _classify_message(message)
    if classified is not None:
        code, retryable = classified
        return ProviderError(code, text, retryable=retryable)
    lowered = message.lower()
    if "manifest unknown" in lowered or "not found" in lowered:
        return ProviderError("NOT_FOUND", text)
    return ProviderError("INTERNAL", text)
