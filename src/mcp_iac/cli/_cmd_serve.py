"""``mcp-iac serve``: the orchestrator as an MCP server; ``serve token create|list``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from mcp_iac.core import ConfigError
from mcp_iac.server import TOKENS_ENV, add_token, load_tokens, new_token

from ._common import JsonOpt, StateOpt, project
from ._console import err, out, print_json


def register(app: typer.Typer, serve_app: typer.Typer, token_app: typer.Typer) -> None:
    serve_app.callback(invoke_without_command=True)(serve)
    app.add_typer(serve_app, name="serve")
    token_app.command("create")(token_create)
    token_app.command("list")(token_list)
    serve_app.add_typer(token_app, name="token")


def serve(
    ctx: typer.Context,
    http: Annotated[
        bool, typer.Option("--http", help="Streamable HTTP (with bearer tokens) instead of stdio.")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="HTTP address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="HTTP port; 0 picks a free one.")] = 8000,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="Another Host header to accept over HTTP (DNS-rebinding protection), "
            "e.g. iac.example.org:8443 (repeatable).",
        ),
    ] = None,
    auto_approve: Annotated[
        bool,
        typer.Option(
            "--auto-approve",
            help="Apply, destroy and restore without asking a person (any caller with the "
            "apply scope changes infrastructure).",
        ),
    ] = False,
    parallelism: Annotated[
        int, typer.Option("--parallelism", min=1, max=1000, help="Steps at once when applying.")
    ] = 10,
    project_dir: Annotated[
        Path | None,
        typer.Option(
            "--project",
            help="The project directory (mcp-iac.yaml, state, relative paths); default: the "
            "current one. For clients that cannot set the working directory.",
        ),
    ] = None,
    state: StateOpt = None,
) -> None:
    """Serve mcp-iac itself over MCP, for AI assistants: plan, then apply with approval."""
    if ctx.invoked_subcommand is not None:
        return
    if project_dir is not None:
        if not project_dir.is_dir():
            raise ConfigError(f"--project '{project_dir}' is not a directory")
        os.chdir(project_dir)
    from mcp_iac.server import build_server  # noqa: PLC0415  # loads the MCP SDK
    from mcp_iac.server import serve as run  # noqa: PLC0415  # loads the MCP SDK

    with project(state) as proj:
        tokens = load_tokens(proj.root, os.environ) if http else None
        if auto_approve:
            err.print(
                "[yellow]Warning:[/] --auto-approve: changes run without asking anyone; "
                "every caller allowed to apply can change infrastructure."
            )
        if http and host not in ("127.0.0.1", "localhost", "::1"):
            err.print(
                f"[yellow]Warning:[/] serving on {escape(host)}, not only on this machine; "
                "use TLS in front of it (a reverse proxy) if it leaves a trusted network."
            )
        server = build_server(proj, auto_approve=auto_approve, parallelism=parallelism)
        run(
            server,
            transport="http" if http else "stdio",
            host=host,
            port=port,
            tokens=tokens,
            allowed_hosts=allowed_host or (),
        )


def token_create(
    name: Annotated[str, typer.Argument(help="The token's id: names the caller in the audit log.")],
    scopes: Annotated[
        str, typer.Option("--scopes", help="Comma-separated: read, plan, apply.")
    ] = "read",
    print_only: Annotated[
        bool,
        typer.Option(
            "--print-only",
            help=f"Do not write mcp-iac.yaml; print the entry (e.g. for {TOKENS_ENV}).",
        ),
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Make a bearer token for `serve --http`; only its hash is stored."""
    token, entry = new_token(name, scopes.split(","))
    written = None if print_only else add_token(Path.cwd(), entry)
    if json:
        print_json({**entry.model_dump(mode="json"), "token": token, "file": str(written or "")})
        return
    if written is not None:
        out.print(
            f"Added token '{entry.id}' (scopes: {', '.join(entry.scopes)}) to {written.name}."
        )
    else:
        out.print(f"Token entry for {TOKENS_ENV} (a JSON list of these) or mcp-iac.yaml:")
        out.print(escape(entry.model_dump_json()))
    out.print("The token, shown only now (send it as 'Authorization: Bearer <token>'):")
    out.print(f"  {token}", soft_wrap=True)


def token_list(json: JsonOpt = False) -> None:
    """The configured tokens: ids and scopes (never the tokens; only their hashes are kept)."""
    book = load_tokens(Path.cwd(), os.environ)
    if json:
        print_json([{"id": e.id, "scopes": list(e.scopes)} for e in book.entries])
        return
    if not book.entries:
        out.print("No tokens. Create one with: mcp-iac serve token create NAME --scopes read,plan")
        return
    table = Table("ID", "SCOPES")
    for entry in book.entries:
        table.add_row(escape(entry.id), ", ".join(entry.scopes))
    out.print(table)
