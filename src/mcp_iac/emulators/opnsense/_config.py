"""The emulated ``config.xml``: records per component, its revision history and what is unapplied.

Every successful write saves a revision holding the whole configuration (``Config::save()``
keeps a copy in ``/conf/backup``), so ``core/backup/revertBackup`` can restore any of them.
The state can be kept in a JSON file, rewritten atomically after every change.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

Records = dict[str, dict[str, dict[str, str]]]
"""component id -> uuid -> field -> value"""

STATE_FORMAT: Final = 1

SEED_INTERFACES: Final = {
    "lan": ("igc0", "LAN"),
    "wan": ("igc1", "WAN"),
    "opt1": ("igc2", "OPT1"),
}
"""Assigned interfaces of the emulated firewall: name -> (physical device, description)."""


@dataclass(slots=True)
class Revision:
    """One saved configuration (a ``/conf/backup/config-<time>.xml``)."""

    time: float
    description: str
    username: str
    records: Records

    @property
    def stamp(self) -> str:
        return f"{self.time:.4f}"

    @property
    def id(self) -> str:
        return f"config-{self.stamp}.xml"


@dataclass(slots=True)
class Savepoint:
    """A filter savepoint: the records of one component as they were (≤ 26.1)."""

    component: str
    records: dict[str, dict[str, str]]


@dataclass(slots=True)
class Configuration:
    """The whole mutable state of the emulated firewall."""

    records: Records = field(default_factory=dict)
    revisions: list[Revision] = field(default_factory=list)
    pending: set[str] = field(default_factory=set)
    savepoints: dict[str, Savepoint] = field(default_factory=dict)

    def snapshot(self) -> Records:
        return copy.deepcopy(self.records)

    def table(self, component: str) -> dict[str, dict[str, str]]:
        """The records of ``component`` (created empty on first use)."""
        return self.records.setdefault(component, {})

    def save(self, description: str, username: str) -> Revision:
        """Record the current configuration as the newest revision (times strictly increase)."""
        now = time.time()
        if self.revisions:
            now = max(now, self.revisions[-1].time + 0.0001)
        revision = Revision(now, description, username, self.snapshot())
        self.revisions.append(revision)
        return revision

    def revision(self, revision_id: str) -> Revision | None:
        return next((r for r in self.revisions if r.id == revision_id), None)

    def restore(self, records: Records) -> set[str]:
        """Replace all records; returns the components whose records changed."""
        changed = {
            cid
            for cid in set(self.records) | set(records)
            if self.records.get(cid, {}) != records.get(cid, {})
        }
        self.records = copy.deepcopy(records)
        return changed

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "records": self.records,
            "revisions": [
                {
                    "time": r.time,
                    "description": r.description,
                    "username": r.username,
                    "records": r.records,
                }
                for r in self.revisions
            ],
            "pending": sorted(self.pending),
            "savepoints": {
                key: {"component": sp.component, "records": sp.records}
                for key, sp in self.savepoints.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Configuration:
        """Rebuild a configuration from :meth:`to_json` output.

        Raises:
            ValueError: when the data is not a state of this format.
        """
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            raise ValueError(f"not an OPNsense emulator state (format {STATE_FORMAT})")
        try:
            return cls(
                records=data["records"],
                revisions=[
                    Revision(r["time"], r["description"], r["username"], r["records"])
                    for r in data["revisions"]
                ],
                pending=set(data["pending"]),
                savepoints={
                    key: Savepoint(sp["component"], sp["records"])
                    for key, sp in data["savepoints"].items()
                },
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"incomplete OPNsense emulator state: {exc}") from exc


def load_state(path: Path) -> Configuration | None:
    """The configuration kept in ``path``; None when the file does not exist.

    Raises:
        ValueError: when the file is not a state file of this emulator.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from exc
    try:
        return Configuration.from_json(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def write_state(path: Path, config: Configuration) -> None:
    """Write ``config`` to ``path`` atomically (temporary file in the same directory, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(config.to_json(), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
