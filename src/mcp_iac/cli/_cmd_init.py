"""``mcp-iac init``: start a project with a deployment file that works as is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mcp_iac.core import ConfigError, load_document, read_document, valid_name

from ._console import out

TEMPLATE = """\
# A deployment: run `mcp-iac plan`, then `mcp-iac up`. Format: docs/deployments.md
apiVersion: iac.mcp/v1
kind: Deployment
metadata:
  name: {name}
spec:
  variables:
    message: {{type: string, default: "hello from {name}"}}
  resources:
    - type: local:data
      name: settings
      properties:
        input: {{message: "${{message}}"}}
    - type: local:file
      name: readme
      properties:
        path: out/README.txt
        content: "${{settings.output.message}}\\n"
  outputs:
    readme: "${{local:file:readme.path}}"
"""


def register(app: typer.Typer) -> None:
    app.command("init")(init)


def init(
    name: Annotated[
        str | None, typer.Argument(help="Deployment name (default: the directory's name).")
    ] = None,
    file: Annotated[Path, typer.Option("--file", "-f", help="File to write.")] = Path(
        "deployment.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starter deployment file (local resources; no infrastructure needed)."""
    chosen = name or Path.cwd().name
    if not valid_name(chosen):
        raise ConfigError(
            f"'{chosen}' is not a valid deployment name",
            hint="use letters, digits, '-' and '_': mcp-iac init my-app",
        )
    if file.exists() and not force:
        raise ConfigError(f"'{file}' already exists", hint="pass --force to overwrite it")
    file.write_text(TEMPLATE.format(name=chosen))
    load_document(read_document(file), source=str(file))  # what we wrote must load
    out.print(
        f"Wrote [bold]{file}[/] (deployment '{chosen}'). Next: [bold]mcp-iac plan[/]"
        + ("" if file == Path("deployment.yaml") else f" -f {file}")
    )
