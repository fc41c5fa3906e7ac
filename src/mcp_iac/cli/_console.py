"""The one place that touches the terminal."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def write(text: Text) -> None:
    """Styled output in one write: colours on a terminal, plain text otherwise (fast for big
    plans piped to a file)."""
    if out.is_terminal:
        out.print(text)
    else:
        sys.stdout.write(text.plain if text.plain.endswith("\n") else text.plain + "\n")
        sys.stdout.flush()


def print_json(data: Any) -> None:
    """Machine output: one JSON document on stdout, nothing else."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
    sys.stdout.flush()


def error(message: str, hint: str | None = None) -> None:
    err.print(f"[bold red]Error:[/] {_escape(message)}")
    if hint:
        err.print(f"  [dim]hint:[/] {_escape(hint)}")


def warn(message: str) -> None:
    err.print(f"[yellow]Warning:[/] {_escape(message)}")


def _escape(text: str) -> str:
    return str(escape(text))
