"""Provider servers: ``servers list|check|import-claude``, ``types``, ``provider serve|test``."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Annotated, Any

import anyio
import typer
from rich.markup import escape
from rich.table import Table

from mcp_iac.core import ConfigError, ProviderError
from mcp_iac.registry import (
    BUILTINS,
    PROJECT_FILE,
    McpProviders,
    ServerConfig,
    builtin_server,
    claude_config_path,
    discover,
    import_claude,
    merge_servers,
)

from ._common import JsonOpt, providers
from ._console import err, out, print_json

ServerArg = Annotated[str | None, typer.Argument(help="Only this server.")]


def register(app: typer.Typer, servers: typer.Typer, provider: typer.Typer) -> None:
    servers.command("list")(list_servers)
    servers.command("check")(check)
    servers.command("import-claude")(import_claude_cmd)
    app.command("types")(types)
    provider.command("serve")(serve)
    provider.command("test")(provider_test)


def _target(cfg: ServerConfig) -> str:
    if cfg.command:
        return " ".join([cfg.command, *cfg.args])
    return cfg.url or f"built-in {cfg.builtin}"


def list_servers(json: JsonOpt = False) -> None:
    """The configured provider servers (mcp-iac.yaml, environment, built-ins)."""
    servers = discover(Path.cwd())
    if json:
        print_json(
            [
                {
                    "name": n,
                    "transport": c.transport,
                    "target": _target(c),
                    "source": c.source,
                    "mapping": c.mapping,
                    "timeoutSeconds": c.timeout_seconds,
                    "maxConcurrency": c.max_concurrency,
                }
                for n, c in sorted(servers.items())
            ]
        )
        return
    table = Table("SERVER", "TRANSPORT", "TARGET", "FROM")
    for name, cfg in sorted(servers.items()):
        table.add_row(escape(name), cfg.transport, escape(_target(cfg)), escape(cfg.source))
    out.print(table)


def _problem(exc: ProviderError | ConfigError) -> str:
    return f"{exc.code}: {exc.reason}" if isinstance(exc, ProviderError) else str(exc)


def check(server: ServerArg = None, json: JsonOpt = False) -> None:
    """Connect to each server: health, provider, protocol and resource types."""
    source = providers(Path.cwd())
    names = [server] if server else source.servers()

    async def go() -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        async with source:
            for name in names:
                row: dict[str, Any] = {"server": name}
                try:
                    health = await source.health(name)
                    schema = await source.describe(name)
                except (ProviderError, ConfigError) as exc:
                    row.update(ok=False, error=_problem(exc))
                else:
                    row.update(
                        ok=health.status == "ok",
                        status=health.status,
                        latency_ms=health.latency_ms,
                        provider=schema.name,
                        version=schema.version,
                        protocol=schema.protocol,
                        types=[t.type for t in schema.types],
                    )
                    if not row["ok"]:
                        row["error"] = f"health check says '{health.status}'"
                rows.append(row)
        return rows

    rows = anyio.run(go)
    if json:
        print_json(rows)
    else:
        for row in rows:
            if "provider" in row:
                mark = "[green]✓[/]" if row["ok"] else "[red]✗[/]"
                out.print(
                    f"  {mark} {escape(row['server'])}: {row['provider']} "
                    f"{row['version']} ({row['protocol']}), {len(row['types'])} type(s), "
                    f"{row['status']}"
                )
            else:
                out.print(f"  [red]✗[/] {escape(row['server'])}: {escape(row['error'])}")
    if not all(r["ok"] for r in rows):
        raise typer.Exit(1)


def import_claude_cmd(
    path: Annotated[
        Path | None,
        typer.Argument(help="claude_desktop_config.json (default: Claude Desktop's own)"),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace servers of the same name already in mcp-iac.yaml."),
    ] = False,
) -> None:
    """Add the MCP servers of a Claude Desktop config to mcp-iac.yaml."""
    source = path or claude_config_path()
    found = import_claude(source)
    target = Path.cwd() / PROJECT_FILE
    added, skipped = merge_servers(target, found, replace=force)
    out.print(
        f"Imported {len(added)} server(s) from {source} into {target.name}: "
        f"{', '.join(added) or 'none'}"
    )
    if skipped:
        out.print(f"Kept existing: {', '.join(skipped)} (pass --force to replace them)")


def types(server: ServerArg = None, json: JsonOpt = False) -> None:
    """The resource types each server offers, with their properties."""
    source = providers(Path.cwd())
    names = [server] if server else source.servers()
    failures: dict[str, str] = {}

    async def go() -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        async with source:
            for name in names:
                try:
                    schema = await source.describe(name)
                except (ProviderError, ConfigError) as exc:
                    failures[name] = _problem(exc)
                    continue
                for t in schema.types:
                    props = t.properties.get("properties", {})
                    required = set(t.properties.get("required", []))
                    rows.append(
                        {
                            "server": name,
                            "type": t.type,
                            "description": t.description,
                            "properties": {
                                k: {
                                    "type": v.get("type", "any") if isinstance(v, dict) else "any",
                                    "required": k in required,
                                    "replaceOnChange": k in t.replace_on_changes,
                                }
                                for k, v in props.items()
                            },
                            "outputs": sorted(t.outputs.get("properties", {})),
                        }
                    )
        return rows

    rows = anyio.run(go)
    for name, problem in failures.items():
        err.print(
            f"[yellow]Warning:[/] server '{escape(name)}' could not be asked: {escape(problem)}"
        )
    if json:
        print_json(rows)
        return
    for row in rows:
        out.print(
            f"[bold]{escape(row['type'])}[/] [dim](server {escape(row['server'])})[/]"
            + (f" — {escape(row['description'])}" if row["description"] else "")
        )
        for key, p in row["properties"].items():
            flags = ", ".join(
                f
                for f, on in (
                    ("required", p["required"]),
                    ("replace on change", p["replaceOnChange"]),
                )
                if on
            )
            out.print(f"    {escape(key)}: {p['type']}" + (f"  [dim]({flags})[/]" if flags else ""))
        if row["outputs"]:
            out.print(f"    [dim]outputs: {', '.join(row['outputs'])}[/]")
    if failures:
        raise typer.Exit(1)


def serve(
    name: Annotated[str, typer.Argument(help=f"Built-in provider: {', '.join(BUILTINS)}")],
    http: Annotated[bool, typer.Option("--http", help="Streamable HTTP instead of stdio.")] = False,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="0 picks a free port.")] = 8000,
) -> None:
    """Run a built-in provider as an MCP server (stdio by default)."""
    server = builtin_server(name, Path.cwd(), os.environ)
    from mcp_iac.sdk import serve as sdk_serve  # noqa: PLC0415  # loads the MCP SDK

    sdk_serve(server, transport="http" if http else "stdio", host=host, port=port)


def provider_test(
    target: Annotated[
        str,
        typer.Argument(
            help="A built-in name (local), a server of mcp-iac.yaml, a command line "
            "('python -m pkg'), or an http(s) URL."
        ),
    ],
    json: JsonOpt = False,
) -> None:
    """Run the iac/1 contract suite against a provider."""
    root = Path.cwd()
    argv = shlex.split(target)
    if not argv:
        raise ConfigError(
            "no provider to test",
            hint="give a built-in name (local), a server of mcp-iac.yaml, a command line or a URL",
        )
    configured = discover(root)
    if target in configured:
        name, cfg = target, configured[target]
    elif target in BUILTINS:
        name, cfg = target, ServerConfig(builtin=target, source="built in")
    elif target.startswith(("http://", "https://")):
        name, cfg = "provider", ServerConfig(url=target, source="command line")
    else:
        name = "provider"
        cfg = ServerConfig(command=argv[0], args=tuple(argv[1:]), source="command line")
    source = McpProviders({name: cfg}, root=root)

    async def go() -> Any:
        from mcp_iac.sdk import run_contract  # noqa: PLC0415  # loads the MCP SDK

        async with source:
            return await run_contract(await source.client(name))

    report = anyio.run(go)
    if json:
        print_json(report.model_dump(mode="json"))
    else:
        out.print(escape(report.render()))
    if not report.passed:
        raise typer.Exit(1)
