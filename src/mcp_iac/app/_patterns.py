"""Patterns in the use cases: the project's library (built-ins, ``patterns/``, the paths of
``mcp-iac.yaml``), rendering one into a deployment, and deploying it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mcp_iac.core import ConfigError, DeploymentSpec, Location
from mcp_iac.patterns import BUILTIN_PATTERNS, PatternLibrary, load_pattern_paths

from ._policies import read_project_section
from ._project import Project

DEFAULT_PATTERN_DIR = "patterns"


def pattern_paths(root: Path) -> list[Path]:
    """Where the project's patterns are: ``patterns:`` in ``mcp-iac.yaml`` (a list of files and
    directories, or ``{paths: [...]}``), else ``patterns/`` when it exists."""
    raw, source = read_project_section(root, "patterns")
    if raw is None:
        default = root / DEFAULT_PATTERN_DIR
        return [default] if default.is_dir() else []
    key = "patterns"
    if isinstance(raw, dict):
        extra = set(raw) - {"paths"}
        if extra:
            raise ConfigError(
                f"unknown key '{sorted(extra)[0]}'",
                location=Location(file=source, property=f"patterns.{sorted(extra)[0]}"),
                hint="patterns takes a list of paths, or {paths: [...]}",
            )
        raw, key = raw.get("paths") or [], "patterns.paths"
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise ConfigError(
            "must be a list of pattern files or directories",
            location=Location(file=source, property=key),
        )
    paths = [root / p for p in raw]
    for given, p in zip(raw, paths, strict=True):
        if not p.exists():
            raise ConfigError(
                f"pattern path '{given}' does not exist",
                location=Location(file=source, property=key),
            )
    return paths


def pattern_library(project: Project) -> PatternLibrary:
    """The built-in patterns and the project's own."""
    return PatternLibrary([*BUILTIN_PATTERNS, *load_pattern_paths(pattern_paths(project.root))])


def render_pattern(
    project: Project, name: str, params: Mapping[str, Any], *, deployment: str | None = None
) -> DeploymentSpec:
    """The deployment pattern ``name`` generates for ``params`` (renamed to ``deployment``).

    Raises:
        ConfigError: no such pattern, invalid parameters, or an invalid generated deployment.
    """
    return pattern_library(project).get(name).render(params, name=deployment)
