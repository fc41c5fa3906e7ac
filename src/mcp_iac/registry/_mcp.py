"""Providers reached over MCP: the orchestrator's side of every provider server.

The MCP SDK is imported only when a first connection is made: it takes about 0.6 s to import,
which commands that never talk to a provider (help, state, graph) should not pay.

Each connection lives in a task of its own (``_hold``), which enters the ``mcp.Client`` and
leaves it in the same task, as anyio requires; the engine's many step tasks only use it. A
connection that dies (a stdio server that crashed, a closed socket) is dropped and opened again
on the next call.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import anyio
from anyio.abc import TaskGroup

from mcp_iac.core import ConfigError, ProviderError
from mcp_iac.engine import Provider
from mcp_iac.protocol import (
    CreateResult,
    HealthResult,
    ListItem,
    ProviderSchema,
    ReadResult,
    UpdateResult,
    ValidationIssue,
)

from ._answers import Answers, builtin_fingerprint
from ._builtin import builtin_factories, builtin_service
from ._config import ServerConfig
from ._errors import unknown_server
from ._inline import InlineAnswers

if TYPE_CHECKING:
    from mcp_iac.sdk import ProviderClient

    from ._mapped import KeyStore
    from ._mapping import MappingFile

CONNECT_TIMEOUT = 30.0


class _Connection:
    def __init__(self, name: str) -> None:
        self.name = name
        self.ready = anyio.Event()
        self.closed = anyio.Event()
        self.stop = anyio.Event()
        self.client: ProviderClient | None = None
        self.error: BaseException | None = None
        self.schema: ProviderSchema | None = None


class McpProvider:
    """The engine's ``Provider`` over one server's connection; a dead connection is reopened."""

    def __init__(self, source: McpProviders, server: str) -> None:
        self._source = source
        self.server = server

    async def _client(self) -> ProviderClient:
        return await self._source.ready_client(self.server)

    async def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        client = await self._client()
        try:
            return await getattr(client, method)(*args, **kwargs)
        except ProviderError as exc:
            if exc.code == "UNAVAILABLE":
                self._source.drop(self.server)
            raise

    async def describe(self) -> ProviderSchema:
        return await self._source.describe(self.server)

    async def validate(self, type_: str, properties: dict[str, Any]) -> list[ValidationIssue]:
        answers = self._source.answers(self.server)
        if answers is not None and answers.known_valid(type_, properties):
            return []
        inline = self._source.inline(self.server)
        result: list[ValidationIssue]
        if inline is not None:
            result = await inline.validate(type_, properties)
        else:
            result = await self._call("validate", type_, properties)
        if not result and answers is not None:
            answers.remember_valid(type_, properties)
        return result

    async def create(
        self,
        type_: str,
        *,
        name: str,
        urn: str,
        idempotency_key: str,
        properties: dict[str, Any],
    ) -> CreateResult:
        result: CreateResult = await self._call(
            "create",
            type_,
            name=name,
            urn=urn,
            idempotency_key=idempotency_key,
            properties=properties,
        )
        return result

    async def read(self, type_: str, id_: str, properties: dict[str, Any]) -> ReadResult:
        result: ReadResult = await self._call("read", type_, id_, properties)
        return result

    async def update(
        self, type_: str, id_: str, *, old: dict[str, Any], new: dict[str, Any]
    ) -> UpdateResult:
        result: UpdateResult = await self._call("update", type_, id_, old=old, new=new)
        return result

    async def delete(self, type_: str, id_: str, properties: dict[str, Any]) -> None:
        await self._call("delete", type_, id_, properties)

    async def list(self, type_: str, filter_: dict[str, Any]) -> list[ListItem]:
        result: list[ListItem] = await self._call("list", type_, filter_)
        return result

    # backend transactions: called only when describe() says ``transactions: true``

    async def begin(self) -> str:
        transaction_id: str = await self._call("begin")
        return transaction_id

    async def commit(self, transaction_id: str) -> None:
        await self._call("commit", transaction_id)

    async def rollback(self, transaction_id: str) -> None:
        await self._call("rollback", transaction_id)


class McpProviders:
    """A ProviderSource of MCP servers: stdio commands, streamable-HTTP URLs, and built-ins served
    in-process. Use it as an async context manager around everything that calls providers.

    ``builtins`` maps a built-in name to a factory of its ``MCPServer``, given the server's
    environment (the process environment plus the config's ``env``); by default every
    built-in provider of mcp-iac, rooted at ``root``.

    With ``cache_dir`` (the CLI passes the project's ``.mcp-iac/cache``), the answers of
    mcp-iac's own built-ins are remembered there (see ``_answers``), and what the cache does
    not know yet of their schema and validations is asked of the built-in's own
    ``ProviderService`` in this process (see ``_inline``): a built-in server is started by its
    first call that changes or reads infrastructure (or by ``connect``), not by ``get``.
    """

    def __init__(
        self,
        servers: Mapping[str, ServerConfig] | Callable[[], Mapping[str, ServerConfig]],
        *,
        builtins: Mapping[str, Callable[[Mapping[str, str]], Any]] | None = None,
        root: Path | None = None,
        environ: Mapping[str, str] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        # a callable is read on first use: commands that never touch a server (state, graph)
        # must not fail on a broken mcp-iac.yaml
        self._given = servers
        self._loaded: dict[str, ServerConfig] | None = None
        self._root = root or Path.cwd()
        self._builtins = dict(builtin_factories(self._root) if builtins is None else builtins)
        # only mcp-iac's own built-ins have answers tied to code we can fingerprint
        self._cache_dir = cache_dir if builtins is None else None
        self._answers: dict[str, Answers | None] = {}
        self._inline: dict[str, InlineAnswers | None] = {}
        self._deferred: set[str] = set()
        self._opening: dict[str, anyio.Lock] = {}
        self._environ = dict(os.environ if environ is None else environ)
        self._handles: dict[str, Provider] = {}
        self._connections: dict[str, _Connection] = {}
        self._mappings: dict[str, MappingFile] = {}
        self._keys: dict[str, KeyStore] = {}
        self._gates: dict[str, anyio.Semaphore] = {}
        self._tg: TaskGroup | None = None
        self._lock = anyio.Lock()

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> McpProviders:
        self._tg = anyio.create_task_group()
        await self._tg.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for answers in self._answers.values():
            if answers is not None:
                answers.save()
        for conn in self._connections.values():
            conn.stop.set()
        tg, self._tg = self._tg, None
        if tg is not None:
            await tg.__aexit__(None, None, None)
        self._connections.clear()

    @property
    def _configs(self) -> dict[str, ServerConfig]:
        if self._loaded is None:
            given = self._given() if callable(self._given) else self._given
            self._loaded = dict(given)
        return self._loaded

    # -- ProviderSource ----------------------------------------------------------------------

    def servers(self) -> list[str]:
        return sorted(self._configs)

    def limit(self, server: str) -> int:
        cfg = self._configs.get(server)
        if cfg is None:
            return 10
        mapping = self._mappings.get(server)
        if mapping is not None:
            return min(cfg.max_concurrency, mapping.provider.max_concurrency)
        return cfg.max_concurrency

    def config(self, server: str) -> ServerConfig:
        try:
            return self._configs[server]
        except KeyError:
            raise unknown_server(server, self._configs) from None

    async def get(self, server: str) -> Provider:
        """The provider behind ``server``. The first time (per connection) it is connected and
        asked for its health: a server that cannot start, or reports itself not ``ok``, fails
        here with an error naming it.

        A built-in whose answers are remembered (see :meth:`answers`) is the exception: it is
        connected (and its health checked) on the first call that neither the cache nor its
        in-process service (:meth:`inline`) answers, so a plan may never start it.
        """
        handle = self._handles.get(server)
        if handle is not None and (self._alive(server) or server in self._deferred):
            return handle
        if await self._pure_schema(server) is not None:
            self._deferred.add(server)
            self._handles[server] = handle = McpProvider(self, server)
            return handle
        mapping = self.mapping(server)  # a broken mapping file fails before anything starts
        await self._open(server)
        self._handles[server] = handle = self._handle(server, mapping)
        return handle

    async def connect(self, server: str) -> None:
        """Start ``server`` and check its health now, if that has not happened yet: ``get``
        defers a built-in whose answers are cached, and a run connects every server it will
        change before the first change, so one that cannot start fails with nothing changed."""
        await self.get(server)
        await self.ready_client(server)

    async def _open(self, server: str) -> None:
        """Connect ``server`` and check its health: a server that cannot start, or reports
        itself not ``ok``, fails here."""
        await self.client(server)
        health = await self.health(server)
        if health.status != "ok":
            self.drop(server)
            raise ProviderError(
                "UNAVAILABLE",
                f"the server reports its health as '{health.status}'",
                server=server,
            )

    def answers(self, server: str) -> Answers | None:
        """The remembered answers of ``server``: None unless it is one of mcp-iac's built-ins
        and a cache folder was given."""
        if server in self._answers:
            return self._answers[server]
        found: Answers | None = None
        cfg = self.config(server)
        if self._cache_dir is not None and cfg.builtin is not None and cfg.mapping is None:
            found = Answers(self._cache_dir / f"{server}.json", builtin_fingerprint(cfg.builtin))
        self._answers[server] = found
        return found

    def inline(self, server: str) -> InlineAnswers | None:
        """Describe and validate of ``server`` answered in this process by the built-in's own
        ``ProviderService``, the one its MCP server would wrap (built once, starting nothing).
        None unless ``server`` has remembered :meth:`answers`, or when the service cannot be
        built here: the server is then asked, and a failure is reported as its connection
        reports it."""
        if server in self._inline:
            return self._inline[server]
        found: InlineAnswers | None = None
        cfg = self.config(server)
        if cfg.builtin is not None and self.answers(server) is not None:
            try:
                env = {**self._environ, **cfg.expanded(server, self._environ).env}
                found = InlineAnswers(builtin_service(cfg.builtin, self._root, env), server=server)
            except Exception:  # any failure: the server is asked, and reports it as always
                found = None
        self._inline[server] = found
        return found

    async def _pure_schema(self, server: str) -> ProviderSchema | None:
        """The schema of a built-in with remembered :meth:`answers`: from the cache, or else
        from its in-process service (and then remembered). None when neither can give it."""
        answers = self.answers(server)
        if answers is None:
            return None
        if answers.schema is None:
            inline = self.inline(server)
            if inline is None:
                return None
            answers.remember_schema(await inline.describe())
        return answers.schema

    def _alive(self, server: str) -> bool:
        conn = self._connections.get(server)
        return conn is not None and conn.client is not None and not conn.closed.is_set()

    def _handle(self, server: str, mapping: MappingFile | None) -> Provider:
        if mapping is not None:
            from ._mapped import MappedProvider  # noqa: PLC0415  # foreign servers only

            return MappedProvider(
                mapping,
                lambda: self.client(server),
                server=server,
                keys=self._keys.setdefault(server, {}),
                on_unavailable=lambda: self.drop(server),
                gate=self._gates.setdefault(
                    server, anyio.Semaphore(mapping.provider.max_concurrency)
                ),
            )
        return McpProvider(self, server)

    def mapping(self, server: str) -> MappingFile | None:
        """The mapping file of a foreign server (read once), None for an iac/1 server.

        Raises:
            ConfigError: the file cannot be read or is invalid (naming the file and the key).
        """
        cfg = self.config(server)
        if cfg.mapping is None:
            return None
        if server not in self._mappings:
            from ._mapping import load_mapping  # noqa: PLC0415  # foreign servers only

            path = Path(cfg.mapping)
            self._mappings[server] = load_mapping(path if path.is_absolute() else self._root / path)
        return self._mappings[server]

    async def health(self, server: str) -> HealthResult:
        """``iac_health`` of an iac/1 server; for a foreign server, whether it lists its tools
        and has every tool its mapping names."""
        mapping = self.mapping(server)
        client = await self.client(server)
        if mapping is None:
            return await client.health()
        started = time.perf_counter()
        tools = {t.name for t in await client.tools()}
        latency = (time.perf_counter() - started) * 1000
        missing = sorted(mapping.tools() - tools)
        if missing:
            raise ProviderError(
                "VALIDATION",
                f"the server has no tool(s) {', '.join(missing)} that its mapping "
                f"({self.config(server).mapping}) uses",
                server=server,
            )
        return HealthResult(status="ok", latency_ms=latency)

    # -- connections -------------------------------------------------------------------------

    async def client(self, server: str) -> ProviderClient:
        """The connected client of ``server``, connecting (or reconnecting) as needed."""
        conn = self._connections.get(server)
        if conn is not None and conn.client is not None and not conn.closed.is_set():
            return conn.client  # the common case, on every call: no lock
        cfg = self.config(server)
        async with self._lock:
            conn = self._connections.get(server)
            if conn is None or conn.closed.is_set():
                if self._tg is None:
                    raise RuntimeError("McpProviders is used outside `async with`")
                expanded = cfg.expanded(server, self._environ)  # ConfigError if a var is unset
                conn = _Connection(server)
                self._connections[server] = conn
                self._tg.start_soon(self._hold, conn, expanded)
        with anyio.move_on_after(CONNECT_TIMEOUT):
            await conn.ready.wait()
        if conn.client is None:
            self.drop(server)
            reason = _reason(conn.error) if conn.error else f"no answer within {CONNECT_TIMEOUT:g}s"
            raise ProviderError(
                "UNAVAILABLE",
                f"cannot connect ({_describe(cfg)}): {reason}",
                server=server,
            )
        return conn.client

    async def ready_client(self, server: str) -> ProviderClient:
        """:meth:`client`, after connecting a deferred built-in (see :meth:`get`) with the
        health check ``get`` would have made."""
        if server in self._deferred and not self._alive(server):
            lock = self._opening.setdefault(server, anyio.Lock())
            async with lock:
                if server in self._deferred and not self._alive(server):
                    await self._open(server)
                    self._deferred.discard(server)
        return await self.client(server)

    def drop(self, server: str) -> None:
        """Forget a dead connection; the next call opens a new one."""
        self._handles.pop(server, None)
        conn = self._connections.pop(server, None)
        if conn is not None:
            conn.stop.set()

    async def describe(self, server: str) -> ProviderSchema:
        """``iac_describe`` of ``server``, asked once per connection (a built-in's is
        remembered across runs, and asked of its in-process service, see :meth:`inline`); a
        foreign server's comes from its mapping file."""
        mapping = self.mapping(server)
        if mapping is not None:
            await self.client(server)
            return mapping.provider_schema()
        schema = await self._pure_schema(server)
        if schema is not None:
            return schema
        answers = self.answers(server)
        client = await self.ready_client(server)
        conn = self._connections[server]
        if conn.schema is None:
            conn.schema = await client.describe()
        if answers is not None:
            answers.remember_schema(conn.schema)
        return conn.schema

    async def _hold(self, conn: _Connection, cfg: ServerConfig) -> None:
        from mcp import Client  # noqa: PLC0415  # see the module docstring

        from mcp_iac.sdk import ProviderClient  # noqa: PLC0415  # it imports the MCP SDK

        try:
            expanded = cfg
            target = self._target(conn.name, expanded)

            async def on_message(message: Any) -> None:
                # a server whose tools changed gets described again on the next plan
                method = getattr(getattr(message, "root", message), "method", "")
                if method == "notifications/tools/list_changed":
                    conn.schema = None

            async with Client(target, message_handler=on_message, mode=cfg.mode) as session:
                conn.client = ProviderClient(
                    session, server=conn.name, timeout=expanded.timeout_seconds
                )
                conn.ready.set()
                await conn.stop.wait()
        except Exception as exc:  # reported to the caller waiting in client()
            conn.error = exc
        finally:
            conn.client = None if not conn.ready.is_set() else conn.client
            conn.ready.set()
            conn.closed.set()

    def _target(self, name: str, cfg: ServerConfig) -> Any:
        import httpx2  # noqa: PLC0415  # see the module docstring
        from mcp import StdioServerParameters  # noqa: PLC0415
        from mcp.client.stdio import stdio_client  # noqa: PLC0415
        from mcp.client.streamable_http import streamable_http_client  # noqa: PLC0415

        if cfg.builtin is not None:
            factory = self._builtins.get(cfg.builtin)
            if factory is None:
                raise ConfigError(f"server '{name}': built-in '{cfg.builtin}' is not available")
            return factory({**self._environ, **cfg.env})
        if cfg.url is not None:
            if cfg.headers:
                http = httpx2.AsyncClient(headers=cfg.headers, timeout=cfg.timeout_seconds)
                return streamable_http_client(cfg.url, http_client=http)
            return cfg.url
        assert cfg.command is not None
        env = {**self._environ, **cfg.env}
        params = StdioServerParameters(
            command=cfg.command,
            args=list(cfg.args),
            env=env,
            cwd=str(self._root / cfg.cwd) if cfg.cwd else str(self._root),
        )
        # the server's stderr goes to ours; passed explicitly because the SDK's default is
        # whatever sys.stderr was when it was (lazily) imported
        return stdio_client(params, errlog=_errlog())


def _errlog() -> TextIO:
    """Where a stdio server's stderr goes: ours, if it is a real file (not a test capture)."""
    try:
        sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        return sys.__stderr__ or open(os.devnull, "w")  # lives with the process
    return sys.stderr


def _describe(cfg: ServerConfig) -> str:
    if cfg.command:
        return "stdio: " + " ".join([cfg.command, *cfg.args])
    if cfg.url:
        return f"http: {cfg.url}"
    return f"built-in: {cfg.builtin}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return _reason(exc.exceptions[0])
    text = str(exc) or type(exc).__name__
    if isinstance(exc, FileNotFoundError):
        return f"command not found ({text})"
    return text
