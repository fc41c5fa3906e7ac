"""An in-memory cloud for engine tests: a fake :class:`~mcp_iac.engine.Provider`, a provider
source, and a harness that plans and applies deployment documents against them.

The fake keeps objects in a dict and honours the provider contract the engine relies on:

- ``create`` is idempotent on ``idempotency_key`` and a failed create leaves nothing behind
  (unless a fault says the work was done before the error: ``Fault(after_effect=True)``);
- ``delete`` of an unknown id raises ``NOT_FOUND`` (which counts as deleted);
- ``list(type, {"idempotency_key": k})`` finds the object created with key ``k``.

Every call is logged with its start and finish time (``Call``), so tests can assert on order,
concurrency and scheduling. Latency is simulated with ``anyio.sleep``; failures are injected with
:class:`Fault`.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio

from mcp_iac.core import ProviderError, load_document, reveal
from mcp_iac.engine import (
    ApplyResult,
    EventSink,
    ExecOptions,
    Executor,
    Mode,
    Plan,
    ResourceRecord,
    StopSignal,
    bind,
    make_plan,
)
from mcp_iac.protocol import (
    IDEMPOTENCY_FILTER,
    CreateResult,
    ListItem,
    ProviderSchema,
    ReadResult,
    ResourceTypeSchema,
    UpdateResult,
    ValidationIssue,
)
from mcp_iac.state import MemoryStateStore

MUTATING = ("create", "update", "delete")
GATE_SECONDS = 2.0

BOX_SCHEMA = ResourceTypeSchema(
    type="fake:box",
    properties={"type": "object", "additionalProperties": True},
    outputs={
        "type": "object",
        "properties": {"id": {"type": "string"}, "ip": {"type": "string"}},
        "additionalProperties": False,
    },
    replaceOnChanges=("zone",),
)
"""The default type of the fake: any properties; outputs ``id`` and ``ip``; ``zone`` replaces."""


@dataclass
class FakeObject:
    id: str
    type: str
    name: str
    urn: str
    idempotency_key: str
    properties: dict[str, Any]
    outputs: dict[str, Any]

    @property
    def address(self) -> str:
        return self.urn.split("/", 1)[1]


@dataclass
class Call:
    """One provider call as the fake saw it; times are ``time.perf_counter()`` seconds."""

    server: str
    op: str
    type: str
    address: str
    started: float
    finished: float | None = None
    error: str | None = None
    properties: dict[str, Any] | None = None


@dataclass
class Fault:
    """Make matching calls fail.

    A call matches when ``op`` (``None``: any of create/update/delete) and ``address`` (``None``:
    any) match. The ``nth`` matching call fails (1-based; ``None``: from the first), and so do the
    following ones until ``times`` calls have failed (``None``: forever).
    """

    op: str | None = None
    address: str | None = None
    nth: int | None = None
    code: str = "INTERNAL"
    retryable: bool | None = None
    times: int | None = 1
    after_effect: bool = False
    """The call does its work, then reports the error (an ambiguous failure)."""
    seen: int = 0
    fired: int = 0

    def matches(self, op: str, address: str) -> bool:
        if self.op is None and op not in MUTATING:
            return False
        if self.op is not None and self.op != op:
            return False
        return self.address is None or self.address == address

    def fires(self) -> bool:
        """Count one matching call; True when this one should fail."""
        self.seen += 1
        if self.nth is not None and self.seen < self.nth:
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        self.fired += 1
        return True


class Recorder:
    """The call log and concurrency counters shared by every provider of one source."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.in_flight_by_server: dict[str, int] = {}
        self.max_by_server: dict[str, int] = {}
        self.on_start: Callable[[Call], None] | None = None
        self._started: dict[str, anyio.Event] = {}

    def started(self, address: str) -> anyio.Event:
        """Set once a call for ``address`` has started (create it inside the event loop)."""
        event = self._started.get(address)
        if event is None:
            event = self._started[address] = anyio.Event()
            if any(c.address == address for c in self.calls):
                event.set()
        return event

    def start(self, call: Call) -> None:
        self.calls.append(call)
        self.started(call.address).set()
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        n = self.in_flight_by_server.get(call.server, 0) + 1
        self.in_flight_by_server[call.server] = n
        self.max_by_server[call.server] = max(self.max_by_server.get(call.server, 0), n)
        if self.on_start is not None:
            self.on_start(call)

    def finish(self, call: Call, error: str | None = None) -> None:
        call.finished = time.perf_counter()
        call.error = error
        self.in_flight -= 1
        self.in_flight_by_server[call.server] -= 1

    def mutating(self) -> list[Call]:
        return [c for c in self.calls if c.op in MUTATING]

    def first(self, op: str, address: str) -> Call:
        return next(c for c in self.calls if c.op == op and c.address == address)


class FakeProvider:
    """One provider server of the fake cloud (implements ``mcp_iac.engine.Provider``)."""

    def __init__(
        self,
        server: str = "fake",
        *,
        types: Sequence[ResourceTypeSchema] = (BOX_SCHEMA,),
        latency: float = 0.0,
        slow: Mapping[str, float] | None = None,
        recorder: Recorder | None = None,
        echo: Sequence[str] = (),
    ) -> None:
        self.server = server
        self.echo = tuple(echo)
        """Properties copied into the outputs of every object."""
        self.types = {t.type: t for t in types}
        self.latency = latency
        self.slow: dict[str, float] = dict(slow or {})
        """Latency per address (overrides ``latency``)."""
        self.waits_for: dict[str, str] = {}
        """Address -> another address: a call for the first does not finish before a call for
        the second has started (at most ``GATE_SECONDS``, then it raises TimeoutError). Use it
        in one ``apply`` only: the events belong to one event loop."""
        self.recorder = recorder or Recorder()
        self.objects: dict[str, FakeObject] = {}
        self.faults: list[Fault] = []
        self._ids = itertools.count(1)

    # -- test controls -----------------------------------------------------------------------

    def fail(self, **fault: Any) -> Fault:
        """Add a :class:`Fault`; see its fields."""
        added = Fault(**fault)
        self.faults.append(added)
        return added

    def inventory(self) -> list[tuple[str, str, dict[str, Any]]]:
        """What exists, ids aside: sorted ``(type, name, properties)``."""
        return sorted(
            ((o.type, o.name, copy.deepcopy(o.properties)) for o in self.objects.values()),
            key=repr,
        )

    def by_name(self, name: str) -> list[FakeObject]:
        return [o for o in self.objects.values() if o.name == name]

    def put(
        self, type_: str, name: str, urn: str, key: str, properties: dict[str, Any]
    ) -> FakeObject:
        """Make an object directly (as a crashed run could have left it)."""
        n = next(self._ids)
        obj = FakeObject(
            id=f"{self.server}-{n}",
            type=type_,
            name=name,
            urn=urn,
            idempotency_key=key,
            properties=copy.deepcopy(properties),
            outputs={"id": f"{self.server}-{n}", "ip": f"10.0.{n // 256}.{n % 256}"},
        )
        obj.outputs.update({k: properties[k] for k in self.echo if k in properties})
        self.objects[obj.id] = obj
        return obj

    # -- plumbing ----------------------------------------------------------------------------

    def _address_of(self, id_: str) -> str:
        obj = self.objects.get(id_)
        return obj.address if obj is not None else f"?{id_}"

    async def _enter(self, op: str, type_: str, address: str, props: Any = None) -> Call:
        call = Call(
            self.server, op, type_, address, time.perf_counter(), properties=copy.deepcopy(props)
        )
        self.recorder.start(call)
        try:
            delay = self.slow.get(address, self.latency)
            if delay:
                await anyio.sleep(delay)
            awaited = self.waits_for.get(address)
            if awaited is not None:
                with anyio.fail_after(GATE_SECONDS):
                    await self.recorder.started(awaited).wait()
        except BaseException:
            self.recorder.finish(call, "cancelled")
            raise
        return call

    def _fault(self, op: str, address: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(op, address) and fault.fires():
                return fault
        return None

    def _raise(self, call: Call, fault: Fault) -> None:
        err = ProviderError(
            fault.code,
            f"injected {fault.code} on {call.op} of '{call.address}'",
            retryable=fault.retryable,
            server=self.server,
        )
        self.recorder.finish(call, err.code)
        raise err

    # -- the Provider protocol ---------------------------------------------------------------

    async def describe(self) -> ProviderSchema:
        return ProviderSchema(name=self.server, version="0.0.0", types=tuple(self.types.values()))

    async def validate(self, type_: str, properties: dict[str, Any]) -> list[ValidationIssue]:
        return []

    async def create(
        self,
        type_: str,
        *,
        name: str,
        urn: str,
        idempotency_key: str,
        properties: dict[str, Any],
    ) -> CreateResult:
        call = await self._enter("create", type_, urn.split("/", 1)[1], properties)
        fault = self._fault("create", call.address)
        if fault is not None and not fault.after_effect:
            self._raise(call, fault)
        existing = next(
            (o for o in self.objects.values() if o.idempotency_key == idempotency_key), None
        )
        obj = existing or self.put(type_, name, urn, idempotency_key, properties)
        if fault is not None:
            self._raise(call, fault)
        self.recorder.finish(call)
        return CreateResult(id=obj.id, outputs=copy.deepcopy(obj.outputs))

    async def read(self, type_: str, id_: str, properties: dict[str, Any]) -> ReadResult:
        call = await self._enter("read", type_, self._address_of(id_))
        fault = self._fault("read", call.address)
        if fault is not None:
            self._raise(call, fault)
        self.recorder.finish(call)
        obj = self.objects.get(id_)
        if obj is None:
            return ReadResult(exists=False)
        return ReadResult(
            exists=True,
            properties=copy.deepcopy(obj.properties),
            outputs=copy.deepcopy(obj.outputs),
        )

    async def update(
        self, type_: str, id_: str, *, old: dict[str, Any], new: dict[str, Any]
    ) -> UpdateResult:
        call = await self._enter("update", type_, self._address_of(id_), new)
        fault = self._fault("update", call.address)
        if fault is not None and not fault.after_effect:
            self._raise(call, fault)
        obj = self.objects.get(id_)
        if obj is None:
            err = ProviderError("NOT_FOUND", f"no object '{id_}'", server=self.server)
            self.recorder.finish(call, err.code)
            raise err
        obj.properties = copy.deepcopy(new)
        obj.outputs.update({k: new[k] for k in self.echo if k in new})
        if fault is not None:
            self._raise(call, fault)
        self.recorder.finish(call)
        return UpdateResult(outputs=copy.deepcopy(obj.outputs))

    async def delete(self, type_: str, id_: str, properties: dict[str, Any]) -> None:
        call = await self._enter("delete", type_, self._address_of(id_))
        fault = self._fault("delete", call.address)
        if fault is not None and not fault.after_effect:
            self._raise(call, fault)
        if self.objects.pop(id_, None) is None:
            err = ProviderError("NOT_FOUND", f"no object '{id_}'", server=self.server)
            self.recorder.finish(call, err.code)
            raise err
        if fault is not None:
            self._raise(call, fault)
        self.recorder.finish(call)

    async def list(self, type_: str, filter_: dict[str, Any]) -> list[ListItem]:
        call = await self._enter("list", type_, "")
        self.recorder.finish(call)
        key = filter_.get(IDEMPOTENCY_FILTER)
        return [
            ListItem(
                id=o.id,
                name=o.name,
                properties=copy.deepcopy(o.properties),
                outputs=copy.deepcopy(o.outputs),
            )
            for o in self.objects.values()
            if o.type == type_ and (key is None or o.idempotency_key == key)
        ]


class FakeSource:
    """A ``ProviderSource`` over fake providers sharing one :class:`Recorder`."""

    def __init__(self, *providers: FakeProvider, limits: Mapping[str, int] | None = None) -> None:
        self.recorder = Recorder()
        self.providers: dict[str, FakeProvider] = {}
        self.limits = dict(limits or {})
        for p in providers:
            p.recorder = self.recorder
            self.providers[p.server] = p

    def servers(self) -> list[str]:
        return sorted(self.providers)

    async def get(self, server: str) -> FakeProvider:
        return self.providers[server]

    async def connect(self, server: str) -> None:
        await self.get(server)  # an unknown server fails, like the real sources

    def limit(self, server: str) -> int:
        return self.limits.get(server, 100)


# -- documents ---------------------------------------------------------------------------------


def res(
    name: str,
    type_: str = "fake:box",
    *,
    server: str | None = None,
    depends_on: Sequence[str] = (),
    options: dict[str, Any] | None = None,
    **properties: Any,
) -> dict[str, Any]:
    """One resource entry of a canonical document."""
    entry: dict[str, Any] = {"type": type_, "name": name, "properties": properties}
    if server:
        entry["server"] = server
    if depends_on:
        entry["dependsOn"] = list(depends_on)
    if options:
        entry["options"] = options
    return entry


def doc(
    *resources: dict[str, Any],
    name: str = "test",
    outputs: dict[str, Any] | None = None,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A canonical deployment document."""
    spec: dict[str, Any] = {"resources": list(resources)}
    if outputs:
        spec["outputs"] = outputs
    if variables:
        spec["variables"] = variables
    return {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": spec,
    }


# -- the harness -------------------------------------------------------------------------------


FAST = ExecOptions(retry_base_delay=0.001, retry_max_delay=0.01)


class Harness:
    """State in memory plus a fake cloud; plans and applies documents like the app layer does."""

    def __init__(
        self,
        *providers: FakeProvider,
        limits: Mapping[str, int] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.state = MemoryStateStore()
        self.source = FakeSource(*(providers or (FakeProvider(),)), limits=limits)
        self.environ = dict(environ or {})
        self.last_run = 0
        """The id of the run the last ``apply`` made."""

    @property
    def provider(self) -> FakeProvider:
        return next(iter(self.source.providers.values()))

    @property
    def recorder(self) -> Recorder:
        return self.source.recorder

    def schemas(self) -> dict[str, ResourceTypeSchema | None]:
        return {t: s for p in self.source.providers.values() for t, s in p.types.items()}

    def plan(
        self,
        document: dict[str, Any] | None,
        *,
        deployment: str = "test",
        variables: Mapping[str, Any] | None = None,
        targets: Sequence[str] = (),
        mode: Mode = "apply",
    ) -> Plan:
        bound = None
        if document is not None:
            spec = load_document(document)
            deployment = spec.name
            bound = bind(spec, variables, environ=self.environ)
        record = self.state.deployment(deployment)
        return make_plan(
            bound,
            self.state.resources(deployment),
            deployment=deployment,
            schemas=self.schemas(),
            lineage=record.lineage if record else None,
            serial=record.serial if record else 0,
            mode=mode,
            targets=targets,
            environ=self.environ,
        )

    def apply(
        self,
        plan: Plan,
        *,
        options: ExecOptions = FAST,
        stop: StopSignal | None = None,
        on_event: EventSink | None = None,
    ) -> ApplyResult:
        run_id = self.state.begin_run(plan.deployment, kind="apply", intent="test")
        self.last_run = run_id
        executor = Executor(
            plan,
            state=self.state,
            providers=self.source,
            run_id=run_id,
            options=options,
            schemas=self.schemas(),
            stop=stop,
            on_event=on_event,
            environ=self.environ,
        )
        result = anyio.run(executor.run)
        self.state.finish_run(
            run_id, status="succeeded" if result.status == "succeeded" else "failed"
        )
        return result

    def up(
        self, document: dict[str, Any], *, options: ExecOptions = FAST, **plan_kw: Any
    ) -> ApplyResult:
        return self.apply(self.plan(document, **plan_kw), options=options)

    def records(self, deployment: str = "test") -> dict[str, ResourceRecord]:
        return self.state.resources(deployment)

    def recorded(self, deployment: str = "test") -> dict[str, dict[str, Any]]:
        """Address -> recorded properties."""
        return {a: r.properties for a, r in self.state.resources(deployment).items()}

    def world(self, deployment: str = "test") -> tuple[Any, ...]:
        """Everything a rollback must put back, ids aside: recorded properties, dependencies
        and status per address, and every provider's inventory."""
        recorded = {
            a: (r.properties, r.dependencies, r.status, r.protect)
            for a, r in self.state.resources(deployment).items()
        }
        objects = {s: p.inventory() for s, p in self.source.providers.items()}
        return recorded, objects

    def consistent(self, deployment: str = "test") -> None:
        """Every record points at an object that exists with the recorded properties, and every
        object is recorded (nothing orphaned, nothing dangling), with no pending intents."""
        records = self.state.resources(deployment)
        seen: set[tuple[str, str]] = set()
        for address, r in records.items():
            provider = self.source.providers[r.server]
            obj = provider.objects.get(r.id)
            assert obj is not None, f"{address}: recorded id {r.id} does not exist"
            assert obj.properties == reveal(r.properties), (
                f"{address}: object differs from its record"
            )
            seen.add((r.server, r.id))
        for server, provider in self.source.providers.items():
            for obj in provider.objects.values():
                assert (server, obj.id) in seen, f"orphaned object {obj.id} ({obj.address})"
        assert self.state.pending_operations(deployment) == []
