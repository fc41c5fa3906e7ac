"""``mcp-iac sandbox up|down|status``: local stand-ins for the built-in providers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from mcp_iac.sandbox import SERVICES, Sandbox

from ._common import JsonOpt
from ._console import err, out, print_json

ServicesArg = Annotated[
    list[str] | None,
    typer.Argument(help=f"Stand-ins to start (default: all of {', '.join(SERVICES)})."),
]


def register(sandbox: typer.Typer) -> None:
    sandbox.command("up")(up)
    sandbox.command("down")(down)
    sandbox.command("status")(status)


def _say(message: str) -> None:
    err.print(f"[dim]sandbox:[/] {escape(message)}")


def up(services: ServicesArg = None, json: JsonOpt = False) -> None:
    """Start moto (AWS), the OPNsense emulator and a Docker engine on loopback, and point the
    built-in providers at them in mcp-iac.yaml."""
    box = Sandbox(Path.cwd())
    box.up(services or SERVICES, on_progress=_say)
    rows = box.status()
    if json:
        print_json([{"service": r.service, "running": r.running, "pid": r.pid} for r in rows])
        return
    out.print("Sandbox ready; servers written to mcp-iac.yaml:")
    for row in rows:
        if row.running:
            out.print(f"  [green]●[/] {row.service}: {escape(row.detail)}")


def down() -> None:
    """Stop every process the sandbox started and remove its servers from mcp-iac.yaml."""
    stopped = Sandbox(Path.cwd()).down(on_progress=_say)
    out.print(f"Sandbox stopped ({len(stopped)} process(es)).")


def status(json: JsonOpt = False) -> None:
    """Which stand-ins run, with their PIDs."""
    rows = Sandbox(Path.cwd()).status()
    if json:
        print_json(
            [
                {"service": r.service, "running": r.running, "pid": r.pid, "detail": r.detail}
                for r in rows
            ]
        )
        return
    for row in rows:
        mark = "[green]●[/]" if row.running else "[dim]○[/]"
        pid = f" (pid {row.pid})" if row.pid else ""
        out.print(f"  {mark} {row.service}{pid}: {escape(row.detail)}")
