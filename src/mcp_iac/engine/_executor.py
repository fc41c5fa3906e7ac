"""Apply a plan: eager parallel walk, durable intent journal, retries, timeouts, rollback.

Every provider call is bracketed by the journal: ``begin_operation`` (durable) before the call,
``complete_operation`` (durable, with the resource row) after it. A crash between the two leaves a
*pending* operation that :mod:`._recovery` reconciles on the next run.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

import anyio

from mcp_iac.core import (
    MISSING,
    ConfigError,
    IacError,
    Path,
    ProviderError,
    Secret,
    diff_paths,
    format_path,
    lookup,
    parse_paths,
    reveal,
    with_ignored,
)
from mcp_iac.protocol import IDEMPOTENCY_FILTER, ResourceTypeSchema

from ._bind import secret_value
from ._journal import IntentJournal
from ._outputs import resolve_outputs
from ._plan import Plan, PlanStep
from ._planner import deposed_address
from ._records import OperationIntent, ResourceRecord
from ._resolve import resolve
from ._secrets import mark_echoed_secrets, mark_secret_paths
from ._transactions import Transactions
from ._walk import Walk
from .ports import Provider, ProviderSource, StateStore

T = TypeVar("T")
OnFailure = Literal["rollback", "continue", "stop"]
ApplyStatus = Literal["succeeded", "failed", "rolled-back", "rollback-failed", "interrupted"]
AMBIGUOUS = frozenset({"TIMEOUT", "UNAVAILABLE", "INTERNAL"})
"""Errors after which the object may or may not exist: look it up by idempotency key."""


_CHANGES = frozenset({"create", "update", "delete"})


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True, slots=True)
class ExecEvent:
    """Progress of a run, for the CLI's live view and the MCP server's notifications."""

    kind: Literal[
        "start",
        "done",
        "unchanged",
        "failed",
        "skipped",
        "not-started",
        "retry",
        "rollback",
        "undo-start",
        "undo-done",
        "undo-failed",
        "transaction",
        "interrupt",
    ]
    address: str = ""
    action: str = ""
    message: str = ""
    elapsed: float = 0.0


EventSink = Callable[[ExecEvent], None]


class StopSignal:
    """Set by the first Ctrl-C: start nothing new, drain in-flight steps, then roll back or stop.

    An interface arms its Ctrl-C handling only once changes begin (:meth:`arm`, called by the
    executor): before that, at a confirmation prompt say, Ctrl-C simply cancels.
    """

    def __init__(self) -> None:
        self.requested = False
        self.armed = False
        self._armed_event: anyio.Event | None = None

    def request(self) -> None:
        self.requested = True

    def arm(self) -> None:
        self.armed = True
        if self._armed_event is not None:
            self._armed_event.set()

    async def wait_armed(self) -> None:
        """Return once changes have begun."""
        if self.armed:
            return
        self._armed_event = anyio.Event()
        await self._armed_event.wait()


@dataclass(frozen=True, slots=True)
class StepOutcome:
    address: str
    action: str
    status: Literal["done", "unchanged", "failed", "skipped", "not-started"]
    error: str | None = None
    seconds: float = 0.0


@dataclass(slots=True, repr=False)
class ApplyResult:
    status: ApplyStatus
    outcomes: dict[str, StepOutcome] = field(default_factory=dict)
    undo: dict[str, StepOutcome] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    still_differs: list[str] = field(default_factory=list)
    """After a rollback that failed: what is not back to where it was, and why."""
    output_errors: dict[str, str] = field(default_factory=dict)
    interrupted: bool = False
    """Ctrl-C (or a stop request) kept some steps from starting."""

    def __repr__(self) -> str:
        return f"ApplyResult(status={self.status!r}, outcomes={len(self.outcomes)})"

    @property
    def failed(self) -> dict[str, str]:
        return {a: o.error or "" for a, o in self.outcomes.items() if o.status == "failed"}

    @property
    def skipped(self) -> list[str]:
        return [a for a, o in self.outcomes.items() if o.status == "skipped"]


@dataclass(frozen=True, slots=True)
class _Done:
    """A completed change, with what rollback needs to undo it."""

    node: tuple[str, str]
    kind: Literal["create", "update", "delete", "replace", "replace-dbr"]
    address: str
    prior: ResourceRecord | None
    new: ResourceRecord | None
    deposed_address: str | None = None


@dataclass(frozen=True, slots=True)
class ExecOptions:
    parallelism: int = 10
    on_failure: OnFailure = "rollback"
    retry_base_delay: float = 0.5
    retry_max_delay: float = 20.0


def _mark_secrets(
    outputs: dict[str, Any], schema: ResourceTypeSchema | None, inputs: Mapping[str, Any]
) -> dict[str, Any]:
    """Outputs that are declared secret, or that echo a secret input, become Secrets."""
    marked = mark_secret_paths(outputs, schema.secret_paths if schema else ())
    return mark_echoed_secrets(marked, inputs)


def _plain(properties: Mapping[str, Any]) -> dict[str, Any]:
    """What a provider receives: the properties with secrets revealed."""
    return {k: reveal(v) for k, v in properties.items()}


class Executor:
    """Applies one plan against providers, journaling into the state store."""

    def __init__(
        self,
        plan: Plan,
        *,
        state: StateStore,
        providers: ProviderSource,
        run_id: int,
        options: ExecOptions | None = None,
        schemas: Mapping[str, ResourceTypeSchema | None] | None = None,
        on_event: EventSink | None = None,
        stop: StopSignal | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.plan = plan
        self.state = state
        self.providers = providers
        self.run_id = run_id
        self.options = options or ExecOptions()
        self.schemas = dict(schemas or {})
        self.emit = on_event or (lambda e: None)
        self.stop = stop or StopSignal()
        self.environ = environ
        self.records: dict[str, ResourceRecord] = dict(state.resources(plan.deployment))
        self.steps = {s.address: s for s in plan.steps}
        self.done: list[_Done] = []
        self.node_deps: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._server_limits: dict[str, anyio.CapacityLimiter] = {}
        self._outcomes: dict[str, StepOutcome] = {}
        self.transactions = Transactions(providers)
        self.journal = IntentJournal(state, run_id)
        self._not_undone: list[int] = []

    # -- graph -------------------------------------------------------------------------------

    def _nodes(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """The execution graph, in plan order (so runs start independent steps reproducibly)."""
        order = [s.address for s in self.plan.steps if s.action not in ("no-op", "read")]
        active = set(order)
        dependents: dict[str, list[str]] = {a: [] for a in order}
        nodes: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for address in order:
            step = self.steps[address]
            waits = [d for d in step.depends_on if d in active]
            nodes[("step", address)] = [("step", d) for d in waits]
            for d in waits:
                dependents[d].append(address)
        # create-before-delete replace: the old object goes once dependents moved to the new one
        for address in order:
            step = self.steps[address]
            if step.action == "replace" and not step.options.delete_before_replace:
                nodes[("deposed", address)] = [("step", address)] + [
                    ("step", a) for a in dependents[address] if self.steps[a].action != "delete"
                ]
        # a delete also waits for the old objects of replaced dependents: they still use it
        for address in order:
            if self.steps[address].action == "delete":
                nodes[("step", address)] += [
                    ("deposed", d)
                    for d in self.steps[address].depends_on
                    if ("deposed", d) in nodes
                ]
        return nodes

    # -- entry point -------------------------------------------------------------------------

    async def run(self) -> ApplyResult:
        self.stop.arm()
        for s in self.plan.steps:
            if s.action in ("no-op", "read"):
                self._outcomes[s.address] = StepOutcome(s.address, s.action, "unchanged")
        self.node_deps = self._nodes()
        walk = Walk(
            self.node_deps,
            self._run_node,
            parallelism=self.options.parallelism,
            halt_on_failure=self.options.on_failure != "continue",
            should_halt=lambda: self.stop.requested,
        )
        statuses = await walk()
        for (kind, address), status in statuses.items():
            if kind != "step" or status in ("done", "failed"):
                continue
            step = self.steps[address]
            self._outcomes[address] = StepOutcome(address, step.action, status)
            self.emit(ExecEvent(status, address, step.action))
        failed = any(o.status == "failed" for o in self._outcomes.values()) or any(
            s == "failed" for s in statuses.values()
        )
        result = ApplyResult(status="succeeded", outcomes=dict(self._outcomes))
        interrupted = self.stop.requested and any(s == "not-started" for s in statuses.values())
        result.interrupted = interrupted
        if (failed or interrupted) and self.options.on_failure == "rollback" and self.done:
            self.emit(ExecEvent("rollback", message="rolling back completed steps"))
            undo, differs = await self._rollback()
            if differs:
                differs = await self._backstop(differs)
            result.undo = undo
            result.still_differs = differs
            result.status = "rollback-failed" if differs else "rolled-back"
        elif interrupted:
            result.status = "interrupted"
        elif failed:
            result.status = "failed"
        for server, problem in (await self.transactions.commit_all()).items():
            self.emit(ExecEvent("transaction", server, "commit", f"commit failed: {problem}"))
        result.outputs, result.output_errors = self.outputs()
        return result

    async def _run_node(self, node: tuple[str, str]) -> bool:
        kind, address = node
        step = self.steps[address]
        action = "delete" if kind == "deposed" else step.action
        start = time.perf_counter()
        self.emit(ExecEvent("start", address, action if kind == "step" else "delete-old"))
        try:
            if kind == "deposed":
                await self._delete_deposed(step)
                changed = True
            else:
                changed = await self._execute(step)
        except IacError as exc:
            seconds = time.perf_counter() - start
            msg = exc.message if isinstance(exc, ProviderError) else str(exc)
            if kind == "step":
                self._outcomes[address] = StepOutcome(address, action, "failed", msg, seconds)
            else:
                prev = self._outcomes.get(address)
                self._outcomes[address] = StepOutcome(
                    address,
                    step.action,
                    "failed",
                    f"deleting the replaced object: {msg}",
                    prev.seconds if prev else seconds,
                )
            self.emit(ExecEvent("failed", address, action, msg, seconds))
            return False
        seconds = time.perf_counter() - start
        if kind == "step":
            status: Literal["done", "unchanged"] = "done" if changed else "unchanged"
            self._outcomes[address] = StepOutcome(address, action, status, None, seconds)
            self.emit(ExecEvent(status, address, action, elapsed=seconds))
        else:
            self.emit(ExecEvent("done", address, "delete-old", elapsed=seconds))
        return True

    # -- resolution --------------------------------------------------------------------------

    def _lookup(self, address: str, path: Path) -> object:
        record = self.records.get(address)
        if record is None:
            raise ConfigError(
                f"reference to '{address}': that resource does not exist (yet)",
                hint="it may have failed or been skipped; see the errors above",
            )
        value = lookup(record.outputs, path)
        if value is MISSING:
            value = lookup(record.properties, path)
        if value is MISSING:
            raise ConfigError(
                f"'{address}' has no output or property '{format_path(path)}'",
                hint="outputs: " + ", ".join(sorted(record.outputs)) if record.outputs else None,
            )
        return value

    def _secret(self, key: str) -> object:
        value = secret_value(key, self.environ)
        if value is None:
            raise ConfigError(f"secret '{key}' is not set")
        return Secret(value)

    def _resolve(self, step: PlanStep) -> dict[str, Any]:
        try:
            value = resolve(step.template or {}, self._lookup, self._secret)
        except ConfigError as exc:
            raise ConfigError(f"resource '{step.address}': {exc}") from None
        assert isinstance(value, dict)
        schema = self.schemas.get(step.type)
        return mark_secret_paths(value, schema.secret_paths if schema else ())

    # -- provider calls ----------------------------------------------------------------------

    def _limiter(self, server: str) -> anyio.CapacityLimiter:
        lim = self._server_limits.get(server)
        if lim is None:
            lim = anyio.CapacityLimiter(max(1, self.providers.limit(server)))
            self._server_limits[server] = lim
        return lim

    async def _call(self, step: PlanStep, what: str, fn: Callable[[Provider], Awaitable[T]]) -> T:
        provider = await self.providers.get(step.server)
        if what in _CHANGES:
            await self._transaction(step.server)
        attempts = step.options.retries + 1
        timeout = step.options.timeout_seconds
        for attempt in range(attempts):
            try:
                async with self._limiter(step.server):
                    with anyio.fail_after(timeout):
                        return await fn(provider)
            except TimeoutError:
                err = ProviderError(
                    "TIMEOUT",
                    f"{what} of '{step.address}' took longer than {timeout:g}s "
                    "(options.timeoutSeconds)",
                    server=step.server,
                )
            except ProviderError as exc:
                err = exc
            if not err.retryable or attempt == attempts - 1:
                raise err
            base = self.options.retry_base_delay * (2**attempt)
            delay = min(self.options.retry_max_delay, base) * random.uniform(0.5, 1.5)
            self.emit(
                ExecEvent(
                    "retry",
                    step.address,
                    what,
                    f"{err.code}: retry {attempt + 1}/{attempts - 1} in {delay:.1f}s",
                )
            )
            await anyio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _transaction(self, server: str) -> None:
        """Open the server's backend transaction before its first change (once per run)."""
        try:
            tx = await self.transactions.open_once(server)
        except ProviderError as exc:
            self.emit(
                ExecEvent(
                    "transaction",
                    server,
                    "begin",
                    f"no backend transaction ({exc.code}: {exc.message}); rollback will rely "
                    "on inverse operations alone",
                )
            )
            return
        if tx is not None:
            self.emit(ExecEvent("transaction", server, "begin", f"transaction {tx} opened"))

    async def _intent(
        self,
        step: PlanStep,
        kind: Literal["create", "update", "delete"],
        *,
        key: str,
        resource_id: str | None,
        inputs: dict[str, Any],
        prior: ResourceRecord | None,
        address: str | None = None,
    ) -> int:
        address = address or step.address
        return await self.journal.begin(
            OperationIntent(
                deployment=self.plan.deployment,
                urn=f"{self.plan.deployment}/{address}",
                address=address,
                server=step.server,
                type=step.type,
                name=step.name,
                kind=kind,
                idempotency_key=key,
                resource_id=resource_id,
                inputs=inputs,
                prior=prior,
                dependencies=step.dependencies,
                protect=step.options.protect,
            ),
        )

    # -- the operations ----------------------------------------------------------------------

    async def _create(
        self,
        step: PlanStep,
        props: dict[str, Any],
        *,
        prior: ResourceRecord | None,
        depose: bool,
    ) -> ResourceRecord:
        key = f"{step.urn}@{uuid.uuid4().hex}"
        op = await self._intent(
            step, "create", key=key, resource_id=None, inputs=props, prior=prior
        )
        plain = _plain(props)
        try:
            result = await self._call(
                step,
                "create",
                lambda p: p.create(
                    step.type,
                    name=step.name,
                    urn=step.urn,
                    idempotency_key=key,
                    properties=plain,
                ),
            )
            rid, outputs = result.id, dict(result.outputs)
        except ProviderError as exc:
            found = await self._find_by_key(step, key) if exc.code in AMBIGUOUS else None
            if found is None:
                self.state.fail_operation(op, str(exc))
                raise
            rid, outputs = found
        now = _now()
        record = ResourceRecord(
            urn=step.urn,
            address=step.address,
            server=step.server,
            type=step.type,
            name=step.name,
            id=rid,
            properties=props,
            outputs=_mark_secrets(outputs, self.schemas.get(step.type), props),
            dependencies=step.dependencies,
            idempotency_key=key,
            protect=step.options.protect,
            created_at=now,
            updated_at=now,
        )
        records = [record]
        if depose and prior is not None:
            old = deposed_address(step.address, prior.idempotency_key)
            records.append(replace(prior, address=old, urn=f"{self.plan.deployment}/{old}"))
        self.state.complete_operation(op, records=records, result_id=rid)
        for r in records:
            self.records[r.address] = r
        return record

    async def _landed(
        self, step: PlanStep, id_: str, wanted: dict[str, Any]
    ) -> dict[str, Any] | None:
        """After an ambiguous update error: the object's outputs if the update took effect."""
        try:
            read = await self._call(step, "read", lambda p: p.read(step.type, id_, wanted))
        except ProviderError:
            return None
        if not read.exists:
            return None
        actual = dict(read.properties)
        if any(k in actual and diff_paths(v, actual[k]) for k, v in wanted.items()):
            return None
        return dict(read.outputs)

    async def _find_by_key(self, step: PlanStep, key: str) -> tuple[str, dict[str, Any]] | None:
        try:
            items = await self._call(
                step, "lookup", lambda p: p.list(step.type, {IDEMPOTENCY_FILTER: key})
            )
        except ProviderError:
            return None
        if not items:
            return None
        return items[0].id, dict(items[0].outputs)

    async def _update(self, step: PlanStep, props: dict[str, Any]) -> bool:
        prior = self.records[step.address]
        ignored = parse_paths(list(step.options.ignore_changes), "ignoreChanges")
        props = with_ignored(props, prior.properties, ignored)
        # The plan decided this update. Skip the provider only when it changes no property: the
        # plan depended on values unknown at plan time that turned out the same, or only
        # bookkeeping changed (protect, dependencies). A plan made with --refresh may update
        # an object whose recorded properties already equal the new ones: that call is needed.
        if not diff_paths(prior.properties, props) and (
            step.unknown_paths or not step.changed_paths
        ):
            record = replace(prior, dependencies=step.dependencies, protect=step.options.protect)
            self.state.write_resources(self.plan.deployment, records=[record])
            self.records[step.address] = record
            return False
        op = await self._intent(
            step,
            "update",
            key=prior.idempotency_key,
            resource_id=prior.id,
            inputs=props,
            prior=prior,
        )
        old_plain, new_plain = _plain(prior.properties), _plain(props)
        try:
            result = await self._call(
                step,
                "update",
                lambda p: p.update(
                    step.type,
                    prior.id,
                    old=old_plain,
                    new=new_plain,
                ),
            )
            outputs = dict(result.outputs)
        except ProviderError as exc:
            landed = (
                await self._landed(step, prior.id, new_plain) if exc.code in AMBIGUOUS else None
            )
            if landed is None:
                self.state.fail_operation(op, str(exc))
                raise
            outputs = landed
        record = replace(
            prior,
            properties=props,
            outputs=_mark_secrets(outputs, self.schemas.get(step.type), props),
            dependencies=step.dependencies,
            protect=step.options.protect,
            status="ready",
            updated_at=_now(),
        )
        self.state.complete_operation(op, records=[record], result_id=prior.id)
        self.records[step.address] = record
        self.done.append(_Done(("step", step.address), "update", step.address, prior, record))
        return True

    async def _delete_record(self, step: PlanStep, record: ResourceRecord) -> None:
        op = await self._intent(
            step,
            "delete",
            key=record.idempotency_key,
            resource_id=record.id,
            inputs=record.properties,
            prior=record,
            address=record.address,
        )
        plain = _plain(record.properties)
        try:
            await self._call(step, "delete", lambda p: p.delete(step.type, record.id, plain))
        except ProviderError as exc:
            if exc.code != "NOT_FOUND":
                self.state.fail_operation(op, str(exc))
                raise
        self.state.complete_operation(op, remove=[record.address])
        self.records.pop(record.address, None)

    async def _execute(self, step: PlanStep) -> bool:
        if step.action == "delete":
            record = self.records[step.address]
            await self._delete_record(step, record)
            self.done.append(_Done(("step", step.address), "delete", step.address, record, None))
            return True
        props = self._resolve(step)
        if step.action == "create":
            new = await self._create(step, props, prior=None, depose=False)
            self.done.append(_Done(("step", step.address), "create", step.address, None, new))
            return True
        if step.action == "update":
            return await self._update(step, props)
        if step.action == "replace":
            prior = self.records[step.address]
            if step.options.delete_before_replace:
                await self._delete_record(step, prior)
                self.done.append(_Done(("step", step.address), "delete", step.address, prior, None))
                new = await self._create(step, props, prior=None, depose=False)
                self.done.append(_Done(("step", step.address), "create", step.address, None, new))
            else:
                new = await self._create(step, props, prior=prior, depose=True)
                old = deposed_address(step.address, prior.idempotency_key)
                self.done.append(
                    _Done(
                        ("step", step.address),
                        "replace",
                        step.address,
                        prior,
                        new,
                        deposed_address=old,
                    )
                )
            return True
        raise ConfigError(f"resource '{step.address}': unsupported action '{step.action}'")

    async def _delete_deposed(self, step: PlanStep) -> None:
        prior = next(
            (d for d in reversed(self.done) if d.address == step.address and d.kind == "replace"),
            None,
        )
        if prior is None or prior.deposed_address is None:
            return
        record = self.records.get(prior.deposed_address)
        if record is None:
            return
        await self._delete_record(step, record)
        self.done.append(_Done(("deposed", step.address), "delete", record.address, record, None))

    # -- rollback ----------------------------------------------------------------------------

    async def _rollback(self) -> tuple[dict[str, StepOutcome], list[str]]:
        """Undo completed changes, newest dependents first, in parallel where independent."""
        entries = list(enumerate(self.done))
        finished_at = {i: i for i, _ in entries}
        # undo(i) waits for undo(j) when j's node depended on i's node and j finished later
        by_node: dict[tuple[str, str], list[int]] = {}
        for i, d in entries:
            by_node.setdefault(d.node, []).append(i)
        deps: dict[int, list[int]] = {i: [] for i, _ in entries}
        for j, dj in entries:
            for dep_node in self.node_deps.get(dj.node, []):
                for i in by_node.get(dep_node, []):
                    if finished_at[i] < finished_at[j]:
                        deps[i].append(j)
            for i in by_node.get(dj.node, []):
                if i < j:
                    deps[i].append(j)  # same node: undo its later part first
        undo: dict[str, StepOutcome] = {}
        differs: list[str] = []

        async def run(i: int) -> bool:
            d = self.done[i]
            # a planned delete of a deposed object is a step of its own; an old object this
            # run deposed belongs to its resource's step
            step = self.steps.get(d.address) or self.steps[d.address.split("#", 1)[0]]
            start = time.perf_counter()
            self.emit(ExecEvent("undo-start", d.address, d.kind))
            try:
                await self._undo(step, d)
            except IacError as exc:
                msg = exc.message if isinstance(exc, ProviderError) else str(exc)
                undo[f"{d.address}#{i}"] = StepOutcome(d.address, f"undo {d.kind}", "failed", msg)
                differs.append(f"{d.address}: could not undo {d.kind}: {msg}")
                self.emit(ExecEvent("undo-failed", d.address, d.kind, msg))
                return False
            secs = time.perf_counter() - start
            undo[f"{d.address}#{i}"] = StepOutcome(d.address, f"undo {d.kind}", "done", None, secs)
            self.emit(ExecEvent("undo-done", d.address, d.kind, elapsed=secs))
            return True

        walk = Walk(deps, run, parallelism=self.options.parallelism, halt_on_failure=False)
        statuses = await walk()
        for i, status in statuses.items():
            if status == "skipped":
                d = self.done[i]
                differs.append(f"{d.address}: {d.kind} not undone (an undo it waits on failed)")
        self._not_undone = sorted(i for i, status in statuses.items() if status != "done")
        return undo, differs

    async def _backstop(self, differs: list[str]) -> list[str]:
        """Roll back the backend transaction of every server with changes the inverse
        operations could not undo, and put their records back as they were before the run.
        Returns what still differs."""
        by_server: dict[str, list[int]] = {}
        for i in self._not_undone:
            d = self.done[i]
            step = self.steps.get(d.address) or self.steps[d.address.split("#", 1)[0]]
            by_server.setdefault(step.server, []).append(i)
        restored: set[str] = set()
        for server, indexes in by_server.items():
            if server not in self.transactions.open:
                continue
            try:
                await self.transactions.roll_back(server)
            except ProviderError as exc:
                self.emit(ExecEvent("transaction", server, "rollback", f"rollback failed: {exc}"))
                continue
            for i in sorted(indexes, reverse=True):
                self._restore_prior(self.done[i])
                restored.add(self.done[i].address)
            self.emit(
                ExecEvent(
                    "transaction",
                    server,
                    "rollback",
                    f"rolled back to where the run began ({len(indexes)} change(s) the "
                    "inverse operations could not undo)",
                )
            )
        return [d for d in differs if not any(d.startswith(f"{a}: ") for a in restored)]

    def _restore_prior(self, d: _Done) -> None:
        """Record ``d``'s resource as it was before the run (its backend was rolled back)."""
        remove = [d.deposed_address] if d.deposed_address else []
        records: list[ResourceRecord] = []
        if d.prior is None:
            remove.append(d.address)
        else:
            records.append(replace(d.prior, address=d.address))
        for address in remove:
            self.records.pop(address, None)
        for record in records:
            self.records[record.address] = record
        self.state.write_resources(self.plan.deployment, records=records, remove=remove)

    async def _undo(self, step: PlanStep, d: _Done) -> None:
        if d.kind == "create" and d.new is not None:
            await self._delete_record(step, self.records.get(d.address, d.new))
        elif d.kind == "update" and d.prior is not None:
            current = self.records[d.address]
            op = await self._intent(
                step,
                "update",
                key=current.idempotency_key,
                resource_id=current.id,
                inputs=d.prior.properties,
                prior=current,
            )
            old_plain, new_plain = _plain(current.properties), _plain(d.prior.properties)
            try:
                result = await self._call(
                    step,
                    "update",
                    lambda p: p.update(step.type, current.id, old=old_plain, new=new_plain),
                )
            except ProviderError as exc:
                self.state.fail_operation(op, str(exc))
                raise
            restored = replace(
                d.prior,
                outputs=_mark_secrets(
                    dict(result.outputs), self.schemas.get(step.type), d.prior.properties
                ),
            )
            self.state.complete_operation(op, records=[restored], result_id=current.id)
            self.records[d.address] = restored
        elif d.kind == "delete" and d.prior is not None:
            prior = d.prior
            base = replace(
                step,
                address=prior.address,
                urn=prior.urn,
                dependencies=prior.dependencies,
                options=replace(step.options, protect=prior.protect),
            )
            recreated = await self._create(base, prior.properties, prior=None, depose=False)
            self.records[prior.address] = recreated
        elif d.kind == "replace" and d.new is not None and d.prior is not None:
            current_new = self.records.get(d.address, d.new)
            await self._delete_record(step, current_new)
            old_addr = d.deposed_address or ""
            old = self.records.get(old_addr)
            if old is None:
                return
            restored = replace(old, address=d.prior.address, urn=d.prior.urn)
            # one transaction: the old object is either deposed or current, never both
            self.state.write_resources(self.plan.deployment, records=[restored], remove=[old_addr])
            self.records.pop(old_addr, None)
            self.records[d.address] = restored

    # -- outputs -----------------------------------------------------------------------------

    def outputs(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Deployment outputs resolved against the recorded resources."""
        return resolve_outputs(self.plan.outputs, self.records, environ=self.environ)
