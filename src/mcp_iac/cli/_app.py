"""The ``mcp-iac`` command: a thin layer over :mod:`mcp_iac.app`."""

from __future__ import annotations

import typer

from . import (
    _cmd_ask,
    _cmd_init,
    _cmd_pattern,
    _cmd_plan,
    _cmd_policy,
    _cmd_run,
    _cmd_sandbox,
    _cmd_serve,
    _cmd_servers,
    _cmd_state,
)

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
servers_app = typer.Typer(help="Provider servers: list, check, import.", no_args_is_help=True)
app.add_typer(servers_app, name="servers")
provider_app = typer.Typer(help="Run or test a provider server.", no_args_is_help=True)
app.add_typer(provider_app, name="provider")
sandbox_app = typer.Typer(
    help="Local stand-ins for the built-in providers' backends.", no_args_is_help=True
)
app.add_typer(sandbox_app, name="sandbox")
serve_app = typer.Typer(
    help="Serve mcp-iac over MCP (stdio, or HTTP with tokens).", invoke_without_command=True
)
token_app = typer.Typer(help="Bearer tokens for serve --http.", no_args_is_help=True)
policy_app = typer.Typer(
    help="Policies: check a deployment, run policy tests, list.", no_args_is_help=True
)
app.add_typer(policy_app, name="policy")
pattern_app = typer.Typer(
    help="Deployment patterns: list, show, render, deploy.", no_args_is_help=True
)
app.add_typer(pattern_app, name="pattern")

_cmd_init.register(app)
_cmd_plan.register(app)
_cmd_run.register(app)
_cmd_state.register(state_app)
_cmd_servers.register(app, servers_app, provider_app)
_cmd_sandbox.register(sandbox_app)
_cmd_serve.register(app, serve_app, token_app)
_cmd_ask.register(app)
_cmd_policy.register(policy_app)
_cmd_pattern.register(pattern_app)
