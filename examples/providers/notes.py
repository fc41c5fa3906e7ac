"""A complete iac/1 provider built with the mcp-iac SDK: notes kept as JSON files.

Run it over stdio (what an MCP client such as mcp-iac starts) or streamable HTTP::

    python examples/providers/notes.py --dir ./notes
    python examples/providers/notes.py --dir ./notes --http --port 8080

Each note is ``<dir>/<folder>/<id>.json``. The id is derived from the idempotency key, which
makes create idempotent: a repeated create with the same key finds the note the first one
wrote. The walk-through is docs/writing-a-provider.md.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field

from mcp_iac.core import ProviderError
from mcp_iac.protocol import HealthResult
from mcp_iac.sdk import CreateContext, Created, Example, IacProvider, Observed, TypeSpec

# --- 1. the models: what users write, and what the provider reports back -------------------


class NoteProperties(BaseModel):
    """Properties of ``notes:note``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1, description="The note's title.")
    body: str = Field(default="", description="The text of the note.")
    folder: str = Field(
        default="inbox",
        pattern=r"^[a-z0-9-]+$",
        description="Folder (a subdirectory); moving a note to another folder replaces it.",
    )
    tags: list[str] = Field(default_factory=list, description="Free-form labels.")


class NoteOutputs(BaseModel):
    """Outputs of ``notes:note``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="The note's id (a UUID derived from the idempotency key).")
    path: str = Field(description="Absolute path of the note's file.")
    words: int = Field(description="Number of words in the body.")


NOTE = TypeSpec(
    type="notes:note",
    description="A note kept as a JSON file.",
    properties=NoteProperties,
    outputs=NoteOutputs,
    replace_on_changes=("folder",),
    examples=(
        Example(
            properties={"title": "Groceries", "body": "milk eggs", "tags": ["home"]},
            update={"title": "Groceries", "body": "milk eggs bread", "tags": ["home"]},
        ),
    ),
)

# --- 2. the storage: plain blocking file operations ------------------------------------------

_NAMESPACE = uuid.UUID("6f1c7a52-3c1e-4a55-9d0b-5f0f2c8d9e11")


class NoteStore:
    """Notes as ``<root>/<folder>/<id>.json`` holding ``{id, key, name, properties}``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def find(self, id_: str) -> Path | None:
        """The file of note ``id_``, or None."""
        return next(iter(self.root.glob(f"*/{id_}.json")), None) if _is_uuid(id_) else None

    def load(self, path: Path) -> dict[str, Any] | None:
        try:
            record: dict[str, Any] = json.loads(path.read_text())
        except FileNotFoundError:
            return None
        return record

    def write(self, path: Path, record: dict[str, Any]) -> None:
        """Replace ``path`` atomically: a reader (or a crash) never sees half a note."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as handle:
            json.dump(record, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def all(self) -> list[Path]:
        return sorted(self.root.glob("*/*.json"))


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


# --- 3. the handler: the five operations, in terms of the models -----------------------------


class NoteHandler:
    """Creates, reads, updates, deletes and lists notes. Blocking file work runs in a worker
    thread so the server keeps answering other calls."""

    def __init__(self, store: NoteStore) -> None:
        self.store = store

    def _observed(
        self, path: Path, record: dict[str, Any]
    ) -> Observed[NoteProperties, NoteOutputs]:
        props = NoteProperties.model_validate(record["properties"])
        outputs = NoteOutputs(id=record["id"], path=str(path), words=len(props.body.split()))
        return Observed(record["id"], props, outputs, name=record.get("name", ""))

    async def create(self, ctx: CreateContext, props: NoteProperties) -> Created[NoteOutputs]:
        id_ = str(uuid.uuid5(_NAMESPACE, ctx.idempotency_key))
        existing = await self.read(id_, None)
        if existing is not None:  # the same key made it before: that is the answer
            return Created(id_, existing.outputs)
        path = self.store.root / props.folder / f"{id_}.json"
        record = {
            "id": id_,
            "key": ctx.idempotency_key,
            "name": ctx.name,
            "properties": props.model_dump(mode="json"),
        }
        await anyio.to_thread.run_sync(self.store.write, path, record)
        return Created(id_, self._observed(path, record).outputs)

    async def read(
        self, id_: str, props: NoteProperties | None
    ) -> Observed[NoteProperties, NoteOutputs] | None:
        path = await anyio.to_thread.run_sync(self.store.find, id_)
        record = None if path is None else await anyio.to_thread.run_sync(self.store.load, path)
        return None if path is None or record is None else self._observed(path, record)

    async def update(self, id_: str, old: NoteProperties, new: NoteProperties) -> NoteOutputs:
        path = await anyio.to_thread.run_sync(self.store.find, id_)
        record = None if path is None else await anyio.to_thread.run_sync(self.store.load, path)
        if path is None or record is None:
            raise ProviderError("NOT_FOUND", f"note '{id_}' does not exist")
        if new.folder != old.folder:  # the engine replaces instead: folder is replace-on-change
            raise ProviderError("VALIDATION", "property 'folder': a note cannot move in place")
        record["properties"] = new.model_dump(mode="json")
        await anyio.to_thread.run_sync(self.store.write, path, record)
        return self._observed(path, record).outputs

    async def delete(self, id_: str, props: NoteProperties | None) -> None:
        path = await anyio.to_thread.run_sync(self.store.find, id_)
        if path is not None:  # a note that is already gone counts as deleted
            await anyio.to_thread.run_sync(lambda: path.unlink(missing_ok=True))

    async def list(
        self, idempotency_key: str | None = None
    ) -> list[Observed[NoteProperties, NoteOutputs]]:
        if idempotency_key is not None:
            found = await self.read(str(uuid.uuid5(_NAMESPACE, idempotency_key)), None)
            return [] if found is None else [found]
        notes = []
        for path in await anyio.to_thread.run_sync(self.store.all):
            record = await anyio.to_thread.run_sync(self.store.load, path)
            if record is not None:
                notes.append(self._observed(path, record))
        return notes


# --- 4. the provider: register the type, add a health check, serve ---------------------------


def build_provider(directory: Path) -> IacProvider:
    """The notes provider, keeping its notes under ``directory``."""
    provider = IacProvider("notes", version="1.0.0", description="Notes kept as JSON files.")
    provider.add(NOTE, NoteHandler(NoteStore(directory.absolute())))

    @provider.health_check
    async def health() -> HealthResult:
        writable = os.access(directory, os.W_OK) if directory.exists() else True
        return HealthResult(status="ok" if writable else "down", backend_version="files")

    return provider


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the notes iac/1 provider.")
    parser.add_argument("--dir", type=Path, default=Path("notes"), help="where notes are kept")
    parser.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio")
    parser.add_argument("--port", type=int, default=8080, help="HTTP port (0: any free port)")
    args = parser.parse_args()
    build_provider(args.dir).serve(transport="http" if args.http else "stdio", port=args.port)


if __name__ == "__main__":
    main()
