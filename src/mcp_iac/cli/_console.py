"""The one place that touches the terminal.

``out`` and ``err`` are Rich consoles made on first use: importing Rich costs about 30 ms, which
a command writing plain text to a file or a pipe (a 10,000-resource plan) never needs.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


class LazyConsole:
    """A ``rich.console.Console(highlight=False, soft_wrap=True)`` on stdout or stderr, made
    when first used; every attribute is the console's."""

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console  # noqa: PLC0415  # see the module docstring

            self._console = Console(stderr=self._stderr, highlight=False, soft_wrap=True)
        return self._console

    @property
    def is_terminal(self) -> bool:
        """Rich's answer, without loading Rich when it is certainly "no": nothing forces a
        terminal (``FORCE_COLOR``, ``TTY_COMPATIBLE``) and the stream is not a TTY."""
        if self._console is None and not _forced() and not _isatty(self._stderr):
            return False
        return bool(self.console.is_terminal)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


def _forced() -> bool:
    return any(os.environ.get(name) for name in ("FORCE_COLOR", "TTY_COMPATIBLE"))


def _isatty(stderr: bool) -> bool:
    stream = sys.stderr if stderr else sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


out = LazyConsole()
err = LazyConsole(stderr=True)


def escape(text: str) -> str:
    """``text`` with Rich markup escaped (``[`` would start a style)."""
    from rich.markup import escape as rich_escape  # noqa: PLC0415  # see the module docstring

    return str(rich_escape(text))


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
    return escape(text)
