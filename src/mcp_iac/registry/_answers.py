"""Remembered answers of built-in providers, so that a plan need not start them.

A built-in provider's ``iac_describe`` is fixed by its code, and so is its ``iac_validate``
(pydantic validation of the properties, nothing read from the backend). Both answers are kept
per server in ``.mcp-iac/cache/<server>.json`` under a fingerprint of that code: mcp-iac's
version and the size and modification time of every source file the answers come from (the
provider's package, the SDK, the protocol, the core). Any change to them, an upgrade or an edit
of an editable install, changes the fingerprint, and the file is ignored and rewritten.

With the answers at hand, ``mcp-iac plan`` on a deployment whose properties were validated
before opens no connection at all: no MCP SDK to import (0.6 s), no server to build. What they
do not hold yet is asked of the built-in's own service in-process (``_inline``), so a first
plan opens none either. Only successful validations are kept; a rejected resource is asked
again each time, so the error is always the provider's own. Servers started from a command or
reached by URL are never cached: their code is not ours to fingerprint.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

import mcp_iac
from mcp_iac.protocol import ProviderSchema

CACHE_DIR = Path(".mcp-iac") / "cache"
"""Where a project keeps the answers, relative to its root."""
MAX_VALID = 100_000
"""Validated property sets remembered per server; the oldest are forgotten first."""
_FORMAT = 1
_SOURCES = ("sdk", "protocol", "core")


def builtin_fingerprint(builtin: str, *, package: Path | None = None) -> str:
    """A digest of everything the answers of built-in provider ``builtin`` depend on
    (``package``: the ``mcp_iac`` source folder, by default the one running)."""
    package = package or Path(mcp_iac.__file__).parent
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_FORMAT}\0{mcp_iac.__version__}\0{builtin}".encode())
    for folder in (package / "providers" / builtin, *(package / s for s in _SOURCES)):
        for path in sorted(folder.rglob("*.py")):
            st = path.stat()
            digest.update(f"\0{path.relative_to(package)}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return digest.hexdigest()


def properties_key(type_: str, properties: dict[str, Any]) -> str:
    """The identity of one validation question: the type and its properties, canonically."""
    text = json.dumps(properties, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(f"{type_}\0{text}".encode(), digest_size=16).hexdigest()


class Answers:
    """One server's remembered answers: its schema and the property sets it found valid.

    Read from ``path`` when the fingerprint matches, written back by :meth:`save` when
    something was learnt. A missing, unreadable or foreign file is an empty cache (never an
    error); failing to write it only costs the next plan a connection.
    """

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.schema: ProviderSchema | None = None
        self._valid: dict[str, None] = {}
        self._dirty = False
        self._load()

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(raw, dict) or raw.get("fingerprint") != self.fingerprint:
            return
        try:
            self.schema = ProviderSchema.model_validate(raw.get("schema"))
        except ValidationError:
            return
        valid = raw.get("valid")
        if isinstance(valid, list):
            self._valid = dict.fromkeys(k for k in valid if isinstance(k, str))

    def remember_schema(self, schema: ProviderSchema) -> None:
        if schema != self.schema:
            self.schema = schema
            self._valid.clear()  # a new schema: earlier validations no longer count
            self._dirty = True

    def known_valid(self, type_: str, properties: dict[str, Any]) -> bool:
        return self.schema is not None and properties_key(type_, properties) in self._valid

    def remember_valid(self, type_: str, properties: dict[str, Any]) -> None:
        if self.schema is None:
            return  # only answers of a described server are kept
        key = properties_key(type_, properties)
        if key in self._valid:
            return
        self._valid[key] = None
        if len(self._valid) > MAX_VALID:
            del self._valid[next(iter(self._valid))]
        self._dirty = True

    def save(self) -> None:
        """Write the answers if anything was learnt (atomically; errors are ignored)."""
        if not self._dirty or self.schema is None:
            return
        payload = {
            "fingerprint": self.fingerprint,
            "schema": self.schema.model_dump(mode="json", by_alias=True),
            "valid": list(self._valid),
        }
        import tempfile  # noqa: PLC0415  # only when something was learnt

        tmp: str | None = None
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".answers-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            return
        self._dirty = False
