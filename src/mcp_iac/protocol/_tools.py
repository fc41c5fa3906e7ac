"""The iac/1 tool table: each tool's name, input model, result model and MCP hints.

Providers (the SDK) publish exactly these input and output schemas; clients and the docs read
them from here, so the three cannot drift apart.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ._constants import (
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
)
from ._envelope import Envelope
from ._models import (
    CreateResult,
    DeleteResult,
    DiffResult,
    HealthResult,
    ListResult,
    ProviderSchema,
    ReadResult,
    TransactionResult,
    UpdateResult,
    ValidateResult,
)
from ._requests import (
    BeginRequest,
    CommitRequest,
    CreateRequest,
    DeleteRequest,
    DescribeRequest,
    DiffRequest,
    HealthRequest,
    ListRequest,
    ReadRequest,
    RollbackRequest,
    UpdateRequest,
    ValidateRequest,
)

_DEFS = "#/$defs/"


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its local ``$ref``s replaced by the definitions they name.

    Flat schemas are easier to read in the spec and much cheaper for MCP clients to validate
    against (jsonschema resolves every ``$ref`` on every validation). Definitions that refer to
    themselves stay behind their ``$ref``, with ``$defs`` kept for them.
    """
    defs: dict[str, Any] = schema.get("$defs", {})
    kept: set[str] = set()

    def walk(node: Any, stack: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [walk(item, stack) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DEFS):
            name = ref.removeprefix(_DEFS)
            if name in stack or name not in defs:
                kept.add(name)
                return node
            siblings = {k: walk(v, stack) for k, v in node.items() if k != "$ref"}
            return {**walk(defs[name], (*stack, name)), **siblings}
        return {k: walk(v, stack) for k, v in node.items() if k != "$defs"}

    flat: dict[str, Any] = walk(schema, ())
    if kept:
        flat["$defs"] = {name: defs[name] for name in sorted(kept) if name in defs}
    return flat


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One iac/1 tool: what it takes, what its envelope's ``data`` is, and how it behaves.

    ``required`` tools every provider offers; the others (``iac_diff``, the transaction tools)
    a client finds in ``tools/list`` (transactions also by ``transactions: true`` in describe).
    """

    name: str
    request: type[BaseModel]
    result: type[BaseModel]
    description: str
    required: bool = True
    read_only: bool = False
    destructive: bool = False
    idempotent: bool = False

    def input_schema(self) -> dict[str, Any]:
        """JSON Schema of the tool's arguments (the MCP ``inputSchema``)."""
        return copy.deepcopy(_input_schema(self.request))

    def data_schema(self) -> dict[str, Any]:
        """JSON Schema of the envelope's ``data`` on success."""
        return copy.deepcopy(_data_schema(self.result))

    def output_schema(self) -> dict[str, Any]:
        """JSON Schema of the whole envelope (the MCP ``outputSchema``)."""
        return copy.deepcopy(_output_schema(self.result))


# Generating schemas is slow (tens of ms for all tools); every server build needs them.
@functools.cache
def _input_schema(request: type[BaseModel]) -> dict[str, Any]:
    return inline_refs(request.model_json_schema())


@functools.cache
def _data_schema(result: type[BaseModel]) -> dict[str, Any]:
    return inline_refs(result.model_json_schema(by_alias=True, mode="serialization"))


@functools.cache
def _output_schema(result: type[BaseModel]) -> dict[str, Any]:
    envelope: type[BaseModel] = Envelope[result]  # type: ignore[valid-type]  # a runtime type parameter is what pydantic generics take
    flat = inline_refs(envelope.model_json_schema(by_alias=True, mode="serialization"))
    result_schema: dict[str, Any] = nullable_types(flat)
    return result_schema


def nullable_types(schema: Any) -> Any:
    """``anyOf: [X, {type: null}]`` written as ``X`` with ``type: [..., "null"]``.

    The same meaning, but a client validates it without trying each branch (and collecting the
    errors of the failed ones): the MCP client validates every tool result against the output
    schema, and this halves what that costs for an iac/1 envelope.
    """
    if isinstance(schema, list):
        return [nullable_types(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    node = {k: nullable_types(v) for k, v in schema.items()}
    branches = node.get("anyOf")
    if isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches:
        other = next(b for b in branches if b != {"type": "null"})
        if isinstance(other, dict) and not ({"anyOf", "oneOf", "allOf", "$ref"} & set(other)):
            rest = {k: v for k, v in node.items() if k != "anyOf"}
            kind = other.get("type")
            if kind is None:
                return {**other, **rest}  # any value, null included
            kinds = kind if isinstance(kind, list) else [kind]
            return {**other, **rest, "type": [*kinds, "null"]}
    return node


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        IAC_DESCRIBE,
        DescribeRequest,
        ProviderSchema,
        "Describe this iac/1 provider: name, version, protocol and resource types with the JSON "
        "Schemas of their properties and outputs, replace-on-change and secret paths.",
        read_only=True,
        idempotent=True,
    ),
    ToolSpec(
        IAC_VALIDATE,
        ValidateRequest,
        ValidateResult,
        "Check properties against a resource type's schema without changing anything.",
        read_only=True,
        idempotent=True,
    ),
    ToolSpec(
        IAC_DIFF,
        DiffRequest,
        DiffResult,
        "Compare an object's old and new properties: the changed paths and whether the change "
        "needs a replace.",
        required=False,
        read_only=True,
        idempotent=True,
    ),
    ToolSpec(
        IAC_CREATE,
        CreateRequest,
        CreateResult,
        "Create an object. Idempotent on idempotency_key: a repeated call returns the object the "
        "first one made. A failed create leaves nothing behind.",
        idempotent=True,
    ),
    ToolSpec(
        IAC_READ,
        ReadRequest,
        ReadResult,
        "Read an object back: whether it exists, and its properties and outputs.",
        read_only=True,
        idempotent=True,
    ),
    ToolSpec(
        IAC_UPDATE,
        UpdateRequest,
        UpdateResult,
        "Change an object in place from the old to the new properties.",
        destructive=True,
        idempotent=True,
    ),
    ToolSpec(
        IAC_DELETE,
        DeleteRequest,
        DeleteResult,
        "Delete an object. An object that is already gone counts as deleted; a failed delete "
        "means the object still exists.",
        destructive=True,
        idempotent=True,
    ),
    ToolSpec(
        IAC_LIST,
        ListRequest,
        ListResult,
        "List the objects of a type this provider made; with filter.idempotency_key, the one a "
        "create with that key made.",
        read_only=True,
        idempotent=True,
    ),
    ToolSpec(
        IAC_HEALTH,
        HealthRequest,
        HealthResult,
        "Check the provider and its backend: status, latency and backend version.",
        read_only=True,
        idempotent=True,
    ),
    ToolSpec(
        IAC_BEGIN,
        BeginRequest,
        TransactionResult,
        "Open a backend transaction (savepoint); returns its id.",
        required=False,
    ),
    ToolSpec(
        IAC_COMMIT,
        CommitRequest,
        TransactionResult,
        "Keep the changes made since iac_begin.",
        required=False,
        idempotent=True,
    ),
    ToolSpec(
        IAC_ROLLBACK,
        RollbackRequest,
        TransactionResult,
        "Undo the changes made since iac_begin.",
        required=False,
        destructive=True,
        idempotent=True,
    ),
)
"""Every iac/1 tool, in documentation order."""

TOOL_SPECS: dict[str, ToolSpec] = {t.name: t for t in TOOLS}
"""``TOOLS`` by name."""

REQUIRED_TOOLS: frozenset[str] = frozenset(t.name for t in TOOLS if t.required)
"""Tools every iac/1 provider offers."""

TRANSACTION_TOOLS: tuple[str, ...] = (IAC_BEGIN, IAC_COMMIT, IAC_ROLLBACK)
"""Offered together, exactly when describe says ``transactions: true``."""
