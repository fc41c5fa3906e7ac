"""``MappedProvider``: the engine's ``Provider`` port over a foreign MCP server and its mapping.

Every operation becomes the tool calls the mapping names (see ``_mapping`` and
docs/foreign-servers.md). Failures are ``ProviderError``: a tool result with ``isError`` gets the
code of the first matching error rule (the call's, then the type's, then the file's; INTERNAL
when none matches), a mistake in the mapping itself (an expression that fails, an id that is not
there) is INTERNAL naming the type and the operation, transport failures are TIMEOUT or
UNAVAILABLE as for any server.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio

from mcp_iac.core import ProviderError
from mcp_iac.protocol import (
    CreateResult,
    ListItem,
    ProviderSchema,
    ReadResult,
    UpdateResult,
    ValidationIssue,
)

from ._mapping import Call, ErrorRule, MappingFile, Operation, TypeMapping, evaluate, render

if TYPE_CHECKING:
    from mcp_types import CallToolResult

    from mcp_iac.sdk import ProviderClient

KeyStore = dict[str, tuple[str, dict[str, Any]]]
"""Idempotency key -> (id, outputs) of the objects created through one server in this process."""


class MappedProvider:
    """A foreign MCP server as an iac/1 provider, driven by its mapping file.

    ``client`` returns the server's connected ``ProviderClient`` (reconnecting as needed);
    ``on_unavailable`` is called when the connection turned out dead. ``keys`` remembers which
    idempotency key made which object, for as long as the process runs.
    """

    def __init__(
        self,
        mapping: MappingFile,
        client: Callable[[], Awaitable[ProviderClient]],
        *,
        server: str,
        keys: KeyStore | None = None,
        on_unavailable: Callable[[], None] | None = None,
        gate: anyio.Semaphore | None = None,
    ) -> None:
        self.mapping = mapping
        self.server = server
        self._client = client
        self._keys: KeyStore = {} if keys is None else keys
        self._on_unavailable = on_unavailable
        self._schema: ProviderSchema | None = None
        # one per server, shared by every MappedProvider of it: the mapping's maxConcurrency
        self._gate = gate or anyio.Semaphore(mapping.provider.max_concurrency)

    # -- helpers -----------------------------------------------------------------------------

    def _type(self, type_: str) -> TypeMapping:
        found = self.mapping.types.get(type_)
        if found is None:
            known = ", ".join(sorted(self.mapping.types)) or "none"
            raise ProviderError(
                "VALIDATION",
                f"unknown resource type '{type_}' (the mapping has: {known})",
                server=self.server,
            )
        return found

    def _mapping_error(self, type_: str, what: str, problem: str) -> ProviderError:
        return ProviderError(
            "INTERNAL", f"mapping of {type_}, {what}: {problem}", server=self.server
        )

    def _eval(self, type_: str, what: str, expression: str, context: Any) -> Any:
        try:
            return evaluate(expression, context)
        except ValueError as exc:
            raise self._mapping_error(type_, what, str(exc)) from None

    def _object(
        self, type_: str, what: str, expression: str | None, context: Any
    ) -> dict[str, Any]:
        if expression is None:
            return {}
        value = self._eval(type_, what, expression, context)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self._mapping_error(
                type_, what, f"'{expression}' gave {type(value).__name__}, not an object"
            )
        return value

    def _code(self, text: str, rules: tuple[ErrorRule, ...]) -> str:
        for rule in rules:
            if re.search(rule.match, text, re.IGNORECASE):
                return rule.code
        return "INTERNAL"

    async def _tool(
        self, type_: str, what: str, tool: str, template: Any, context: dict[str, Any]
    ) -> CallToolResult:
        try:
            arguments = render(template, context)
        except ValueError as exc:
            raise self._mapping_error(type_, f"{what} ({tool} arguments)", str(exc)) from None
        if not isinstance(arguments, dict):
            raise self._mapping_error(type_, what, f"{tool} arguments are not an object")
        client = await self._client()
        try:
            return await client.call_tool(tool, arguments)
        except ProviderError as exc:
            if exc.code == "UNAVAILABLE" and self._on_unavailable is not None:
                self._on_unavailable()
            raise

    def _payload(self, call: Call, result: CallToolResult) -> Any:
        if call.result != "text" and result.structured_content is not None:
            return result.structured_content
        text = "".join(getattr(c, "text", "") for c in result.content)
        if call.result == "structured":
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text

    async def _call(
        self, tm: TypeMapping, type_: str, what: str, call: Call, context: dict[str, Any]
    ) -> Any:
        result = await self._tool(type_, what, call.tool, call.args, context)
        if result.is_error:
            text = "".join(getattr(c, "text", "") for c in result.content) or "(no message)"
            code = self._code(text, (*call.errors, *tm.errors, *self.mapping.errors))
            raise ProviderError(code, f"{call.tool}: {text}", server=self.server)
        payload = self._payload(call, result)
        if call.poll is None:
            return payload
        poll = call.poll
        with anyio.move_on_after(poll.timeout_seconds):
            while True:
                polled = {**context, "result": payload}
                answer = await self._tool(type_, f"{what} (poll)", poll.tool, poll.args, polled)
                if answer.is_error:
                    text = "".join(getattr(c, "text", "") for c in answer.content)
                    code = self._code(text, (*call.errors, *tm.errors, *self.mapping.errors))
                    raise ProviderError(code, f"{poll.tool}: {text}", server=self.server)
                payload = self._payload(call, answer)
                if self._eval(
                    type_, f"{what} (poll until)", poll.until, {**context, "result": payload}
                ):
                    return payload
                await anyio.sleep(poll.interval_seconds)
        raise ProviderError(
            "TIMEOUT",
            f"{poll.tool}: '{poll.until}' not true after {poll.timeout_seconds:g} s",
            server=self.server,
        )

    async def _run(
        self, tm: TypeMapping, type_: str, what: str, op: Operation, context: dict[str, Any]
    ) -> dict[str, Any]:
        """Run ``op``'s calls; the context with ``steps`` and ``result`` filled in."""
        ctx = {**context, "steps": []}
        for call in op.before:
            ctx["steps"] = [*ctx["steps"], await self._call(tm, type_, what, call, ctx)]
        ctx["result"] = await self._call(tm, type_, what, op, ctx)
        return ctx

    # -- the Provider port -------------------------------------------------------------------

    async def create(
        self,
        type_: str,
        *,
        name: str,
        urn: str,
        idempotency_key: str,
        properties: dict[str, Any],
    ) -> CreateResult:
        async with self._gate:
            return await self._create(
                type_, name=name, urn=urn, idempotency_key=idempotency_key, properties=properties
            )

    async def read(self, type_: str, id_: str, properties: dict[str, Any]) -> ReadResult:
        async with self._gate:
            return await self._read(type_, id_, properties)

    async def update(
        self, type_: str, id_: str, *, old: dict[str, Any], new: dict[str, Any]
    ) -> UpdateResult:
        async with self._gate:
            return await self._update(type_, id_, old=old, new=new)

    async def delete(self, type_: str, id_: str, properties: dict[str, Any]) -> None:
        async with self._gate:
            await self._delete(type_, id_, properties)

    async def list(self, type_: str, filter_: dict[str, Any]) -> builtins.list[ListItem]:
        async with self._gate:
            return await self._list(type_, filter_)

    async def describe(self) -> ProviderSchema:
        if self._schema is None:
            self._schema = self.mapping.provider_schema()
        return self._schema

    async def validate(
        self, type_: str, properties: dict[str, Any]
    ) -> builtins.list[ValidationIssue]:
        tm = self.mapping.types.get(type_)
        if tm is None:
            known = ", ".join(sorted(self.mapping.types)) or "none"
            return [ValidationIssue(path="", message=f"unknown type '{type_}' (known: {known})")]
        import jsonschema  # type: ignore[import-untyped]  # noqa: PLC0415  # imported on use

        validator = jsonschema.Draft202012Validator(tm.properties)
        return [
            ValidationIssue(path=".".join(str(p) for p in e.absolute_path), message=e.message)
            for e in sorted(validator.iter_errors(properties), key=lambda e: list(e.path))
        ]

    async def _create(
        self,
        type_: str,
        *,
        name: str,
        urn: str,
        idempotency_key: str,
        properties: dict[str, Any],
    ) -> CreateResult:
        tm = self._type(type_)
        if idempotency_key in self._keys:
            rid, outputs = self._keys[idempotency_key]
            return CreateResult(id=rid, outputs=outputs)
        context: dict[str, Any] = {
            "type": type_,
            "name": name,
            "urn": urn,
            "idempotency_key": idempotency_key,
            "properties": properties,
        }
        natural: str | None = None
        if tm.natural_id is not None:
            try:
                natural = _text_id(render(tm.natural_id, context))
            except ValueError as exc:
                raise self._mapping_error(type_, "naturalId", str(exc)) from None
            existing = await self._read(type_, natural, properties)
            if existing.exists:
                # adopt it, and make it what was asked for
                outputs = dict(existing.outputs)
                if tm.update is not None and any(
                    existing.properties.get(k) != v for k, v in properties.items()
                ):
                    done = await self._update(
                        type_, natural, old=dict(existing.properties), new=properties
                    )
                    outputs = dict(done.outputs) or outputs
                self._keys[idempotency_key] = (natural, outputs)
                return CreateResult(id=natural, outputs=outputs)
        ctx = await self._run(tm, type_, "create", tm.create, context)
        rid = natural or ""
        if tm.create.id is not None:
            rid = _text_id(self._eval(type_, "create.id", tm.create.id, ctx))
        if not rid:
            raise self._mapping_error(
                type_, "create", "no id: give create.id (a JMESPath) or naturalId"
            )
        outputs = self._object(type_, "create.outputs", tm.create.outputs, ctx)
        self._keys[idempotency_key] = (rid, outputs)
        return CreateResult(id=rid, outputs=outputs)

    async def _read(self, type_: str, id_: str, properties: dict[str, Any]) -> ReadResult:
        tm = self._type(type_)
        op = tm.read
        context = {"type": type_, "id": id_, "properties": properties}
        try:
            ctx = await self._run(tm, type_, "read", op, context)
        except ProviderError as exc:
            if exc.code == "NOT_FOUND":
                return ReadResult(exists=False)
            raise
        if op.exists is not None and not self._eval(type_, "read.exists", op.exists, ctx):
            return ReadResult(exists=False)
        return ReadResult(
            exists=True,
            properties=self._object(type_, "read.properties", op.properties, ctx),
            outputs=self._object(type_, "read.outputs", op.outputs, ctx),
        )

    async def _update(
        self, type_: str, id_: str, *, old: dict[str, Any], new: dict[str, Any]
    ) -> UpdateResult:
        tm = self._type(type_)
        if tm.update is None:
            raise ProviderError(
                "VALIDATION",
                f"{type_} cannot be changed in place (its mapping has no update)",
                server=self.server,
            )
        context = {"type": type_, "id": id_, "old": old, "new": new, "properties": new}
        ctx = await self._run(tm, type_, "update", tm.update, context)
        return UpdateResult(outputs=self._object(type_, "update.outputs", tm.update.outputs, ctx))

    async def _delete(self, type_: str, id_: str, properties: dict[str, Any]) -> None:
        tm = self._type(type_)
        context = {"type": type_, "id": id_, "properties": properties}
        try:
            await self._run(tm, type_, "delete", tm.delete, context)
        except ProviderError as exc:
            if exc.code != "NOT_FOUND":
                raise
        for key, (rid, _) in builtins.list(self._keys.items()):
            if rid == id_:
                del self._keys[key]

    async def _list(self, type_: str, filter_: dict[str, Any]) -> builtins.list[ListItem]:
        tm = self._type(type_)
        wanted = dict(filter_)
        key = wanted.pop("idempotency_key", None)
        if key is not None:
            # only the keys of this process are known: a foreign server keeps none
            known = self._keys.get(str(key))
            if known is None:
                return []
            read = await self._read(type_, known[0], {})
            if not read.exists:
                return []
            return [ListItem(id=known[0], properties=read.properties, outputs=known[1])]
        op = tm.list
        if op is None:
            return []
        ctx = await self._run(tm, type_, "list", op, {"type": type_, "filter": wanted})
        raw = self._eval(type_, "list.items", op.items, ctx) if op.items else ctx["result"]
        if not isinstance(raw, builtins.list):
            raise self._mapping_error(type_, "list.items", "did not give an array")
        found: builtins.list[ListItem] = []
        for item in raw:
            ictx = {**ctx, "item": item}
            rid = _text_id(self._eval(type_, "list.id", op.id, ictx)) if op.id else ""
            if not rid:
                raise self._mapping_error(type_, "list.id", "no id for an item")
            props = self._object(type_, "list.properties", op.properties, ictx)
            if any(props.get(k) != v for k, v in wanted.items()):
                continue
            found.append(
                ListItem(
                    id=rid,
                    name=_text_id(self._eval(type_, "list.name", op.name, ictx)) if op.name else "",
                    properties=props,
                    outputs=self._object(type_, "list.outputs", op.outputs, ictx),
                )
            )
        return found


def _text_id(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))
