"""User policies from files: YAML (``kind: Policy`` documents) and Python modules."""

from __future__ import annotations

import runpy
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from mcp_iac.core import ConfigError, Location

from ._policy import Policy

POLICY_SUFFIXES = (".yaml", ".yml", ".json", ".py")
SKIPPED_KINDS = ("PolicyTest",)
"""Documents that may live next to policies and are not policies."""


def read_documents(path: Path) -> list[Any]:
    """Every YAML document in ``path`` (JSON is YAML); raises ConfigError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"policy file '{path}' does not exist") from None
    except OSError as exc:
        raise ConfigError(f"cannot read '{path}': {exc.strerror}") from None
    import yaml  # noqa: PLC0415  # only when a policy file is read (plans usually read none)

    try:
        return [d for d in yaml.load_all(text, Loader=yaml.CSafeLoader) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"invalid YAML{where}: {problem}", location=Location(file=str(path))
        ) from None


def load_policy_file(path: str | Path) -> list[Policy]:
    """The policies a file defines: ``kind: Policy`` documents in YAML/JSON, or module-level
    :class:`Policy` objects (what ``@policy`` returns) in Python.

    Raises:
        ConfigError: the file is missing, malformed, or a policy in it is invalid.
    """
    p = Path(path)
    if p.suffix == ".py":
        return _python(p)
    # only when a policy file is read (plans usually read none)
    from ._declarative import is_policy_document, parse_policy  # noqa: PLC0415

    found: list[Policy] = []
    for index, doc in enumerate(read_documents(p)):
        if isinstance(doc, dict) and doc.get("kind") in SKIPPED_KINDS:
            continue
        if not is_policy_document(doc):
            kind = doc.get("kind") if isinstance(doc, dict) else None
            raise ConfigError(
                f"document {index + 1} is not a policy (kind {kind!r})",
                location=Location(file=str(p), property="kind"),
                hint="a policy file holds documents with 'kind: Policy'",
            )
        found.append(parse_policy(doc, source=str(p), index=index))
    return found


def _python(path: Path) -> list[Policy]:
    if not path.exists():
        raise ConfigError(f"policy file '{path}' does not exist")
    try:
        namespace = runpy.run_path(str(path), run_name="__mcp_iac_policy__")
    except ConfigError:
        raise
    except Exception as exc:  # user code: say which file failed and why, keep the cause
        raise ConfigError(
            f"policy module failed to load: {type(exc).__name__}: {exc}",
            location=Location(file=str(path)),
        ) from exc
    found = [v for v in namespace.values() if isinstance(v, Policy)]
    for p in found:
        if p.meta.source is None:
            p.meta = replace(p.meta, source=str(path))
    return found


def load_policy_paths(paths: Iterable[str | Path]) -> list[Policy]:
    """Policies from files and directories (the files directly in a directory whose names end
    in .yaml, .yml, .json or .py and do not start with ``_`` or ``.``)."""
    found: list[Policy] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.iterdir()):
                if (
                    child.is_file()
                    and child.suffix in POLICY_SUFFIXES
                    and not child.name.startswith(("_", "."))
                ):
                    found.extend(load_policy_file(child))
        elif p.exists():
            found.extend(load_policy_file(p))
        else:
            raise ConfigError(f"policy path '{p}' does not exist")
    return found
