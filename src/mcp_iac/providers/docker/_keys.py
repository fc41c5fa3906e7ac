"""Key records for the types whose objects cannot carry a label.

A pulled image or a pushed reference has no place for the idempotency key: image labels are
fixed when an image is built. For ``docker:image:pull`` and ``docker:registry:push`` the
provider keeps a record per create instead::

    <data dir>/keys/<sha256(idempotency key)>.json
        {key, type, id, name, urn, properties, outputs}

written before the object is made (so a crash leaves a record that the next create with the key
completes) and removed after the object is deleted. ``properties`` never hold secrets (registry
passwords are left out). Writes are atomic (temporary file, fsync, rename, directory fsync).
Blocking: call from a worker thread.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mcp_iac.core import ProviderError

from ._labels import key_digest


class KeyRecord(BaseModel):
    """One create of a record-keeping type."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    type: str
    id: str
    name: str = ""
    urn: str = ""
    properties: dict[str, Any] = Field(default_factory=dict)
    outputs: dict[str, Any] = Field(default_factory=dict)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:  # deleted meanwhile; _load then finds nothing either
        return 0


class KeyStore:
    """Key records under ``<directory>``; see the module docstring."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / f"{key_digest(key)}.json"

    def _load(self, path: Path) -> KeyRecord | None:
        try:
            return KeyRecord.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValidationError) as exc:
            raise ProviderError(
                "INTERNAL", f"unreadable key record {path}: {exc} (remove it if it is damaged)"
            ) from exc

    def get(self, key: str) -> KeyRecord | None:
        """The record of ``key``, or None."""
        return self._load(self._path(key))

    def put(self, record: KeyRecord) -> None:
        """Write (or replace) the record of ``record.key`` atomically and durably.

        Raises:
            ProviderError: ``INTERNAL`` when the data directory cannot be written.
        """
        path = self._path(record.key)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "w") as handle:
                    json.dump(record.model_dump(mode="json"), handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            dir_fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            raise ProviderError(
                "INTERNAL", f"cannot write the key record {path}: {exc.strerror or exc}"
            ) from exc

    def delete(self, key: str) -> None:
        """Forget ``key`` (nothing happens when there is no record)."""
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def all(self, type_: str) -> list[KeyRecord]:
        """Every record of ``type_``, oldest first."""
        if not self.directory.is_dir():
            return []
        found = (self._load(p) for p in sorted(self.directory.glob("*.json"), key=_mtime))
        return [r for r in found if r is not None and r.type == type_]

    def by_id(self, type_: str, id_: str) -> list[KeyRecord]:
        """The records of ``type_`` whose object is ``id_``."""
        return [r for r in self.all(type_) if r.id == id_]
