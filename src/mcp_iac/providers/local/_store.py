"""The provider's own records under its data directory.

::

    <data_dir>/keys/<sha256(idempotency key)>.json   KeyRecord: key, type, id, name, urn
    <data_dir>/data/<id>.json                        a local:data object
    <data_dir>/command/<id>.json                     a local:command object (state and outputs)

Every record is written atomically and durably (see ``_fs``; writers in one directory share its
fsyncs). ``local:data`` objects carry their key, name and URN themselves, so a create writes
only the object (see ``_data``). These classes do blocking I/O; handlers call them through
``blocking`` so the event loop stays free.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from mcp_iac.core import ProviderError

from . import _fs

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://iac.mcp/providers/local")

R = TypeVar("R", bound=BaseModel)


def object_id(idempotency_key: str) -> str:
    """The deterministic id of an object created with ``idempotency_key`` (a UUID 5)."""
    return str(uuid.uuid5(_NAMESPACE, idempotency_key))


def _parse(model: type[R], path: Path) -> R | None:
    raw = _fs.read_json(path)
    if raw is None:
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ProviderError(
            "INTERNAL", f"record '{path}' does not have the expected shape: {exc}"
        ) from exc


class KeyRecord(BaseModel):
    """That a create with ``key`` makes object ``id``: written before the object is, never
    rewritten (the object existing is what says the create finished)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    type: str
    id: str
    name: str = ""
    urn: str = ""


Claimed = Callable[[str], KeyRecord | None]
"""Where else a key may be claimed: objects that are records naming their own key."""


def _unclaimed(key: str) -> KeyRecord | None:
    return None


class KeyStore:
    """Idempotency key records, one file per key; ``claimed`` answers for keys whose object is
    its own record (``local:data``), which get no key file."""

    def __init__(self, directory: Path, *, claimed: Claimed = _unclaimed) -> None:
        self.directory = directory
        self._claimed = claimed
        self._sync = _fs.DirectorySync(directory)

    def path(self, key: str) -> Path:
        """Where the record of ``key`` lives."""
        return self.directory / f"{hashlib.sha256(key.encode()).hexdigest()}.json"

    def get(self, key: str) -> KeyRecord | None:
        """The record of ``key`` (a key file, or else an object claiming it), or None.

        Raises:
            ProviderError: the record exists but cannot be read.
        """
        record = _parse(KeyRecord, self.path(key))
        return record if record is not None else self._claimed(key)

    def put(self, record: KeyRecord) -> None:
        """Write ``record`` atomically and durably (file and directory fsynced).

        Raises:
            ProviderError: the write failed; the previous record is unchanged.
        """
        _fs.write_json(self.path(record.key), record.model_dump(mode="json"), sync=self._sync)

    def remove(self, key: str) -> None:
        """Forget ``key``; nothing happens when there is no record.

        Raises:
            ProviderError: the record exists and could not be removed.
        """
        _fs.remove(self.path(key), sync=self._sync)

    def all(self, type_: str) -> list[KeyRecord]:
        """Every key file of resource type ``type_`` (not the objects that claim their key).

        Raises:
            ProviderError: the directory or a record cannot be read.
        """
        records = (_parse(KeyRecord, p) for p in _fs.json_files(self.directory))
        return [r for r in records if r is not None and r.type == type_]

    def owners(self, type_: str, id_: str) -> list[KeyRecord]:
        """Records of ``type_`` that point at object ``id_`` (a scan of all keys).

        Raises:
            ProviderError: the directory or a record cannot be read.
        """
        return [r for r in self.all(type_) if r.id == id_]


class RecordStore(Generic[R]):
    """Objects that are records themselves (``local:data``, ``local:command``), by UUID id."""

    def __init__(self, directory: Path, model: type[R]) -> None:
        self.directory = directory
        self.model = model
        self._sync = _fs.DirectorySync(directory)

    def path(self, id_: str) -> Path | None:
        """Where object ``id_`` lives; None when ``id_`` is not a canonical UUID (names nothing)."""
        try:
            canonical = str(uuid.UUID(id_))
        except ValueError:
            return None
        return self.directory / f"{canonical}.json" if canonical == id_ else None

    def get(self, id_: str) -> R | None:
        """Object ``id_``, or None when it does not exist.

        Raises:
            ProviderError: the record exists but cannot be read.
        """
        path = self.path(id_)
        return None if path is None else _parse(self.model, path)

    def put(self, id_: str, record: R) -> None:
        """Write object ``id_`` atomically and durably.

        Raises:
            ProviderError: ``id_`` is not a UUID, or the write failed.
        """
        path = self.path(id_)
        if path is None:
            raise ProviderError("VALIDATION", f"'{id_}' is not an id of this provider")
        _fs.write_json(path, record.model_dump(mode="json", by_alias=True), sync=self._sync)

    def remove(self, id_: str) -> None:
        """Remove object ``id_``; nothing happens when it does not exist.

        Raises:
            ProviderError: the record exists and could not be removed.
        """
        path = self.path(id_)
        if path is not None:
            _fs.remove(path, sync=self._sync)

    def all(self) -> list[R]:
        """Every object in the directory, by id.

        Raises:
            ProviderError: the directory or a record cannot be read.
        """
        records = (_parse(self.model, p) for p in _fs.json_files(self.directory))
        return [r for r in records if r is not None]
