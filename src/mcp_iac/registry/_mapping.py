"""Mapping files: how a foreign (non-iac/1) MCP server's tools become resource types.

A mapping names, per resource type, the tool calls that create, read, update, delete and list
an object, with argument *templates* and *JMESPath* expressions that pick the id, properties and
outputs out of the results. The format is specified in docs/foreign-servers.md.

The template language is deliberately small: a string that is exactly ``{{ expr }}`` becomes the
value of the JMESPath expression ``expr`` (any JSON type); ``{{ expr }}`` inside a longer string
is replaced by the value as text. Expressions are evaluated over one context object (``properties``,
``old``, ``new``, ``id``, ``name``, ``urn``, ``idempotency_key``, ``type``, ``steps``, ``result``,
``item``); the function ``root()`` returns that object, so a filter can compare with it
(``result.relations[?from == root().properties.from]``). No code runs, nothing is read from
the environment or the filesystem.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any, Literal

import jmespath
import jmespath.exceptions
import jmespath.functions
import jmespath.parser
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mcp_iac.core import ConfigError, Location
from mcp_iac.protocol import Capabilities, ErrorCode, ProviderSchema, ResourceTypeSchema

_PLACEHOLDER = re.compile(r"\{\{\s*((?:(?!\}\}).)*?)\s*\}\}", re.DOTALL)
"""``{{ expr }}``; ``expr`` cannot contain ``}}`` (write ``} }`` in a nested multiselect)."""


class _RootFunctions(jmespath.functions.Functions):
    """JMESPath functions of one evaluation: ``root()`` is the whole context."""

    def __init__(self, root: Any) -> None:
        super().__init__()
        self._root = root

    @jmespath.functions.signature()
    def _func_root(self) -> Any:
        return self._root


@functools.lru_cache(maxsize=1024)
def compile_expression(expression: str) -> jmespath.parser.ParsedResult:
    """Parse a JMESPath expression; raises ValueError with the parser's message."""
    try:
        return jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        raise ValueError(f"invalid JMESPath '{expression}': {exc}") from None


def evaluate(expression: str, context: Any) -> Any:
    """The value of the JMESPath ``expression`` over ``context``.

    Raises:
        ValueError: the expression is invalid or fails at run time (a type error).
    """
    parsed = compile_expression(expression)
    try:
        options = jmespath.Options(custom_functions=_RootFunctions(context))
        return parsed.search(context, options=options)
    except jmespath.exceptions.JMESPathError as exc:
        raise ValueError(f"JMESPath '{expression}' failed: {exc}") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def render(template: Any, context: Any) -> Any:
    """``template`` (JSON) with every ``{{ expr }}`` replaced from ``context``."""
    if isinstance(template, str):
        whole = _PLACEHOLDER.fullmatch(template)
        if whole is not None:
            return evaluate(whole.group(1), context)
        return _PLACEHOLDER.sub(lambda m: _text(evaluate(m.group(1), context)), template)
    if isinstance(template, dict):
        return {str(k): render(v, context) for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, context) for v in template]
    return template


def _check_template(template: Any) -> None:
    if isinstance(template, str):
        for m in _PLACEHOLDER.finditer(template):
            compile_expression(m.group(1))
    elif isinstance(template, dict):
        for v in template.values():
            _check_template(v)
    elif isinstance(template, list):
        for v in template:
            _check_template(v)


def _check_expression(value: str | None) -> str | None:
    if value is not None:
        compile_expression(value)
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ErrorRule(_Model):
    """A tool result with ``isError`` whose text matches ``match`` (a regular expression,
    case-insensitive) is reported with ``code``."""

    match: str
    code: ErrorCode

    @field_validator("match")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression '{value}': {exc}") from None
        return value


class Poll(_Model):
    """Polling for an asynchronous job: call ``tool`` with ``args`` (the context's ``result`` is
    the answer that started the job) every ``intervalSeconds`` until the JMESPath ``until`` over
    the context (``result`` now the poll's answer) is truthy; the last answer is the result."""

    tool: str
    args: Any = Field(default_factory=dict)
    until: str
    interval_seconds: float = Field(default=1.0, gt=0, alias="intervalSeconds")
    timeout_seconds: float = Field(default=300.0, gt=0, alias="timeoutSeconds")

    @field_validator("until")
    @classmethod
    def _expr(cls, value: str) -> str:
        compile_expression(value)
        return value

    @field_validator("args")
    @classmethod
    def _template(cls, value: Any) -> Any:
        _check_template(value)
        return value


class Call(_Model):
    """One tool call: the tool, its argument template, how to read its result."""

    tool: str
    args: Any = Field(default_factory=dict)
    result: Literal["auto", "structured", "text"] = "auto"
    """``structured``: the structured content; ``text``: JSON parsed from the text content (the
    text itself if it is not JSON); ``auto``: structured content if any, else as ``text``."""
    poll: Poll | None = None
    errors: tuple[ErrorRule, ...] = ()

    @field_validator("args")
    @classmethod
    def _template(cls, value: Any) -> Any:
        _check_template(value)
        return value


class Operation(Call):
    """A call, optionally preceded by ``before`` calls (their results are ``steps[0]``, ...),
    and the JMESPath expressions that read the answer."""

    before: tuple[Call, ...] = ()
    id: str | None = None
    """create: the id of the new object (default: the type's ``naturalId``)."""
    exists: str | None = None
    """read: truthy when the object exists (default: it exists unless the call fails with
    NOT_FOUND)."""
    properties: str | None = None
    """read: the object's properties; list: each item's properties."""
    outputs: str | None = None
    """create/read/update/list: the outputs (an object)."""
    items: str | None = None
    """list: the array of objects in the result (each is ``item`` for ``id``, ``name``, ...)."""
    name: str | None = None
    """list: each item's name."""

    @field_validator("id", "exists", "properties", "outputs", "items", "name")
    @classmethod
    def _expr(cls, value: str | None) -> str | None:
        return _check_expression(value)


class TypeMapping(_Model):
    """One resource type of a foreign server."""

    description: str = ""
    properties: dict[str, Any] = Field(default_factory=lambda: {"type": "object"})
    outputs: dict[str, Any] = Field(default_factory=lambda: {"type": "object"})
    replace_on_changes: tuple[str, ...] = Field(default=(), alias="replaceOnChanges")
    secret_paths: tuple[str, ...] = Field(default=(), alias="secretPaths")
    delete_before_replace: bool = Field(default=False, alias="deleteBeforeReplace")
    natural_id: str | None = Field(default=None, alias="naturalId")
    """A template giving the object's id from its ``properties``: when set, ``create`` first
    reads that id and adopts the object if it exists (natural-key idempotency)."""
    errors: tuple[ErrorRule, ...] = ()
    create: Operation
    read: Operation
    update: Operation | None = None
    delete: Operation
    list: Operation | None = None

    @field_validator("natural_id")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        if value is not None:
            _check_template(value)
        return value

    @property
    def idempotency(self) -> Literal["natural-key", "run"]:
        """``natural-key``: create adopts an existing object with the same natural id;
        ``run``: a repeated key is recognised only within one run of mcp-iac."""
        return "natural-key" if self.natural_id else "run"


class ProviderInfo(_Model):
    name: str
    version: str = "0"
    max_concurrency: int = Field(default=10, ge=1, le=1000, alias="maxConcurrency")
    """How many operations may run at once (1 for a server that cannot take concurrent writes);
    the server config's ``maxConcurrency`` can lower it further."""


class MappingFile(_Model):
    """A whole mapping file."""

    provider: ProviderInfo
    errors: tuple[ErrorRule, ...] = ()
    """Rules for every tool of the server (after a call's and a type's own)."""
    types: dict[str, TypeMapping]

    def tools(self) -> set[str]:
        """Every tool the mapping calls."""
        names: set[str] = set()
        for t in self.types.values():
            for op in (t.create, t.read, t.update, t.delete, t.list):
                if op is None:
                    continue
                for call in (*op.before, op):
                    names.add(call.tool)
                    if call.poll is not None:
                        names.add(call.poll.tool)
        return names

    def provider_schema(self) -> ProviderSchema:
        """What ``iac_describe`` would answer for this server."""
        return ProviderSchema(
            name=self.provider.name,
            version=self.provider.version,
            types=tuple(
                ResourceTypeSchema.model_validate(
                    {
                        "type": name,
                        "description": t.description,
                        "properties": t.properties,
                        "outputs": t.outputs,
                        "replaceOnChanges": t.replace_on_changes,
                        "secretPaths": t.secret_paths,
                        "deleteBeforeReplace": t.delete_before_replace,
                        "capabilities": Capabilities.model_validate(
                            {"update": t.update is not None, "list": t.list is not None}
                        ),
                    }
                )
                for name, t in self.types.items()
            ),
        )


def load_mapping(path: Path) -> MappingFile:
    """Read and check a mapping file; raises ConfigError naming the file and the key."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(
            f"cannot read mapping file '{path}': {exc.strerror}",
            hint="'mapping' is relative to the project directory (see docs/foreign-servers.md)",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"invalid YAML{where}", location=Location(file=str(path))) from None
    if not isinstance(doc, dict):
        raise ConfigError(
            "a mapping file is a YAML mapping with 'provider' and 'types'",
            location=Location(file=str(path)),
        )
    try:
        return MappingFile.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        key = ".".join(str(p) for p in first["loc"])
        msg = first["msg"].removeprefix("Value error, ")
        raise ConfigError(
            msg,
            location=Location(file=str(path), property=key or None),
            hint="see docs/foreign-servers.md for the mapping format",
        ) from None
