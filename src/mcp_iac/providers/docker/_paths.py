"""Paths confined to the project directory (build contexts, Dockerfiles, bind-mount sources).

Two checks: ``lexical_problem`` when properties are validated (no absolute path, no ``..``
leading out), and ``confine`` when the path is used (after symlinks are resolved, the real path
must still be inside the project directory's real path, and exist).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Literal

from mcp_iac.core import ProviderError


def lexical_problem(value: str) -> str | None:
    """Why ``value`` cannot be a path inside the project directory, or None."""
    if not value:
        return "must not be empty (use '.' for the project directory itself)"
    if "\x00" in value:
        return "must not contain NUL characters"
    if value.startswith(("/", "\\")) or os.path.isabs(value):
        return (
            f"'{value}' is absolute; give a path relative to the project directory "
            "(it must stay inside it)"
        )
    if posixpath.normpath(value).split("/")[0] == "..":
        return f"'{value}' leads out of the project directory with '..'; paths must stay inside it"
    return None


def confine(
    root: Path,
    relative: str,
    *,
    subject: str,
    path: str,
    kind: Literal["dir", "file", "any"],
) -> Path:
    """The real path of ``relative`` under ``root``, after symlinks.

    Raises:
        ProviderError: ``VALIDATION`` naming property ``path`` when the path leads out of
            ``root`` (by ``..`` or by a symlink), does not exist, or is not a ``kind``.
    """

    def invalid(message: str) -> ProviderError:
        return ProviderError(
            "VALIDATION",
            f"{subject}: property '{path}': {message}",
            details=[{"path": path, "message": message}],
        )

    problem = lexical_problem(relative)
    if problem is not None:
        raise invalid(problem)
    real_root = os.path.realpath(root)
    target = os.path.realpath(os.path.join(real_root, relative))
    if target != real_root and not target.startswith(real_root.rstrip(os.sep) + os.sep):
        raise invalid(
            f"'{relative}' resolves to {target}, outside the project directory {real_root} "
            "(a symlink leads out of it); paths must stay inside the project directory"
        )
    if not os.path.exists(target):
        raise invalid(f"'{relative}' does not exist in the project directory {real_root}")
    if kind == "dir" and not os.path.isdir(target):
        raise invalid(f"'{relative}' is not a directory")
    if kind == "file" and not os.path.isfile(target):
        raise invalid(f"'{relative}' is not a file")
    return Path(target)
