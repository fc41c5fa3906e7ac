"""Options and plumbing shared by the commands."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import anyio
import typer

from mcp_iac.app import Loaded, Project, find_deployment_file, load, load_spec
from mcp_iac.core import ConfigError
from mcp_iac.registry import CACHE_DIR, McpProviders, discover
from mcp_iac.state import open_store

from ._console import err, out

if TYPE_CHECKING:  # commands that only read must not load the executor
    from mcp_iac.engine import Plan, StopSignal

T = TypeVar("T")

FileOpt = Annotated[
    Path | None,
    typer.Option(
        "--file",
        "-f",
        help="Deployment file (YAML, JSON or Python). "
        "Default: deployment.yaml in the current directory.",
    ),
]
VarOpt = Annotated[
    list[str] | None,
    typer.Option("--var", help="Set a variable: --var name=value (repeatable)."),
]
StateOpt = Annotated[
    str | None,
    typer.Option(
        "--state",
        envvar="MCP_IAC_STATE",
        help="State store: a SQLite file path (default .mcp-iac/state.db).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
TargetOpt = Annotated[
    list[str] | None,
    typer.Option("--target", help="Only this resource address and its dependencies (repeatable)."),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")]
ParallelismOpt = Annotated[
    int,
    typer.Option("--parallelism", min=1, max=1000, help="How many steps may run at once."),
]


def parse_vars(pairs: list[str] | None) -> dict[str, str]:
    result: dict[str, str] = {}
    for pair in pairs or []:
        name, eq, value = pair.partition("=")
        if not eq or not name:
            raise ConfigError(f"--var '{pair}' is not name=value", hint="e.g. --var vlanTag=150")
        result[name.strip()] = value
    return result


def project(state: str | None, *, read_only: bool = False) -> Project:
    """The current directory as a project: its state store and its provider servers (from
    mcp-iac.yaml and the environment; the built-in ``local`` is served in-process over MCP).

    ``read_only`` commands never create a state file: without one, the state is empty."""
    root = Path.cwd()
    return Project(
        root=root, state=open_store(state, create=not read_only), providers=providers(root)
    )


def providers(root: Path) -> McpProviders:
    """The project's provider servers; mcp-iac.yaml is read when a server is first needed. The
    answers of built-ins are remembered in ``.mcp-iac/cache`` (see docs/cli.md, "Speed")."""
    return McpProviders(lambda: discover(root), root=root, cache_dir=root / CACHE_DIR)


def run_async(proj: Project, fn: Callable[[], Awaitable[T]]) -> T:
    """Run ``fn`` with the project's provider connections open.

    The result is handed back outside the event loop's main task: when asyncio restores the
    SIGINT handler on the way out, Python 3.11 formats that task, result included, and a plan
    of 10,000 steps took a tenth of a second to print for nothing.
    """

    box: list[T] = []

    async def main() -> None:
        async with proj.providers:
            box.append(await fn())

    anyio.run(main)  # the result travels outside the task: see the docstring
    return box[0]


def load_deployment(proj: Project, file: Path | None, variables: list[str] | None) -> Loaded:
    path = find_deployment_file(file, proj.root)
    return load(proj, load_spec(path), parse_vars(variables))


def deployment_name(proj: Project, name: str | None, file: Path | None) -> str:
    """A deployment named on the command line, else the one the deployment file declares."""
    if name:
        return name
    try:
        path = find_deployment_file(file, proj.root)
    except ConfigError:
        known = [d.name for d in proj.state.deployments()]
        if len(known) == 1:
            return known[0]
        raise ConfigError(
            "which deployment? name it, or run where its deployment file is",
            hint="recorded: " + (", ".join(known) or "none"),
        ) from None
    return load_spec(path).name


def confirm_factory(yes: bool, render: Callable[[Plan], None]) -> Callable[[Plan], Awaitable[bool]]:
    async def confirm(plan: Plan) -> bool:
        render(plan)
        if yes:
            return True
        if not sys.stdin.isatty():
            raise ConfigError(
                "refusing to change infrastructure without confirmation (stdin is not a terminal)",
                hint="review the plan above and pass --yes",
            )
        answer: str = out.input("\n[bold]Apply these changes?[/] Only 'yes' is accepted: ")
        return answer.strip().lower() == "yes"

    return confirm


def run_interruptible(proj: Project, fn: Callable[[StopSignal], Awaitable[T]]) -> T:
    """Run ``fn`` with Ctrl-C semantics: first drains and rolls back/stops, second exits now."""
    from mcp_iac.engine import StopSignal  # noqa: PLC0415  # see TYPE_CHECKING above

    stop = StopSignal()

    box: list[T] = []

    async def main() -> None:
        async with anyio.create_task_group() as tg:

            async def watch() -> None:
                await stop.wait_armed()  # before changes begin, Ctrl-C just cancels
                with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
                    async for _ in signals:
                        if stop.requested:
                            err.print(
                                "[red]Second interrupt: exiting now. The journal holds; "
                                "the next run reconciles what was in flight.[/]"
                            )
                            os._exit(130)
                        stop.request()
                        err.print(
                            "[yellow]Interrupt: no new steps will start; waiting for "
                            "in-flight steps to finish. Press Ctrl-C again to exit now.[/]"
                        )

            tg.start_soon(watch)
            try:
                async with proj.providers:
                    box.append(await fn(stop))
            finally:
                tg.cancel_scope.cancel()

    anyio.run(main)
    return box[0]
