"""``LocalProvider``: the iac/1 operations of the built-in ``local`` provider."""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mcp_iac.core import ProviderError, format_path
from mcp_iac.protocol import (
    IDEMPOTENCY_FILTER,
    CreateResult,
    ListItem,
    ProviderSchema,
    ReadResult,
    UpdateResult,
    ValidationIssue,
)
from mcp_iac.sdk import CreateContext

from ._base import AnyHandler
from ._command import CommandHandler
from ._data import DataHandler, claims, data_records
from ._file import FileHandler
from ._store import KeyStore

PROVIDER_NAME = "local"
PROVIDER_VERSION = "0.1.0"


def resolve_dirs(root: Path, data_dir: Path | None) -> tuple[Path, Path]:
    """The absolute project and data directories (data default ``<root>/.mcp-iac/local``;
    a relative ``data_dir`` is taken from ``root``)."""
    absolute_root = Path(os.path.abspath(root))
    default = Path(".mcp-iac") / "local"
    return absolute_root, Path(os.path.abspath(absolute_root / (data_dir or default)))


def make_handlers(root: Path, data_dir: Path) -> list[AnyHandler]:
    """One handler per type, sharing one idempotency key store; absolute directories."""
    data = data_records(data_dir / "data")
    keys = KeyStore(data_dir / "keys", claimed=claims(data))
    return [
        CommandHandler(keys, data_dir / "command", root),
        DataHandler(keys, data),
        FileHandler(keys, root, data_dir / "tmp"),
    ]


def _issues(model: type[BaseModel], exc: ValidationError) -> list[ValidationIssue]:
    known = ", ".join(sorted(f.alias or name for name, f in model.model_fields.items()))
    issues: list[ValidationIssue] = []
    for error in exc.errors(include_url=False):
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = f"unknown property; known properties: {known}"
        issues.append(ValidationIssue(path=format_path(tuple(error["loc"])), message=message))
    return issues


def _describe_issues(issues: list[ValidationIssue]) -> str:
    return "; ".join(f"property '{i.path}': {i.message}" if i.path else i.message for i in issues)


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


class LocalProvider:
    """The built-in ``local`` provider: files, data values and commands on this machine.

    Satisfies ``mcp_iac.engine.ports.Provider`` structurally. ``root`` is the project directory
    that relative paths and working directories resolve against; ``data_dir`` (default
    ``<root>/.mcp-iac/local``; relative to ``root`` when relative) holds the provider's own
    records: idempotency keys, and the ``local:data`` and ``local:command`` objects.

    Every method raises ``ProviderError`` and nothing else on purpose.
    """

    def __init__(self, root: Path, data_dir: Path | None = None) -> None:
        self.root, self.data_dir = resolve_dirs(root, data_dir)
        self._handlers = {h.spec.type: h for h in make_handlers(self.root, self.data_dir)}

    def _handler(self, type_: str) -> AnyHandler:
        handler = self._handlers.get(type_)
        if handler is None:
            offered = ", ".join(sorted(self._handlers))
            raise ProviderError(
                "VALIDATION",
                f"unknown resource type '{type_}'; this provider offers: {offered}",
            )
        return handler

    @staticmethod
    def _parse(handler: AnyHandler, properties: dict[str, Any], what: str = "") -> Any:
        model = handler.spec.properties
        try:
            return model.model_validate(properties)
        except ValidationError as exc:
            issues = _issues(model, exc)
            raise ProviderError(
                "VALIDATION",
                f"invalid {what}properties for {handler.spec.type}: {_describe_issues(issues)}",
                details=[i.model_dump() for i in issues],
            ) from exc

    @staticmethod
    def _parse_lenient(handler: AnyHandler, properties: dict[str, Any]) -> Any:
        # read and delete work from the id alone; properties only refine (e.g. the shown path).
        try:
            return handler.spec.properties.model_validate(properties)
        except ValidationError:
            return None

    async def describe(self) -> ProviderSchema:
        """The provider and its resource types, with JSON Schemas from the models."""
        return ProviderSchema(
            name=PROVIDER_NAME,
            version=PROVIDER_VERSION,
            types=tuple(self._handlers[t].spec.schema() for t in sorted(self._handlers)),
        )

    async def validate(self, type_: str, properties: dict[str, Any]) -> list[ValidationIssue]:
        """What is wrong with ``properties`` for ``type_`` ([] when valid).

        Raises:
            ProviderError: ``VALIDATION`` for an unknown type.
        """
        model = self._handler(type_).spec.properties
        try:
            model.model_validate(properties)
        except ValidationError as exc:
            return _issues(model, exc)
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
        """Create an object, or return the one an earlier call with ``idempotency_key`` made.

        Raises:
            ProviderError: ``VALIDATION`` (type, properties, missing program), ``CONFLICT``
                (a file already there), or what the file system or a command reports.
        """
        handler = self._handler(type_)
        if not idempotency_key:
            raise ProviderError("VALIDATION", "create needs a non-empty idempotency key")
        props = self._parse(handler, properties)
        ctx = CreateContext(name=name, urn=urn, idempotency_key=idempotency_key)
        created = await handler.create(ctx, props)
        return CreateResult(id=created.id, outputs=_dump(created.outputs))

    async def read(self, type_: str, id_: str, properties: dict[str, Any]) -> ReadResult:
        """The object as it is now; ``exists`` False when it is gone or ``id_`` names nothing.

        Raises:
            ProviderError: ``VALIDATION`` for an unknown type, or a file system error.
        """
        handler = self._handler(type_)
        found = await handler.read(id_, self._parse_lenient(handler, properties))
        if found is None:
            return ReadResult(exists=False)
        return ReadResult(
            exists=True, properties=_dump(found.properties), outputs=_dump(found.outputs)
        )

    async def update(
        self, type_: str, id_: str, *, old: dict[str, Any], new: dict[str, Any]
    ) -> UpdateResult:
        """Change the object in place to ``new``.

        Raises:
            ProviderError: ``VALIDATION`` (type, properties, a change that needs a replace),
                ``NOT_FOUND`` when the object is gone, or what the file system or a command
                reports.
        """
        handler = self._handler(type_)
        old_props = self._parse(handler, old, "old ")
        new_props = self._parse(handler, new)
        outputs = await handler.update(id_, old_props, new_props)
        return UpdateResult(outputs=_dump(outputs))

    async def delete(self, type_: str, id_: str, properties: dict[str, Any]) -> None:
        """Delete the object; an object that is already gone counts as deleted.

        Raises:
            ProviderError: the object still exists (file system error, failed delete command).
        """
        handler = self._handler(type_)
        await handler.delete(id_, self._parse_lenient(handler, properties))

    async def list(self, type_: str, filter_: dict[str, Any]) -> builtins.list[ListItem]:
        """Objects of ``type_`` this provider made and that exist; with the filter
        ``{"idempotency_key": k}`` only the one created with key ``k``.

        Raises:
            ProviderError: ``VALIDATION`` for an unknown type or filter.
        """
        handler = self._handler(type_)
        unknown = sorted(set(filter_) - {IDEMPOTENCY_FILTER})
        if unknown:
            raise ProviderError(
                "VALIDATION",
                f"unknown list filter {', '.join(map(repr, unknown))}; "
                f"this provider filters by: {IDEMPOTENCY_FILTER}",
            )
        key = filter_.get(IDEMPOTENCY_FILTER)
        if key is not None and not isinstance(key, str):
            raise ProviderError(
                "VALIDATION", f"list filter '{IDEMPOTENCY_FILTER}' must be a string"
            )
        found = await handler.list(key)
        return [
            ListItem(
                id=item.id,
                name=item.name,
                properties=_dump(item.properties),
                outputs=_dump(item.outputs),
            )
            for item in found
        ]
