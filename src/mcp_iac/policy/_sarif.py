"""Policy results as SARIF 2.1.0 (GitHub code scanning, IDEs): one run, the policies as rules,
each result located in the deployment file (the line that names the resource) and by address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ._model import PolicyReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
_SEVERITY_SCORE = {"low": "3.0", "medium": "5.0", "high": "7.5", "critical": "9.5"}


def _level(enforcement: str, status: str) -> str:
    if status == "undetermined":
        return "note"
    return "error" if enforcement == "mandatory" else "warning"


def resource_lines(path: str | None) -> dict[str, int]:
    """Resource name -> the 1-based line of its ``name:`` in a YAML/JSON deployment file (best
    effort: empty when the file cannot be read)."""
    if not path or Path(path).suffix == ".py":
        return {}
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError):
        return {}
    lines: dict[str, int] = {}
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == "name" and isinstance(value, yaml.ScalarNode):
                    lines.setdefault(str(value.value), key.start_mark.line + 1)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return lines


def to_sarif(
    report: PolicyReport,
    *,
    artifact: str | None = None,
    names: dict[str, str] | None = None,
    version: str = "0",
) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log. ``artifact`` is the deployment file the results are
    about; ``names`` maps addresses to resource names (to find their lines in it)."""
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for meta in report.policies:
        index[meta.id] = len(rules)
        rules.append(
            {
                "id": meta.id,
                "name": meta.title,
                "shortDescription": {"text": meta.title},
                "fullDescription": {"text": meta.description or meta.title},
                "help": {"text": meta.remediation or meta.title},
                "defaultConfiguration": {"level": _level(meta.enforcement, "violation")},
                "properties": {
                    "severity": meta.severity,
                    "enforcement": meta.enforcement,
                    "pack": meta.pack,
                    "security-severity": _SEVERITY_SCORE[meta.severity],
                },
            }
        )
    lines = resource_lines(artifact)
    results = []
    for r in report.results:
        result: dict[str, Any] = {
            "ruleId": r.policy,
            "ruleIndex": index[r.policy],
            "level": _level(r.enforcement, r.status),
            "message": {
                "text": r.message + (f" Remediation: {r.remediation}" if r.remediation else "")
            },
            "properties": {
                "severity": r.severity,
                "enforcement": r.enforcement,
                "status": r.status,
            },
        }
        location: dict[str, Any] = {}
        if artifact:
            physical: dict[str, Any] = {"artifactLocation": {"uri": Path(artifact).as_posix()}}
            name = (names or {}).get(r.address or "")
            if name and name in lines:
                physical["region"] = {"startLine": lines[name]}
            location["physicalLocation"] = physical
        if r.address:
            location["logicalLocations"] = [
                {
                    "name": r.address,
                    "fullyQualifiedName": r.address + (f".{r.path}" if r.path else ""),
                    "kind": "resource",
                }
            ]
        if location:
            result["locations"] = [location]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mcp-iac",
                        "version": version,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
