"""The ``mcp-iac`` command: a thin layer over :mod:`mcp_iac.app`."""

from __future__ import annotations

import typer

from . import _cmd_init, _cmd_plan, _cmd_run, _cmd_state

app = typer.Typer(
    name="mcp-iac",
    help="Infrastructure as Code whose providers are MCP servers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
state_app = typer.Typer(help="Inspect and manage recorded state.", no_args_is_help=True)
app.add_typer(state_app, name="state")

_cmd_init.register(app)
_cmd_plan.register(app)
_cmd_run.register(app)
_cmd_state.register(state_app)
