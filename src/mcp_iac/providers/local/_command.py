"""``local:command``: commands run on create, update and delete."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import anyio
from pydantic import Field, JsonValue, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from ._base import Handler, Model, blocking
from ._store import KeyStore, RecordStore, object_id

_STDERR_TAIL = 1000


class CommandProperties(Model):
    """Properties of ``local:command``."""

    # Declared first: the argv validators below read it.
    shell: bool = Field(
        default=False,
        description="Run each command with /bin/sh -c; every argv is then exactly one string.",
    )
    create: list[str] = Field(
        min_length=1, description="argv run on create (no shell unless shell is true)."
    )
    update: list[str] | None = Field(
        default=None, description="argv run on an in-place update; when absent, create runs again."
    )
    delete: list[str] | None = Field(
        default=None, description="argv run on delete; when absent, delete only forgets."
    )
    env: dict[str, str] = Field(
        default_factory=dict, description="Added to the provider's environment."
    )
    working_dir: str | None = Field(
        default=None,
        alias="workingDir",
        description="Directory to run in, relative to the project directory (default: it).",
    )
    triggers_replace: JsonValue = Field(
        default=None,
        alias="triggersReplace",
        description="Any JSON value; a change replaces the object (delete, then create runs).",
    )

    @field_validator("create", "update", "delete")
    @classmethod
    def _one_string_per_shell_command(
        cls, value: list[str] | None, info: ValidationInfo
    ) -> list[str] | None:
        if value is None:
            return value
        if not value:
            raise PydanticCustomError("argv_empty", "a command needs at least the program name")
        if info.data.get("shell") and len(value) != 1:
            raise PydanticCustomError(
                "shell_argv",
                "with shell: true the command is one string for /bin/sh -c, got {count} items",
                {"count": len(value)},
            )
        return value


class CommandOutputs(Model):
    """Outputs of ``local:command``."""

    stdout: str = Field(description="Standard output of the last run, trailing newlines removed.")
    exit_code: int = Field(alias="exitCode", description="Exit status of the last run (0).")


class CommandRecord(Model):
    """The object, as stored in ``<data_dir>/command/<id>.json``: what ran and what it gave."""

    id: str
    key: str
    properties: CommandProperties
    outputs: CommandOutputs


COMMAND = TypeSpec(
    type="local:command",
    description="Commands run on the provider's machine at create, update and delete.",
    properties=CommandProperties,
    outputs=CommandOutputs,
    replace_on_changes=("create", "delete", "workingDir", "shell", "triggersReplace"),
    secret_paths=("env",),
    importable=False,
    examples=(
        Example(
            properties={"create": ["echo", "created"]},
            update={"create": ["echo", "created"], "update": ["echo", "updated"]},
            description="Prints on create; the update adds a command run in place.",
        ),
    ),
)


class CommandHandler(Handler[CommandProperties, CommandOutputs]):
    """Runs argv lists with ``anyio.run_process``; each object is one JSON record.

    Commands run at least once: a create killed after its command ran but before its record
    was written runs the command again on the next create with the same key.
    """

    spec = COMMAND

    def __init__(self, keys: KeyStore, directory: Path, root: Path) -> None:
        super().__init__(keys)
        self.records = RecordStore(directory, CommandRecord)
        self.root = root

    async def run(self, argv: list[str], props: CommandProperties) -> CommandOutputs:
        """Run ``argv`` as ``props`` say; the outputs of a successful run.

        Raises:
            ProviderError: ``VALIDATION`` when the program or working directory does not exist;
                ``INTERNAL`` on a non-zero exit, with the tail of stderr.
        """
        cwd = Path(os.path.abspath(self.root / (props.working_dir or ".")))
        if not await anyio.Path(cwd).is_dir():
            raise ProviderError(
                "VALIDATION", f"property 'workingDir': directory '{cwd}' does not exist"
            )
        command = ["/bin/sh", "-c", argv[0]] if props.shell else argv
        try:
            done = await anyio.run_process(
                command,
                # Never the provider's stdin: over stdio that is the MCP channel itself.
                stdin=subprocess.DEVNULL,
                check=False,
                cwd=cwd,
                env={**os.environ, **props.env},
            )
        except (FileNotFoundError, PermissionError) as exc:
            why = "not found" if isinstance(exc, FileNotFoundError) else "not executable"
            raise ProviderError(
                "VALIDATION", f"command {argv}: program '{command[0]}' {why}"
            ) from exc
        except OSError as exc:
            raise ProviderError("INTERNAL", f"command {argv} could not start: {exc}") from exc
        if done.returncode != 0:
            tail = done.stderr.decode(errors="replace").strip()[-_STDERR_TAIL:] or "(no stderr)"
            raise ProviderError("INTERNAL", f"command {argv} exited with {done.returncode}: {tail}")
        stdout = done.stdout.decode(errors="replace").rstrip("\r\n")
        return CommandOutputs(stdout=stdout, exitCode=0)

    async def create(self, ctx: CreateContext, props: CommandProperties) -> Created[CommandOutputs]:
        id_ = object_id(ctx.idempotency_key)

        async def existing() -> CommandOutputs | None:
            record = await blocking(self.records.get, id_)
            return None if record is None else record.outputs

        async def make() -> CommandOutputs:
            outputs = await self.run(props.create, props)
            record = CommandRecord(
                id=id_, key=ctx.idempotency_key, properties=props, outputs=outputs
            )
            await blocking(self.records.put, id_, record)
            return outputs

        return await self.create_once(ctx, id_, existing=existing, make=make)

    async def read(
        self, id_: str, props: CommandProperties | None
    ) -> Observed[CommandProperties, CommandOutputs] | None:
        record = await blocking(self.records.get, id_)
        if record is None:
            return None
        return Observed(id_, record.properties, record.outputs)

    async def update(
        self, id_: str, old: CommandProperties, new: CommandProperties
    ) -> CommandOutputs:
        record = await blocking(self.records.get, id_)
        if record is None:
            raise ProviderError("NOT_FOUND", f"local:command '{id_}' does not exist")
        outputs = await self.run(new.update or new.create, new)
        changed = record.model_copy(update={"properties": new, "outputs": outputs})
        await blocking(self.records.put, id_, changed)
        return outputs

    async def delete(self, id_: str, props: CommandProperties | None) -> None:
        record = await blocking(self.records.get, id_)
        if record is None:
            return
        # The recorded properties are what ran; they say how to undo it.
        if record.properties.delete is not None:
            await self.run(record.properties.delete, record.properties)
        await blocking(self.records.remove, id_)
        await blocking(self.keys.remove, record.key)
