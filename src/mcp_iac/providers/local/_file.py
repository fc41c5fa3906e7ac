"""``local:file``: a text file on the local disk."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from . import _fs
from ._base import Handler, Model, blocking
from ._store import KeyStore

_MODE = re.compile(r"^[0-7]{4}$")


class FileProperties(Model):
    """Properties of ``local:file``."""

    path: str = Field(
        min_length=1,
        description="Where the file goes; relative paths resolve against the project directory. "
        "Changing it replaces the file.",
    )
    content: str = Field(default="", description="The file's text, written as UTF-8.")
    mode: str = Field(
        default="0644",
        pattern=_MODE.pattern,
        description='Permission bits as four octal digits, quoted: "0644".',
    )

    @field_validator("mode", mode="before")
    @classmethod
    def _mode_is_quoted_octal(cls, value: object) -> object:
        if not isinstance(value, str):
            raise PydanticCustomError(
                "mode_type",
                'mode must be a quoted string of four octal digits like "0644" '
                "(YAML reads an unquoted 0644 as the number 420)",
            )
        if not _MODE.match(value):
            raise PydanticCustomError(
                "mode_format",
                'mode must be four octal digits like "0644", got "{value}"',
                {"value": value},
            )
        return value


class FileOutputs(Model):
    """Outputs of ``local:file``."""

    path: str = Field(description="Absolute path of the file (also its id).")
    sha256: str = Field(description="Hex SHA-256 of the content's bytes.")
    size: int = Field(description="Size in bytes.")


FILE = TypeSpec(
    type="local:file",
    description="A text file on the machine running the provider.",
    properties=FileProperties,
    outputs=FileOutputs,
    replace_on_changes=("path",),
    # The id is the path: a forced replace at the same path must free it before creating it.
    delete_before_replace=True,
    examples=(
        Example(
            properties={"path": ".mcp-iac/examples/hello.txt", "content": "hello\n"},
            update={"path": ".mcp-iac/examples/hello.txt", "content": "hello again\n"},
            description="A file under the project's .mcp-iac directory, then rewritten.",
        ),
    ),
)


def _outputs(path: Path, data: bytes) -> FileOutputs:
    return FileOutputs(path=str(path), sha256=hashlib.sha256(data).hexdigest(), size=len(data))


class FileHandler(Handler[FileProperties, FileOutputs]):
    """Creates, reads back, rewrites and removes files. The id is the absolute path.

    Files are written through a temporary in ``staging`` (the provider's data directory), so a
    write killed half-way leaves nothing in the user's directories.
    """

    spec = FILE

    def __init__(self, keys: KeyStore, root: Path, staging: Path) -> None:
        super().__init__(keys)
        self.root = root
        self.staging = staging

    def resolve(self, path: str) -> Path:
        """The absolute path ``path`` names, relative ones taken from the project directory."""
        return Path(os.path.abspath(self.root / path))

    def _write(self, path: Path, props: FileProperties) -> FileOutputs:
        data = props.content.encode()
        _fs.write_atomic(path, data, mode=int(props.mode, 8), staging=self.staging)
        return _outputs(path, data)

    def _current(self, path: Path) -> FileOutputs | None:
        data = _fs.read_bytes(path)
        return None if data is None else _outputs(path, data)

    def _refuse_foreign(self, path: Path) -> None:
        if os.path.lexists(path):
            raise ProviderError(
                "CONFLICT",
                f"'{path}' already exists and was not created by this resource; "
                f"remove it, or import it (local:file id '{path}')",
            )

    async def create(self, ctx: CreateContext, props: FileProperties) -> Created[FileOutputs]:
        path = self.resolve(props.path)

        async def existing() -> FileOutputs | None:
            return await blocking(self._current, path)

        async def make() -> FileOutputs:
            return await blocking(self._write, path, props)

        async def guard() -> None:
            await blocking(self._refuse_foreign, path)

        created = await self.create_once(ctx, str(path), existing=existing, make=make, guard=guard)
        # Older records naming this path are stale (the file was gone when this key claimed
        # it); dropping them keeps "list by key" from handing this file to another resource.
        for stale in await blocking(self.keys.owners, self.spec.type, created.id):
            if stale.key != ctx.idempotency_key:
                await blocking(self.keys.remove, stale.key)
        return created

    def _observe(
        self, id_: str, props: FileProperties | None
    ) -> Observed[FileProperties, FileOutputs] | None:
        path = self.resolve(id_)
        data = _fs.read_bytes(path)
        if data is None:
            return None
        with _fs.translated("stat", path):
            mode = stat.S_IMODE(os.stat(path).st_mode)
        shown = props.path if props is not None and self.resolve(props.path) == path else str(path)
        observed = FileProperties(
            path=shown, content=data.decode("utf-8", errors="replace"), mode=f"{mode:04o}"
        )
        return Observed(str(path), observed, _outputs(path, data))

    async def read(
        self, id_: str, props: FileProperties | None
    ) -> Observed[FileProperties, FileOutputs] | None:
        return await blocking(self._observe, id_, props)

    async def update(self, id_: str, old: FileProperties, new: FileProperties) -> FileOutputs:
        path = self.resolve(new.path)
        if path != self.resolve(id_):
            raise ProviderError(
                "VALIDATION",
                f"property 'path': a file cannot move in place ('{id_}' -> '{path}'); "
                "a path change replaces the resource",
            )
        if not await blocking(os.path.lexists, path):
            raise ProviderError("NOT_FOUND", f"local:file '{path}' does not exist")
        return await blocking(self._write, path, new)

    async def delete(self, id_: str, props: FileProperties | None) -> None:
        path = self.resolve(id_)
        await blocking(_fs.remove, path)
        for record in await blocking(self.keys.owners, self.spec.type, str(path)):
            await blocking(self.keys.remove, record.key)
