"""The command line: ``mcp-iac``. Exit codes: 0 ok, 1 failed, 2 invalid input, 3 policy,
4 state locked, 5 drift (with ``drift --exit-code``)."""

from __future__ import annotations

import gc
import sys
import traceback

from mcp_iac.core import IacError

from ._app import build
from ._console import err, error


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns (and, from the console script, exits with)
    the exit code. Usage errors exit 2 (from Typer), user errors print no traceback."""
    # A command is a short-lived process building many small acyclic objects (10k resources
    # is ~1M allocations); the cyclic collector's repeated full scans cost more than half the
    # planning time and find next to nothing: reference counting frees all but cycles.
    gc.disable()
    try:
        try:
            args = sys.argv[1:] if argv is None else argv
            build(args)(args=args, prog_name="mcp-iac", standalone_mode=True)
        except BaseExceptionGroup as group:
            raise _single(group) from None
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except IacError as exc:
        error(exc.message, exc.hint)
        code = exc.exit_code
    except KeyboardInterrupt:
        err.print("Interrupted.")
        code = 130
    except Exception:  # a bug: show it in full, exit 1
        err.print("[bold red]Internal error[/] (a bug in mcp-iac; please report it):")
        traceback.print_exc()
        code = 1
    else:
        code = 0
    finally:
        gc.enable()
    if argv is None:
        # The process ends now: put what is alive out of the collector's reach, so the
        # interpreter's shutdown does not scan it all once more (about 0.1 s after a
        # 10,000-resource plan). Shutdown is otherwise the usual one (atexit, flushing).
        gc.freeze()
        sys.exit(code)
    return code


def _single(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """Task groups wrap errors; show the user the first real one (an IacError if any)."""
    leaves: list[BaseException] = []
    stack: list[BaseException] = [group]
    while stack:
        exc = stack.pop()
        if isinstance(exc, BaseExceptionGroup):
            stack.extend(reversed(exc.exceptions))
        else:
            leaves.append(exc)
    for exc in leaves:
        if isinstance(exc, IacError | SystemExit | KeyboardInterrupt):
            return exc
    return leaves[0] if leaves else group


__all__ = ["main"]
