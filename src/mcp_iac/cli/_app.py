"""The ``mcp-iac`` command: a thin layer over :mod:`mcp_iac.app`.

Each command group lives in a module of its own, and a run imports only the module of the
command it was given (``mcp-iac plan`` never loads patterns, intents, the sandbox or the MCP
server): importing everything costs a quarter of a second more on every command. ``--help``, no
command, or an unknown one loads them all, so help and "no such command" stay complete.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import typer

_GROUPS: dict[str, tuple[str, str]] = {
    # sub-app name -> (help, the module that registers its commands)
    "state": ("Inspect and manage recorded state.", "_cmd_state"),
    "servers": ("Provider servers: list, check, import.", "_cmd_servers"),
    "provider": ("Run or test a provider server.", "_cmd_servers"),
    "sandbox": ("Local stand-ins for the built-in providers' backends.", "_cmd_sandbox"),
    "policy": ("Policies: check a deployment, run policy tests, list.", "_cmd_policy"),
    "pattern": ("Deployment patterns: list, show, render, deploy.", "_cmd_pattern"),
}
_COMMANDS: dict[str, str] = {
    # top-level command -> its module
    "init": "_cmd_init",
    "validate": "_cmd_plan",
    "plan": "_cmd_plan",
    "graph": "_cmd_plan",
    "up": "_cmd_run",
    "destroy": "_cmd_run",
    "refresh": "_cmd_run",
    "drift": "_cmd_run",
    "types": "_cmd_servers",
    "serve": "_cmd_serve",
    "ask": "_cmd_ask",
    **{name: module for name, (_, module) in _GROUPS.items()},
}
_ORDER = (
    "_cmd_init",
    "_cmd_plan",
    "_cmd_run",
    "_cmd_state",
    "_cmd_servers",
    "_cmd_sandbox",
    "_cmd_serve",
    "_cmd_ask",
    "_cmd_policy",
    "_cmd_pattern",
)


def build(argv: Sequence[str] | None = None) -> typer.Typer:
    """The ``mcp-iac`` Typer app with the commands ``argv`` needs (all of them when in doubt)."""
    app = typer.Typer(
        name="mcp-iac",
        help="Infrastructure as Code whose providers are MCP servers.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    first = next((a for a in argv or () if not a.startswith("-")), None)
    wanted = {_COMMANDS[first]} if first in _COMMANDS else set(_ORDER)
    subs = {
        name: typer.Typer(help=text, no_args_is_help=True) for name, (text, _) in _GROUPS.items()
    }
    for name, sub in subs.items():
        app.add_typer(sub, name=name)
    registrars: dict[str, Callable[[], None]] = {
        "_cmd_init": lambda: _module("_cmd_init").register(app),
        "_cmd_plan": lambda: _module("_cmd_plan").register(app),
        "_cmd_run": lambda: _module("_cmd_run").register(app),
        "_cmd_state": lambda: _module("_cmd_state").register(subs["state"]),
        "_cmd_servers": lambda: _module("_cmd_servers").register(
            app, subs["servers"], subs["provider"]
        ),
        "_cmd_sandbox": lambda: _module("_cmd_sandbox").register(subs["sandbox"]),
        "_cmd_serve": lambda: _register_serve(app),
        "_cmd_ask": lambda: _module("_cmd_ask").register(app),
        "_cmd_policy": lambda: _module("_cmd_policy").register(subs["policy"]),
        "_cmd_pattern": lambda: _module("_cmd_pattern").register(subs["pattern"]),
    }
    for module in _ORDER:
        if module in wanted:
            registrars[module]()
    return app


def _register_serve(app: typer.Typer) -> None:
    serve_app = typer.Typer(
        help="Serve mcp-iac over MCP (stdio, or HTTP with tokens).", invoke_without_command=True
    )
    token_app = typer.Typer(help="Bearer tokens for serve --http.", no_args_is_help=True)
    _module("_cmd_serve").register(app, serve_app, token_app)


def _module(name: str) -> Any:
    return importlib.import_module(f"{__package__}.{name}")


def __getattr__(name: str) -> typer.Typer:
    # ``from mcp_iac.cli._app import app``: the whole command tree (docs tests, completion)
    if name == "app":
        return build()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
