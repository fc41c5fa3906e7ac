"""The pattern library: built-in patterns and the user's, found in files and directories."""

from __future__ import annotations

import difflib
import runpy
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from mcp_iac.core import ConfigError, Location

from ._pattern import Pattern
from ._yaml import is_pattern_document, parse_pattern

PATTERN_SUFFIXES = (".yaml", ".yml", ".json", ".py")


def load_pattern_file(path: str | Path) -> list[Pattern]:
    """The patterns a file defines: ``kind: Pattern`` documents, or module-level
    :class:`Pattern` objects (what ``@pattern`` returns) in a Python file.

    Raises:
        ConfigError: the file is missing or malformed, or a pattern in it is invalid.
    """
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"pattern file '{p}' does not exist")
    if p.suffix == ".py":
        try:
            namespace = runpy.run_path(str(p), run_name="__mcp_iac_pattern__")
        except ConfigError:
            raise
        except Exception as exc:  # user code: say which file failed and why, keep the cause
            raise ConfigError(
                f"pattern module failed to load: {type(exc).__name__}: {exc}",
                location=Location(file=str(p)),
            ) from exc
        found = [v for v in namespace.values() if isinstance(v, Pattern)]
        for pat in found:
            pat.source = str(p)
        return found
    try:
        docs = [
            d
            for d in yaml.load_all(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            if d is not None
        ]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"invalid YAML{where}", location=Location(file=str(p))) from None
    patterns: list[Pattern] = []
    for i, doc in enumerate(docs):
        if not is_pattern_document(doc):
            raise ConfigError(
                f"document {i + 1} is not a pattern (kind: Pattern)", location=Location(file=str(p))
            )
        patterns.append(parse_pattern(doc, source=str(p)))
    return patterns


def load_pattern_paths(paths: Iterable[str | Path]) -> list[Pattern]:
    """Patterns from files and directories (a directory's own files ending in .yaml, .yml,
    .json or .py, not starting with ``_`` or ``.``)."""
    found: list[Pattern] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.iterdir()):
                if (
                    child.is_file()
                    and child.suffix in PATTERN_SUFFIXES
                    and not child.name.startswith(("_", "."))
                ):
                    found.extend(load_pattern_file(child))
        else:
            found.extend(load_pattern_file(p))
    return found


class PatternLibrary:
    """Patterns by name; a user pattern may not reuse a name already taken."""

    def __init__(self, patterns: Iterable[Pattern] = ()) -> None:
        self._patterns: dict[str, Pattern] = {}
        for p in patterns:
            self.register(p)

    def register(self, pattern: Pattern) -> None:
        """Add a pattern; raises ConfigError when its name is taken."""
        taken = self._patterns.get(pattern.name)
        if taken is not None:
            raise ConfigError(
                f"two patterns are called '{pattern.name}' "
                f"({taken.source or 'built in'} and {pattern.source or 'built in'})",
                hint="rename one (metadata.name)",
            )
        self._patterns[pattern.name] = pattern

    def get(self, name: str) -> Pattern:
        """The pattern called ``name``; raises ConfigError with the nearest names."""
        found = self._patterns.get(name)
        if found is None:
            close = difflib.get_close_matches(name, list(self._patterns), n=2, cutoff=0.5)
            raise ConfigError(
                f"no pattern named '{name}'",
                hint="did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
                if close
                else "see mcp-iac pattern list",
            )
        return found

    def __iter__(self) -> Iterator[Pattern]:
        return iter(self._patterns.values())

    def __len__(self) -> int:
        return len(self._patterns)
