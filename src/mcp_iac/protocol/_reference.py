"""The JSON Schema reference of iac/1 as Markdown, generated from the models.

docs/provider-protocol.md embeds it between ``<!-- schemas:begin -->`` and
``<!-- schemas:end -->``; a test keeps the two equal. ``python -m mcp_iac.protocol`` prints it.
"""

from __future__ import annotations

import json
from typing import Any

from ._envelope import Envelope
from ._tools import TOOLS, ToolSpec, inline_refs


def _block(schema: dict[str, Any]) -> str:
    return "```json\n" + json.dumps(schema, indent=2, ensure_ascii=False) + "\n```"


def _hints(spec: ToolSpec) -> str:
    facts = ["required" if spec.required else "optional"]
    if spec.read_only:
        facts.append("read-only")
    if spec.destructive:
        facts.append("destructive")
    if spec.idempotent:
        facts.append("idempotent")
    return ", ".join(facts)


def envelope_schema() -> dict[str, Any]:
    """The envelope with ``data`` left open (each tool's ``outputSchema`` narrows it)."""
    return inline_refs(Envelope[Any].model_json_schema(mode="serialization"))


def schema_reference() -> str:
    """Markdown: the envelope schema, then each tool's input and data schemas."""
    parts = [
        "### The envelope",
        "",
        "Every tool's `outputSchema` is this schema with `data` replaced by the tool's data "
        'schema made nullable, and every `anyOf: [X, {"type": "null"}]` written as `X` '
        'with `"type": [..., "null"]` (the same meaning, cheaper for clients to validate).',
        "",
        _block(envelope_schema()),
    ]
    for spec in TOOLS:
        parts += [
            "",
            f"### `{spec.name}`",
            "",
            f"{spec.description} ({_hints(spec)})",
            "",
            "Input:",
            "",
            _block(spec.input_schema()),
            "",
            "Data:",
            "",
            _block(spec.data_schema()),
        ]
    return "\n".join(parts) + "\n"
