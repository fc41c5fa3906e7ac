"""``OpnsenseEmulator``: the emulated firewall served on a loopback port in a background thread."""

from __future__ import annotations

import shutil
import socket
import ssl
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Final

from mcp_iac.core import JSON

from ._app import Api, Privileges, nested_records
from ._firewall import Firewall
from ._http import ApiServer
from ._passwords import password_matches as matches
from ._tls import make_tls_files
from ._versions import check_version

KNOWN_PLUGINS: Final = frozenset({"haproxy"})
READY_TIMEOUT: Final = 5.0


class OpnsenseEmulator:
    """An emulated OPNsense REST API (``/api/...``) for tests, the sandbox and demos.

    It implements the generic CRUD contract of OPNsense's MVC controllers for the
    components the OPNsense provider uses, plus firmware, config history and apply
    actions; see docs/emulator-opnsense.md for what it covers and how it differs.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with OpnsenseEmulator(version="25.7") as fw:
            httpx2.get(f"{fw.url}/api/core/firmware/info", auth=(fw.api_key, fw.api_secret),
                       verify=ssl.create_default_context(cafile=fw.ca_bundle))

    Raises:
        ValueError: an unsupported ``version``, an unknown plugin or an unreadable state file.
    """

    def __init__(
        self,
        *,
        version: str = "26.1",
        api_key: str = "key",
        api_secret: str = "secret",
        tls: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        state_file: Path | None = None,
        plugins: frozenset[str] = frozenset({"haproxy"}),
    ) -> None:
        check_version(version)
        unknown = set(plugins) - KNOWN_PLUGINS
        if unknown:
            raise ValueError(
                f"unknown OPNsense plugin(s) {sorted(unknown)}; the emulator knows "
                f"{sorted(KNOWN_PLUGINS)}"
            )
        self._version = version
        self._tls = tls
        self._host = host
        self._port = port
        self._api_key = api_key
        self._api_secret = api_secret
        self._fw = Firewall(version=version, plugins=frozenset(plugins), state_file=state_file)
        self._api = Api(self._fw)
        self._api.add_key(api_key, api_secret, user="root", privileges="all")
        self._server: ApiServer | None = None
        self._thread: threading.Thread | None = None
        self._tmp: Path | None = None
        self._ca: Path | None = None

    # lifecycle ---------------------------------------------------------------------------

    def start(self) -> OpnsenseEmulator:
        """Bind (port 0 picks a free one), serve in a background thread, return once it answers.

        Raises:
            RuntimeError: when it is already running.
            OSError: when the address cannot be bound.
        """
        if self._server is not None:
            raise RuntimeError("the OPNsense emulator is already running")
        context = None
        if self._tls:
            self._tmp = Path(tempfile.mkdtemp(prefix="mcp-iac-opnsense-"))
            files = make_tls_files(self._tmp, self._host)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(files.cert, files.key)
            self._ca = files.ca
        self._server = ApiServer((self._host, self._port), self._api, context)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"opnsense-emulator:{self._port}",
            daemon=True,
        )
        self._thread.start()
        self._wait_until_listening()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and remove the generated TLS files."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.close_connections()
            server.server_close()
        if thread is not None:
            thread.join(timeout=READY_TIMEOUT)
        self._fw.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = self._ca = None

    def __enter__(self) -> OpnsenseEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                with socket.create_connection((self._host, self._port), timeout=0.5):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.01)

    # where and how to connect ------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL, e.g. ``https://127.0.0.1:40123`` (append ``/api/...``)."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"{'https' if self._tls else 'http'}://{host}:{self._port}"

    @property
    def api_key(self) -> str:
        return self._api_key

    @property
    def api_secret(self) -> str:
        return self._api_secret

    @property
    def ca_bundle(self) -> Path | None:
        """PEM of the CA that signed the server certificate (None without TLS or when stopped)."""
        return self._ca

    @property
    def version(self) -> str:
        """The firmware series this emulator answers as (``"26.1"``)."""
        return self._version

    def add_api_key(
        self, key: str, secret: str, *, privileges: Privileges = "read-only", user: str = ""
    ) -> None:
        """Accept another API key; ``read-only`` keys get 403 on anything but GET."""
        self._api.add_key(key, secret, user=user or f"api-{key}", privileges=privileges)

    # inspection (not part of the OPNsense API) ----------------------------------------------

    def pending(self) -> set[str]:
        """Components changed since their service was last applied/reconfigured."""
        with self._fw.lock:
            return set(self._fw.config.pending)

    def records(self, component: str) -> dict[str, dict[str, JSON]]:
        """The stored records of ``component`` (e.g. ``"firewall/alias"``) by uuid.

        Raises:
            KeyError: naming the components this firewall has.
        """
        with self._fw.lock:
            if component not in self._fw.components:
                known = ", ".join(sorted(self._fw.components))
                raise KeyError(f"no component {component!r} on this firewall; known: {known}")
            return {
                uuid: value if isinstance(value, dict) else {}
                for uuid, value in nested_records(self._fw, component).items()
            }

    def password_matches(self, username: str, password: str) -> bool:
        """Whether the stored password of user ``username`` is ``password`` (False when there
        is no such user, or on firmware without the user manager's API). Passwords are only
        kept as hashes; this is how a test sees which one was set."""
        with self._fw.lock:
            for record in self._fw.records("auth/user").values():
                if record.get("name") == username:
                    return matches(record.get("password", ""), password)
            return False

    def components(self) -> list[str]:
        """The component names :meth:`records` accepts."""
        return sorted(self._fw.components)

    def reset(self) -> None:
        """Forget every change: factory configuration, one history entry, nothing pending."""
        self._fw.reset()

    def endpoints(self) -> list[tuple[str, str]]:
        """(method, path) of every API action this firewall serves (path parameters omitted)."""
        return [(e.method, e.path) for e in self._api.routes.endpoints()]
