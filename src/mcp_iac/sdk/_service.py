"""The iac/1 operations of a provider, independent of MCP: arguments in, envelope out.

Every call is answered with an envelope, whatever happens inside: arguments and properties are
validated before a handler runs (``VALIDATION`` naming each path), a ``ProviderError`` keeps its
code, retryability and details, and any other exception becomes ``INTERNAL`` with its message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mcp_iac.core import ProviderError, covers, diff_paths, format_path, lookup, parse_path
from mcp_iac.protocol import (
    IAC_BEGIN,
    IAC_COMMIT,
    IAC_CREATE,
    IAC_DELETE,
    IAC_DESCRIBE,
    IAC_DIFF,
    IAC_HEALTH,
    IAC_LIST,
    IAC_READ,
    IAC_ROLLBACK,
    IAC_UPDATE,
    IAC_VALIDATE,
    TOOL_SPECS,
    CommitRequest,
    CreateRequest,
    CreateResult,
    DeleteRequest,
    DeleteResult,
    DiffRequest,
    DiffResult,
    Envelope,
    HealthResult,
    ListItem,
    ListRequest,
    ListResult,
    Metadata,
    ProviderSchema,
    ReadRequest,
    ReadResult,
    RollbackRequest,
    TransactionResult,
    UpdateRequest,
    UpdateResult,
    ValidateRequest,
    ValidateResult,
    error_envelope,
    metadata,
    success_envelope,
)

from ._types import (
    AnyHandler,
    CreateContext,
    Created,
    HealthCheck,
    Observed,
    TransactionHandler,
    TypeSpec,
)
from ._validation import issues_of, parse_lenient, parse_strict

logger = logging.getLogger("mcp_iac.sdk")

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Registered:
    """A resource type ready to serve: its spec and handler."""

    spec: TypeSpec[Any, Any]
    handler: AnyHandler


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


def _elapsed_ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0


class ProviderService:
    """Answers iac/1 tool calls for a set of resource types. Built by ``IacProvider``; the MCP
    server is a thin layer over :meth:`call`."""

    def __init__(
        self,
        *,
        name: str,
        version: str,
        types: Mapping[str, Registered],
        health: HealthCheck | None = None,
        transactions: TransactionHandler | None = None,
    ) -> None:
        self.name = name
        self.version = version
        self._types = dict(types)
        self._health = health
        self._transactions = transactions
        self.schema = ProviderSchema(
            name=name,
            version=version,
            types=tuple(self._types[t].spec.schema() for t in sorted(self._types)),
            transactions=transactions is not None,
        )
        self._ops: dict[str, Callable[[Mapping[str, Any]], Awaitable[BaseModel]]] = {
            IAC_DESCRIBE: self._describe,
            IAC_VALIDATE: self._validate,
            IAC_DIFF: self._diff,
            IAC_CREATE: self._create,
            IAC_READ: self._read,
            IAC_UPDATE: self._update,
            IAC_DELETE: self._delete,
            IAC_LIST: self._list,
            IAC_HEALTH: self._health_check,
        }
        if transactions is not None:
            self._ops |= {
                IAC_BEGIN: self._begin,
                IAC_COMMIT: self._commit,
                IAC_ROLLBACK: self._rollback,
            }

    @property
    def tools(self) -> tuple[str, ...]:
        """The iac/1 tools this provider offers."""
        return tuple(self._ops)

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> Envelope[Any]:
        """Run ``tool`` with ``arguments``; always an envelope, never an exception (except
        cancellation)."""
        started = datetime.now(UTC)
        t0 = time.perf_counter()
        try:
            op = self._ops.get(tool)
            if op is None:
                offered = ", ".join(self._ops)
                raise ProviderError(
                    "VALIDATION", f"unknown tool '{tool}'; this provider offers: {offered}"
                )
            data = await op(arguments)
        except ProviderError as exc:
            meta = self._meta(started, t0)
            return error_envelope(exc, meta)
        except Exception as exc:  # the boundary: whatever a handler raises becomes INTERNAL
            logger.exception("provider '%s': %s failed unexpectedly", self.name, tool)
            error = ProviderError(
                "INTERNAL",
                str(exc) or type(exc).__name__,
                details={"exception": type(exc).__qualname__},
            )
            meta = self._meta(started, t0)
            return error_envelope(error, meta)
        meta = self._meta(started, t0)
        return success_envelope(data, meta)

    # --- helpers -------------------------------------------------------------------------

    def _meta(self, started: datetime, t0: float) -> Metadata:
        return metadata(
            server=self.name, version=self.version, started=started, duration_ms=_elapsed_ms(t0)
        )

    def _registered(self, type_: str) -> Registered:
        found = self._types.get(type_)
        if found is None:
            offered = ", ".join(sorted(self._types))
            raise ProviderError(
                "VALIDATION",
                f"unknown resource type '{type_}'; this provider offers: {offered}",
            )
        return found

    @staticmethod
    def _request(tool: str, model: type[M], arguments: Mapping[str, Any]) -> M:
        return parse_strict(model, arguments, f"invalid arguments for {tool}", noun="argument")

    @staticmethod
    def _props(reg: Registered, raw: Mapping[str, Any], what: str = "") -> Any:
        return parse_strict(
            reg.spec.properties,
            raw,
            f"invalid {what}properties for {reg.spec.type}",
            noun="property",
        )

    @staticmethod
    def _outputs(reg: Registered, value: object, op: str) -> dict[str, Any]:
        if not isinstance(value, reg.spec.outputs):
            raise ProviderError(
                "INTERNAL",
                f"handler of {reg.spec.type}: {op} returned outputs of type "
                f"{type(value).__name__}, expected {reg.spec.outputs.__name__}",
            )
        return _dump(value)

    @classmethod
    def _observed(cls, reg: Registered, value: object, op: str) -> Observed[Any, Any]:
        if not isinstance(value, Observed) or not isinstance(value.properties, reg.spec.properties):
            raise ProviderError(
                "INTERNAL",
                f"handler of {reg.spec.type}: {op} returned {type(value).__name__}, expected "
                f"Observed with {reg.spec.properties.__name__} properties",
            )
        return value

    # --- operations ----------------------------------------------------------------------

    async def _describe(self, arguments: Mapping[str, Any]) -> ProviderSchema:
        self._request(IAC_DESCRIBE, TOOL_SPECS[IAC_DESCRIBE].request, arguments)
        return self.schema

    async def _validate(self, arguments: Mapping[str, Any]) -> ValidateResult:
        req = self._request(IAC_VALIDATE, ValidateRequest, arguments)
        model = self._registered(req.type).spec.properties
        try:
            model.model_validate(req.properties)
        except ValidationError as exc:
            return ValidateResult(valid=False, errors=tuple(issues_of(model, exc)))
        return ValidateResult(valid=True)

    async def _diff(self, arguments: Mapping[str, Any]) -> DiffResult:
        req = self._request(IAC_DIFF, DiffRequest, arguments)
        reg = self._registered(req.type)
        new = _dump(self._props(reg, req.new))
        parsed_old = parse_lenient(reg.spec.properties, req.old)
        old = req.old if parsed_old is None else _dump(parsed_old)
        changed = diff_paths(old, new)
        replace_on = [parse_path(p) for p in reg.spec.replace_on_changes]
        # As the planner decides: a change at or beneath a replace path forces a replace, and
        # so does a coarser change that alters the value at one.
        forcing = [
            p
            for p in changed
            if any(
                covers(r, p) or (covers(p, r) and diff_paths(lookup(old, r), lookup(new, r)))
                for r in replace_on
            )
        ]
        return DiffResult(
            changed=tuple(format_path(p) for p in changed),
            replace=bool(forcing),
            replace_paths=tuple(format_path(p) for p in forcing),
        )

    async def _create(self, arguments: Mapping[str, Any]) -> CreateResult:
        req = self._request(IAC_CREATE, CreateRequest, arguments)
        reg = self._registered(req.type)
        props = self._props(reg, req.properties)
        ctx = CreateContext(name=req.name, urn=req.urn, idempotency_key=req.idempotency_key)
        created = await reg.handler.create(ctx, props)
        if not isinstance(created, Created):
            raise ProviderError(
                "INTERNAL",
                f"handler of {reg.spec.type}: create returned {type(created).__name__}, "
                "expected Created",
            )
        return CreateResult(id=created.id, outputs=self._outputs(reg, created.outputs, "create"))

    async def _read(self, arguments: Mapping[str, Any]) -> ReadResult:
        req = self._request(IAC_READ, ReadRequest, arguments)
        reg = self._registered(req.type)
        raw = await reg.handler.read(req.id, parse_lenient(reg.spec.properties, req.properties))
        if raw is None:
            return ReadResult(exists=False)
        found = self._observed(reg, raw, "read")
        return ReadResult(
            exists=True,
            properties=_dump(found.properties),
            outputs=self._outputs(reg, found.outputs, "read"),
        )

    async def _update(self, arguments: Mapping[str, Any]) -> UpdateResult:
        req = self._request(IAC_UPDATE, UpdateRequest, arguments)
        reg = self._registered(req.type)
        old = self._props(reg, req.old, "old ")
        new = self._props(reg, req.new)
        outputs = await reg.handler.update(req.id, old, new)
        return UpdateResult(outputs=self._outputs(reg, outputs, "update"))

    async def _delete(self, arguments: Mapping[str, Any]) -> DeleteResult:
        req = self._request(IAC_DELETE, DeleteRequest, arguments)
        reg = self._registered(req.type)
        try:
            await reg.handler.delete(req.id, parse_lenient(reg.spec.properties, req.properties))
        except ProviderError as exc:
            if exc.code != "NOT_FOUND":
                raise
            # The promise: deleting what is already gone succeeds.
        return DeleteResult()

    async def _list(self, arguments: Mapping[str, Any]) -> ListResult:
        req = self._request(IAC_LIST, ListRequest, arguments)
        reg = self._registered(req.type)
        key = req.filter.idempotency_key
        found = await reg.handler.list(key)
        items = []
        for raw in found:
            item = self._observed(reg, raw, "list")
            items.append(
                ListItem(
                    id=item.id,
                    name=item.name,
                    properties=_dump(item.properties),
                    outputs=self._outputs(reg, item.outputs, "list"),
                )
            )
        return ListResult(items=tuple(items))

    async def _health_check(self, arguments: Mapping[str, Any]) -> HealthResult:
        self._request(IAC_HEALTH, TOOL_SPECS[IAC_HEALTH].request, arguments)
        t0 = time.perf_counter()
        if self._health is None:
            return HealthResult(status="ok", latency_ms=_elapsed_ms(t0))
        result = await self._health()
        if not isinstance(result, HealthResult):
            raise ProviderError(
                "INTERNAL",
                f"health check returned {type(result).__name__}, expected HealthResult",
            )
        if result.latency_ms == 0:
            result = result.model_copy(update={"latency_ms": _elapsed_ms(t0)})
        return result

    def _tx(self) -> TransactionHandler:
        if self._transactions is None:  # pragma: no cover - the tools are not offered then
            raise ProviderError("VALIDATION", f"provider '{self.name}' has no transactions")
        return self._transactions

    async def _begin(self, arguments: Mapping[str, Any]) -> TransactionResult:
        self._request(IAC_BEGIN, TOOL_SPECS[IAC_BEGIN].request, arguments)
        transaction_id = await self._tx().begin()
        if not isinstance(transaction_id, str) or not transaction_id:
            raise ProviderError(
                "INTERNAL", f"transaction begin returned {transaction_id!r}, expected an id"
            )
        return TransactionResult(transaction_id=transaction_id)

    async def _commit(self, arguments: Mapping[str, Any]) -> TransactionResult:
        req = self._request(IAC_COMMIT, CommitRequest, arguments)
        await self._tx().commit(req.transaction_id)
        return TransactionResult(transaction_id=req.transaction_id)

    async def _rollback(self, arguments: Mapping[str, Any]) -> TransactionResult:
        req = self._request(IAC_ROLLBACK, RollbackRequest, arguments)
        await self._tx().rollback(req.transaction_id)
        return TransactionResult(transaction_id=req.transaction_id)
