"""The iac/1 contract suite: checks any provider (any language, any transport) keeps the
promises the engine relies on. ``run_contract(client)`` returns a :class:`ContractReport`.

Per resource type it needs sample properties: given by the caller (``samples``), or else the
first example the provider publishes in ``iac_describe``; a type with neither is skipped.
Every object the suite creates is deleted again, whatever fails.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from mcp_iac.core import (
    JSON,
    ProviderError,
    covers,
    diff_paths,
    parse_path,
    split_type,
)
from mcp_iac.protocol import (
    IDEMPOTENCY_FILTER,
    PROTOCOL_VERSION,
    REQUIRED_TOOLS,
    TRANSACTION_TOOLS,
    ProviderSchema,
    ResourceTypeSchema,
    schema_has_path,
)

from ._client import ProviderClient, ToolSession
from ._report import TITLES, CheckStatus, ContractCheck, ContractReport, Sample


class _Failed(Exception):
    """A check's expectation did not hold; the message says which."""


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise _Failed(message)


def _differences(expected: Mapping[str, Any], actual: Mapping[str, Any], skip: list[Any]) -> str:
    """Where ``actual`` lacks or differs from the values of ``expected`` (ignoring ``skip``)."""
    problems = []
    for key in sorted(expected):
        if any(covers(s, (key,)) or covers((key,), s) for s in skip):
            continue
        if key not in actual:
            problems.append(f"property '{key}' is missing")
        elif diff_paths(expected[key], actual[key]):
            problems.append(f"property '{key}' is {actual[key]!r}, expected {expected[key]!r}")
    return "; ".join(problems)


def _invalid_variant(
    schema: ResourceTypeSchema, sample: Sample
) -> tuple[dict[str, JSON], str | None] | None:
    """Properties the type must reject, and the path the rejection should name."""
    if sample.invalid is not None:
        return dict(sample.invalid), sample.invalid_path
    props_schema = schema.properties
    if props_schema.get("additionalProperties") is False:
        return {**sample.properties, "contractUnknownProperty": True}, "contractUnknownProperty"
    required = props_schema.get("required") or []
    if required:
        name = str(required[0])
        return {k: v for k, v in sample.properties.items() if k != name}, name
    declared = props_schema.get("properties") or {}
    for name, prop in declared.items():
        if isinstance(prop, Mapping) and prop.get("type") in (
            "string",
            "integer",
            "number",
            "boolean",
            "array",
        ):
            return {**sample.properties, name: {"contract": "invalid"}}, name
    return None


def _names_path(paths: Sequence[str], expected: str) -> bool:
    return any(p == expected or p.startswith((f"{expected}.", f"{expected}[")) for p in paths)


class _Suite:
    def __init__(self, client: ProviderClient, samples: Mapping[str, Sample]) -> None:
        self.client = client
        self.samples = samples
        self.checks: list[ContractCheck] = []
        self.run_id = uuid.uuid4().hex[:12]
        self.serial = 0
        self.created: dict[tuple[str, str], dict[str, Any]] = {}

    def record(
        self, name: str, status: CheckStatus, message: str = "", type_: str | None = None
    ) -> None:
        self.checks.append(
            ContractCheck(name=name, title=TITLES[name], status=status, message=message, type=type_)
        )

    async def check(
        self, name: str, body: Callable[[], Awaitable[str | None]], type_: str | None = None
    ) -> bool:
        """Run one check; True when it passed. ``body`` returns an optional note."""
        try:
            note = await body()
        except _Failed as exc:
            self.record(name, "failed", str(exc), type_)
            return False
        except ProviderError as exc:
            self.record(name, "failed", f"unexpected error {exc.code}: {exc.reason}", type_)
            return False
        self.record(name, "passed", note or "", type_)
        return True

    def key(self, type_: str) -> tuple[str, str, str]:
        """A fresh (name, urn, idempotency key) for an object of ``type_``."""
        self.serial += 1
        name = f"contract-{self.run_id}-{self.serial}"
        _, path = split_type(type_)
        urn = f"contract-{self.run_id}/{':'.join((type_.split(':', 1)[0], *path, name))}"
        return name, urn, f"{urn}@{uuid.uuid4().hex}"

    async def create(self, type_: str, props: dict[str, Any], key: tuple[str, str, str]) -> str:
        name, urn, idem = key
        result = await self.client.create(
            type_, name=name, urn=urn, idempotency_key=idem, properties=props
        )
        _expect(bool(result.id), "create returned an empty id")
        self.created[(type_, result.id)] = props
        return result.id

    async def delete(self, type_: str, id_: str) -> None:
        props = self.created.get((type_, id_), {})
        await self.client.delete(type_, id_, props)
        self.created.pop((type_, id_), None)

    async def cleanup(self) -> None:
        for type_, id_ in list(self.created):
            with contextlib.suppress(ProviderError):  # best effort; the report says what failed
                await self.delete(type_, id_)


async def _tools(suite: _Suite, schema: ProviderSchema | None) -> str | None:
    tools = {t.name: t for t in await suite.client.tools()}
    missing = sorted(REQUIRED_TOOLS - set(tools))
    _expect(not missing, f"missing tools: {', '.join(missing)}")
    offered = [t for t in TRANSACTION_TOOLS if t in tools]
    _expect(
        len(offered) in (0, len(TRANSACTION_TOOLS)),
        f"transaction tools come as a set; only {', '.join(offered)} listed",
    )
    if schema is not None:
        _expect(
            bool(offered) == schema.transactions,
            f"describe says transactions: {str(schema.transactions).lower()}, but the tools "
            f"{'are' if offered else 'are not'} listed",
        )
    no_output = sorted(n for n, t in tools.items() if n.startswith("iac_") and not t.output_schema)
    _expect(not no_output, f"tools without an output schema: {', '.join(no_output)}")
    return None


def _describe_problems(schema: ProviderSchema) -> list[str]:
    problems: list[str] = []
    if schema.protocol != PROTOCOL_VERSION:
        problems.append(f"protocol is {schema.protocol!r}, expected {PROTOCOL_VERSION!r}")
    if not schema.name or not schema.version:
        problems.append("name and version must not be empty")
    if not schema.types:
        problems.append("no resource types")
    names = [t.type for t in schema.types]
    if len(set(names)) != len(names):
        problems.append("duplicate resource types")
    for t in schema.types:
        try:
            provider, _ = split_type(t.type)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if provider != schema.name:
            problems.append(f"type '{t.type}' does not start with '{schema.name}:'")
        for role, js in (("properties", t.properties), ("outputs", t.outputs)):
            if js.get("type") != "object":
                problems.append(f"{t.type}: the {role} schema is not an object schema")
        bad_replace = [p for p in t.replace_on_changes if not schema_has_path(t.properties, p)]
        if bad_replace:
            problems.append(f"{t.type}: replaceOnChanges not in the properties: {bad_replace}")
        bad_secret = [
            p
            for p in t.secret_paths
            if not (schema_has_path(t.properties, p) or schema_has_path(t.outputs, p))
        ]
        if bad_secret:
            problems.append(f"{t.type}: secretPaths not in properties or outputs: {bad_secret}")
    return problems


class _TypeRun:
    """The per-type checks, sharing the sample and the object idempotent-create makes."""

    def __init__(self, suite: _Suite, schema: ResourceTypeSchema, sample: Sample) -> None:
        self.suite = suite
        self.client = suite.client
        self.schema = schema
        self.type = schema.type
        self.sample = sample
        self.secret = [parse_path(p) for p in schema.secret_paths]
        self.made: tuple[str, str] | None = None  # (id, idempotency key) of idempotent-create

    async def run(self) -> None:
        suite, type_ = self.suite, self.type
        await suite.check("validate", self.validate, type_)
        variant = _invalid_variant(self.schema, self.sample)
        if variant is None:
            suite.record(
                "invalid-properties",
                "skipped",
                "cannot derive invalid properties from the schema; pass Sample.invalid",
                type_,
            )
        else:
            bad, path = variant
            await suite.check("invalid-properties", lambda: self.invalid(bad, path), type_)
        await suite.check("round-trip", self.round_trip, type_)
        await suite.check("idempotent-create", self.idempotent, type_)
        if self.made is None:
            for name in ("list-by-key", "delete-missing"):
                suite.record(name, "skipped", "needs the object of idempotent-create", type_)
            return
        await suite.check("list-by-key", self.list_by_key, type_)
        await suite.check("delete-missing", self.delete_missing, type_)

    async def validate(self) -> str | None:
        for label, props in (("sample", self.sample.properties), ("update", self.sample.update)):
            if props is None:
                continue
            issues = await self.client.validate(self.type, props)
            _expect(not issues, f"the {label} is invalid: {[i.model_dump() for i in issues]}")
        return None

    async def invalid(self, bad: dict[str, JSON], path: str | None) -> str | None:
        issues = await self.client.validate(self.type, bad)
        _expect(bool(issues), f"validate accepted invalid properties {bad!r}")
        if path is not None:
            paths = [i.path for i in issues]
            _expect(_names_path(paths, path), f"validate named {paths}, not '{path}'")
        key = self.suite.key(self.type)
        try:
            made = await self.suite.create(self.type, bad, key)
        except ProviderError as exc:
            _expect(
                exc.code == "VALIDATION",
                f"create failed with {exc.code}, not VALIDATION: {exc.reason}",
            )
            details = exc.details if isinstance(exc.details, list) else []
            detail_paths = [str(d.get("path")) for d in details if isinstance(d, Mapping)]
            if path is not None:
                _expect(
                    path in exc.reason or _names_path(detail_paths, path),
                    f"the VALIDATION error does not name '{path}': {exc.reason}",
                )
        else:
            raise _Failed(f"create accepted invalid properties {bad!r} (made '{made}')")
        left = await self.client.list(self.type, {IDEMPOTENCY_FILTER: key[2]})
        _expect(not left, f"a rejected create left objects behind: {[i.id for i in left]}")
        return None

    async def _read_back(self, id_: str, expected: dict[str, JSON], after: str) -> None:
        found = await self.client.read(self.type, id_, expected)
        _expect(found.exists, f"read after {after} says '{id_}' does not exist")
        diff = _differences(expected, found.properties, self.secret)
        _expect(not diff, f"read after {after}: {diff}")

    async def round_trip(self) -> str | None:
        sample, type_ = self.sample, self.type
        id_ = await self.suite.create(type_, sample.properties, self.suite.key(type_))
        await self._read_back(id_, sample.properties, "create")
        note = None
        if sample.update is None:
            note = "no update sample: update not exercised"
        else:
            await self.client.update(type_, id_, old=sample.properties, new=sample.update)
            self.suite.created[(type_, id_)] = sample.update
            await self._read_back(id_, sample.update, "update")
        await self.suite.delete(type_, id_)
        gone = await self.client.read(type_, id_, sample.update or sample.properties)
        _expect(not gone.exists, f"read after delete says '{id_}' still exists")
        return note

    async def idempotent(self) -> str | None:
        key = self.suite.key(self.type)
        first = await self.suite.create(self.type, self.sample.properties, key)
        self.made = (first, key[2])
        second = await self.suite.create(self.type, self.sample.properties, key)
        _expect(second == first, f"the second create returned '{second}', the first '{first}'")
        return None

    async def list_by_key(self) -> str | None:
        assert self.made is not None  # run() checks it
        id_, key = self.made
        ids = [i.id for i in await self.client.list(self.type, {IDEMPOTENCY_FILTER: key})]
        _expect(ids == [id_], f"list by key found {ids}, expected ['{id_}']")
        unused = {IDEMPOTENCY_FILTER: f"contract-{uuid.uuid4().hex}"}
        other = [i.id for i in await self.client.list(self.type, unused)]
        _expect(not other, f"list by an unused key found {other}")
        return None

    async def delete_missing(self) -> str | None:
        assert self.made is not None  # run() checks it
        id_, key = self.made
        await self.suite.delete(self.type, id_)
        # Again, now that it is gone; ProviderClient.delete counts NOT_FOUND as deleted.
        await self.client.delete(self.type, id_, self.sample.properties)
        gone = await self.client.read(self.type, id_, self.sample.properties)
        _expect(not gone.exists, f"'{id_}' still exists after delete")
        left = [i.id for i in await self.client.list(self.type, {IDEMPOTENCY_FILTER: key})]
        _expect(not left, f"list by key still finds {left} after delete")
        return None


async def run_contract(
    target: ProviderClient | ToolSession,
    *,
    samples: Mapping[str, Sample] | None = None,
    types: Sequence[str] | None = None,
    timeout: float | None = 30.0,
) -> ContractReport:
    """Run the contract suite against a provider.

    ``target`` is an entered ``mcp.Client`` (in memory, stdio or HTTP) or a
    ``ProviderClient``; ``samples`` maps resource types to sample properties (default: the
    first example each type publishes); ``types`` limits the run to some types; ``timeout``
    bounds each call when ``target`` is not a ProviderClient already.

    Objects the suite creates are deleted before it returns. Failures are reported, not
    raised: the suite raises only when the connection itself breaks.
    """
    client = (
        target if isinstance(target, ProviderClient) else ProviderClient(target, timeout=timeout)
    )
    suite = _Suite(client, samples or {})
    schema: ProviderSchema | None = None

    async def describe() -> str | None:
        nonlocal schema
        schema = await client.describe()
        problems = _describe_problems(schema)
        _expect(not problems, "; ".join(problems))
        return None

    await suite.check("describe", describe)
    await suite.check("tools", lambda: _tools(suite, schema))

    async def health() -> str | None:
        result = await client.health()
        _expect(bool(result.status), "health returned an empty status")
        _expect(result.latency_ms >= 0, f"negative latency {result.latency_ms}")
        return f"status {result.status}"

    await suite.check("health", health)
    if schema is None:
        return ContractReport(provider="?", version="?", protocol="?", checks=tuple(suite.checks))

    try:
        for t in schema.types:
            if types is not None and t.type not in types:
                continue
            sample = suite.samples.get(t.type)
            if sample is None and t.examples:
                example = t.examples[0]
                sample = Sample(properties=example.properties, update=example.update)
            if sample is None:
                suite.record(
                    "round-trip",
                    "skipped",
                    "no sample properties and no example in describe",
                    t.type,
                )
                continue
            await _TypeRun(suite, t, sample).run()
    finally:
        await suite.cleanup()
    unknown = sorted(set(types or ()) - {t.type for t in schema.types})
    for type_ in unknown:
        suite.record("describe", "failed", f"type '{type_}' is not offered", type_)
    return ContractReport(
        provider=schema.name,
        version=schema.version,
        protocol=schema.protocol,
        checks=tuple(suite.checks),
    )
