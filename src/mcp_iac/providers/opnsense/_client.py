"""``OpnsenseClient``: the REST calls the provider makes, over httpx2 (async).

Rules of OPNsense's API it follows (``docs/providers/opnsense.md``): HTTP Basic auth with the
key pair; GETs carry no body and no ``Content-Type`` (a JSON content type with an empty body
is a 400), POSTs always carry a JSON body (``{}`` when there is nothing to say); a write is
only done when the body says ``"result": "saved"``, whatever the status code; every write is
followed by the component's apply action. The firmware version is probed once
(``GET /api/core/firmware/info``) and gates components that newer releases brought.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import httpx2

from mcp_iac.core import ProviderError

from ._endpoints import BACKUPS, FIRMWARE_INFO, REVERT_BACKUP, Component, Endpoint
from ._errors import http_error, refused, transport_error, unexpected
from ._settings import Settings
from ._version import Version

_USER_AGENT = "mcp-iac-opnsense"
_SEARCH_ALL = {"current": 1, "rowCount": -1, "sort": {}, "searchPhrase": ""}
_FAILED = {"failed", "error"}


def tls_verification(settings: Settings) -> ssl.SSLContext | bool:
    """What httpx2 verifies the firewall's certificate with."""
    if not settings.verify_tls:
        return False
    if settings.ca_bundle is not None:
        return ssl.create_default_context(cafile=str(settings.ca_bundle))
    return True


class OpnsenseClient:
    """Async client of one firewall's REST API.

    Every method raises ``ProviderError`` (see ``_errors``) and nothing else on purpose.
    ``written`` collects the names of the components written to, for transactions.
    """

    def __init__(
        self, settings: Settings, *, transport: httpx2.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self.url = settings.url
        self.written: set[str] = set()
        self._transport = transport
        self._verify = tls_verification(settings)
        self._active: ContextVar[httpx2.AsyncClient | None] = ContextVar(
            f"opnsense-http-{id(self)}", default=None
        )
        self._version: Version | None = None
        self._plugins: dict[str, bool] = {}

    # --- transport -----------------------------------------------------------------------

    @asynccontextmanager
    async def session(self) -> AsyncIterator[None]:
        """Share one connection pool between the calls made inside (one operation's calls);
        it is closed on the way out, so nothing outlives the operation. Nests."""
        if self._active.get() is not None:
            yield
            return
        async with httpx2.AsyncClient(
            base_url=self.url,
            auth=httpx2.BasicAuth(
                self.settings.api_key.get_secret_value(),
                self.settings.api_secret.get_secret_value(),
            ),
            verify=self._verify,
            timeout=self.settings.timeout,
            headers={"User-Agent": _USER_AGENT, "Accept": "application/json"},
            transport=self._transport,
            follow_redirects=False,
        ) as http:
            token = self._active.set(http)
            try:
                yield
            finally:
                self._active.reset(token)

    async def call(
        self, endpoint: Endpoint, *args: str, body: Any = None, subject: str = ""
    ) -> Any:
        """Call ``endpoint`` (path parameters ``args``); the parsed JSON answer. Errors start
        with ``subject`` (what the call was for) when given.

        Raises:
            ProviderError: no answer, an HTTP error status, or an answer that is not JSON.
        """
        http = self._active.get()
        if http is None:
            async with self.session():
                return await self.call(endpoint, *args, body=body, subject=subject)
        try:
            return await self._call(http, endpoint, args, body)
        except ProviderError as exc:
            if not subject:
                raise
            raise ProviderError(
                exc.code, f"{subject}: {exc.reason}", retryable=exc.retryable, details=exc.details
            ) from exc

    async def _call(
        self, http: httpx2.AsyncClient, endpoint: Endpoint, args: tuple[str, ...], body: Any
    ) -> Any:
        path = endpoint.url_path(*args)
        try:
            if endpoint.method == "GET":
                response = await http.get(path)
            else:
                response = await http.post(path, json={} if body is None else body)
        except httpx2.HTTPError as exc:
            raise transport_error(exc, url=self.url, endpoint=endpoint) from exc
        try:
            parsed: Any = response.json()
        except ValueError:
            parsed = None
        if response.status_code != 200:
            raise http_error(
                response.status_code,
                parsed,
                url=self.url,
                endpoint=endpoint,
                version=self._version,
            )
        if parsed is None:
            raise unexpected(self.url, str(endpoint), response.text)
        return parsed

    # --- firmware ------------------------------------------------------------------------

    async def version(self) -> Version:
        """The firmware release, probed at first use (``core/firmware/info``) and kept.

        Raises:
            ProviderError: the probe failed, or the answer names no version.
        """
        if self._version is None:
            await self.probe()
        assert self._version is not None  # probe sets it or raises
        return self._version

    async def probe(self) -> Version:
        """Ask the firewall for its release now (the health check).

        Raises:
            ProviderError: the firewall cannot be reached, refuses the key, or names no
                version.
        """
        info = await self.call(FIRMWARE_INFO)
        text = info.get("product_version") if isinstance(info, Mapping) else None
        try:
            self._version = Version.parse(str(text))
        except ValueError as exc:
            raise unexpected(self.url, str(FIRMWARE_INFO), info) from exc
        plugins = info.get("plugin")
        if isinstance(plugins, list):
            self._plugins = {
                str(p["name"]): str(p.get("installed")) == "1"
                for p in plugins
                if isinstance(p, Mapping) and "name" in p
            }
        return self._version

    def plugin_installed(self, package: str) -> bool | None:
        """Whether the firmware probe listed plugin ``package`` as installed; None when it did
        not list it (an offline firewall lists no plugins: its endpoints then tell)."""
        return self._plugins.get(package)

    # --- MVC records ---------------------------------------------------------------------

    async def get_item(
        self, component: Component, uuid: str, *, subject: str = ""
    ) -> dict[str, Any] | None:
        """The record ``uuid`` with option fields as option maps; None when there is none."""
        answer = await self.call(component.get, uuid, subject=subject)
        if isinstance(answer, list) and not answer:  # OPNsense's way of saying "no such uuid"
            return None
        record = answer.get(component.post_key) if isinstance(answer, Mapping) else None
        if not isinstance(record, dict):
            raise unexpected(self.url, f"{component.get} for {uuid}", answer)
        if component.identity_field is not None and component.identity_field not in record:
            return None  # only what the controller adds to every answer: no such uuid
        return record

    async def template(
        self, endpoint: Endpoint, component: Component, *, subject: str
    ) -> dict[str, Any]:
        """A new record's defaults and option lists (``endpoint``: ``get`` without a uuid).

        Raises:
            ProviderError: the call failed, or the answer holds no record.
        """
        answer = await self.call(endpoint, subject=subject)
        record = answer.get(component.post_key) if isinstance(answer, Mapping) else None
        if not isinstance(record, dict):
            raise unexpected(self.url, str(endpoint), answer)
        return record

    async def set_item(
        self,
        component: Component,
        uuid: str,
        fields: Mapping[str, Any],
        *,
        subject: str,
        properties: Mapping[str, str],
    ) -> None:
        """Write record ``uuid`` (an upsert: an unknown uuid creates it with that uuid).

        Raises:
            ProviderError: ``VALIDATION``/``CONFLICT`` naming the user's properties when
                OPNsense rejects the values.
        """
        answer = await self.call(
            component.set, uuid, body={component.post_key: dict(fields)}, subject=subject
        )
        if not isinstance(answer, Mapping):
            raise unexpected(subject, str(component.set), answer)
        if answer.get("result") != "saved":
            raise refused(subject, component.post_key, answer, properties)
        self.written.add(component.name)

    async def delete_item(self, component: Component, uuid: str, *, subject: str) -> bool:
        """Delete record ``uuid``; False when it did not exist.

        Raises:
            ProviderError: ``CONFLICT`` when OPNsense refuses (the record is in use).
        """
        answer = await self.call(component.delete, uuid, subject=subject)
        result = answer.get("result") if isinstance(answer, Mapping) else None
        if result == "deleted":
            self.written.add(component.name)
            return True
        if result == "not found":
            return False
        raise ProviderError(
            "CONFLICT",
            f"{subject}: OPNsense refused to delete {component.title} {uuid}: {answer!r}",
        )

    async def search(self, component: Component, *, subject: str = "") -> list[dict[str, Any]]:
        """Every record's search row (flat strings; ``uuid`` included)."""
        answer = await self.call(component.search, body=_SEARCH_ALL, subject=subject)
        rows = answer.get("rows") if isinstance(answer, Mapping) else None
        if not isinstance(rows, list):
            raise unexpected(self.url, str(component.search), answer)
        return [r for r in rows if isinstance(r, dict)]

    async def apply(self, component: Component, *, subject: str) -> None:
        """Make saved changes of ``component`` live (its reconfigure/apply action).

        Raises:
            ProviderError: ``UNAVAILABLE`` (retryable) when the firewall reports a failure;
                the change is saved, and a retry applies it.
        """
        if component.apply is None:
            return
        answer = await self.call(component.apply, subject=subject)
        status = answer.get("status", answer.get("result")) if isinstance(answer, Mapping) else None
        if isinstance(status, str) and status.strip().lower() in _FAILED:
            raise ProviderError(
                "UNAVAILABLE",
                f"{subject}: saved, but {component.apply} reported '{status}'; the change "
                "takes effect once it is applied (a retry does that)",
            )

    # --- configuration history -----------------------------------------------------------

    async def backups(self) -> list[dict[str, Any]]:
        """This firewall's configuration history, newest first."""
        answer = await self.call(BACKUPS, "this")
        items = answer.get("items") if isinstance(answer, Mapping) else None
        if not isinstance(items, list):
            raise unexpected(self.url, str(BACKUPS), answer)
        return [i for i in items if isinstance(i, dict)]

    async def revert(self, backup: str) -> str:
        """Restore ``config.xml`` from history entry ``backup``; OPNsense's status word
        (``reverted``, ``not_found``, ``failed``)."""
        answer = await self.call(REVERT_BACKUP, backup)
        status = answer.get("status") if isinstance(answer, Mapping) else None
        if not isinstance(status, str):
            raise unexpected(self.url, str(REVERT_BACKUP), answer)
        return status
