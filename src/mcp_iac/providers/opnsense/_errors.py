"""Everything that can go wrong talking to OPNsense, as iac/1 ``ProviderError`` codes.

The one place that knows httpx2's exceptions and OPNsense's error bodies:

- transport: connection refused/reset → ``UNAVAILABLE`` (retryable), an untrusted TLS
  certificate → ``UNAVAILABLE`` (not retryable, says how to trust it), no answer in time →
  ``TIMEOUT`` (retryable);
- HTTP status: 401 and 403 → ``UNAUTHORIZED``; 404 (``Endpoint not found``: this firmware or
  a missing plugin lacks the endpoint) → ``VALIDATION``, never ``NOT_FOUND``, which iac/1
  reserves for a missing *object* (a delete would count it as done); 429 → ``RATE_LIMITED``;
  500 with an ``errorTitle`` (OPNsense's ``UserException``: "in use", "assigned") →
  ``CONFLICT``; other 5xx → ``UNAVAILABLE`` (retryable); 400 → ``INTERNAL`` (a malformed
  request is a provider bug);
- HTTP 200 with ``"result": "failed"`` and ``validations`` → ``VALIDATION`` naming the
  user's property paths (``CONFLICT`` when every message is about uniqueness).
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Mapping
from typing import Any

import httpx2

from mcp_iac.core import ProviderError

from ._endpoints import Endpoint
from ._settings import ENV_API_KEY, ENV_API_SECRET, ENV_CA_BUNDLE, ENV_TIMEOUT, ENV_VERIFY_TLS
from ._version import NEWEST_SUPPORTED, OLDEST_SUPPORTED, Version

_GENERIC_500 = "Unexpected error"
_UNIQUE = re.compile(r"unique|already exists?\b|already in use|duplicate", re.IGNORECASE)
"""Uniqueness messages (``This username already exist.`` is the user model's spelling)."""


def transport_error(exc: httpx2.HTTPError, *, url: str, endpoint: Endpoint) -> ProviderError:
    """A request that got no HTTP answer."""
    where = f"{endpoint.method} {url}{endpoint.path}"
    if isinstance(exc, httpx2.TimeoutException):
        return ProviderError(
            "TIMEOUT",
            f"{where}: OPNsense did not answer in time ({type(exc).__name__}); "
            f"raise {ENV_TIMEOUT} if the firewall is slow",
        )
    if _untrusted(exc):
        return ProviderError(
            "UNAVAILABLE",
            f"{url}: the firewall's TLS certificate is not trusted ({_cause(exc)}); set "
            f"{ENV_CA_BUNDLE} to a PEM file with the CA that signed it (or, on a network you "
            f"control, {ENV_VERIFY_TLS}=false)",
            retryable=False,
        )
    return ProviderError(
        "UNAVAILABLE", f"{where}: cannot reach OPNsense: {_cause(exc) or type(exc).__name__}"
    )


def http_error(
    status: int,
    body: Any,
    *,
    url: str,
    endpoint: Endpoint,
    version: Version | None,
) -> ProviderError:
    """An HTTP error status, with OPNsense's body (parsed JSON, or None)."""
    path = endpoint.path
    said = _said(body)
    if status == 401:
        return ProviderError(
            "UNAUTHORIZED",
            f"{url} rejected the API key (401 {said or 'Authentication Failed'}); check "
            f"{ENV_API_KEY} and {ENV_API_SECRET}: an API key pair made under System > Access > "
            "Users > API keys",
        )
    if status == 403:
        return ProviderError(
            "UNAUTHORIZED",
            f"forbidden: the API key lacks privilege for {path} on {url} (403); give the key's "
            f"user a privilege that covers '{path.removeprefix('/')}' (System > Access > Users "
            "> Privileges), or use a key of an administrator",
        )
    if status == 404:
        return ProviderError(
            "VALIDATION",
            missing_endpoint(url=url, endpoint=endpoint, version=version),
            details={"missing_endpoint": path, "plugin": endpoint.plugin},
        )
    if status == 429:
        return ProviderError("RATE_LIMITED", f"{url}{path}: OPNsense asks to slow down (429)")
    if status == 400:
        return ProviderError(
            "INTERNAL",
            f"{url}{path} refused the request as malformed (400 {said}); this is a bug in the "
            "opnsense provider",
        )
    if status >= 500:
        title = body.get("errorTitle") if isinstance(body, Mapping) else None
        if title is not None or (said and not said.startswith(_GENERIC_500)):
            # A UserException: OPNsense refuses because of the object's state.
            prefix = f"{title}: " if title and title not in said else ""
            return ProviderError("CONFLICT", f"{url} refused: {prefix}{said}")
        return ProviderError(
            "UNAVAILABLE",
            f"{url}{path} failed on the firewall ({status} {said or 'server error'}); the "
            "system log of the firewall says why",
        )
    return ProviderError("INTERNAL", f"{url}{path} answered with HTTP {status}: {said}")


def missing_endpoint(*, url: str, endpoint: Endpoint, version: Version | None) -> str:
    """Why ``endpoint`` is not on the firewall, and what to do about it."""
    path = endpoint.path
    if endpoint.plugin is not None:
        return (
            f"{url} has no {path}: the {endpoint.plugin} plugin is not installed; install "
            f"{endpoint.plugin} under System > Firmware > Plugins, then retry"
        )
    running = f"OPNsense {version}" if version is not None else "this firmware"
    if endpoint.since is not None and (version is None or version < endpoint.since):
        return (
            f"{url} has no {path}: it needs OPNsense {endpoint.since.series} or later, "
            f"{running} lacks it; upgrade the firewall"
        )
    return (
        f"{url} has no {path} (404 Endpoint not found): {running} probably lacks it; this "
        f"provider targets OPNsense {OLDEST_SUPPORTED} to {NEWEST_SUPPORTED}"
    )


def refused(
    subject: str,
    post_key: str,
    body: Mapping[str, Any],
    properties: Mapping[str, str],
) -> ProviderError:
    """A write OPNsense answered with ``"result": "failed"`` (HTTP 200).

    ``properties`` maps OPNsense field names (``tag``, ``destination.port``) to the user's
    property paths, so that the error names what the user wrote.
    """
    validations = body.get("validations")
    if not isinstance(validations, Mapping) or not validations:
        return ProviderError(
            "VALIDATION",
            f"{subject}: OPNsense refused the change without saying why (answer {dict(body)!r})",
        )
    details: list[dict[str, str]] = []
    parts: list[str] = []
    texts: list[str] = []
    for raw_field, raw_message in validations.items():
        field = str(raw_field).removeprefix(f"{post_key}.")
        message = _joined(raw_message)
        texts.append(message)
        prop = properties.get(field)
        if prop is not None:
            details.append({"path": prop, "message": message})
            parts.append(f"property '{prop}': {message}")
        else:
            details.append({"path": "", "message": f"OPNsense field '{field}': {message}"})
            parts.append(f"OPNsense field '{field}': {message}")
    code = "CONFLICT" if all(_UNIQUE.search(t) for t in texts) else "VALIDATION"
    return ProviderError(code, f"OPNsense rejected {subject}: {'; '.join(parts)}", details=details)


def missing_plugin(error: ProviderError) -> bool:
    """Whether ``error`` says a plugin's endpoint is not on the firewall."""
    details = error.details
    return isinstance(details, Mapping) and bool(details.get("plugin"))


def unexpected(subject: str, what: str, body: Any) -> ProviderError:
    """An answer of a shape OPNsense does not give for this request."""
    return ProviderError("INTERNAL", f"{subject}: unexpected answer to {what}: {body!r:.300}")


def _joined(message: Any) -> str:
    if isinstance(message, list):
        return " ".join(str(m) for m in message)
    return str(message)


def _said(body: Any) -> str:
    if isinstance(body, Mapping):
        for key in ("errorMessage", "message"):
            if isinstance(body.get(key), str):
                return " ".join(str(body[key]).split())
    return ""


def _untrusted(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _cause(exc: BaseException) -> str:
    text = str(exc)
    inner = exc.__cause__ or exc.__context__
    while not text and inner is not None:
        text, inner = str(inner), inner.__cause__ or inner.__context__
    return text
