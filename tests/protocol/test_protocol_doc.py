"""docs/provider-protocol.md carries the JSON Schemas the code publishes, verbatim."""

from __future__ import annotations

import re
from pathlib import Path

from mcp_iac.protocol import ERROR_CODES, RETRYABLE_CODES, TOOLS, schema_reference

DOC = Path(__file__).parents[2] / "docs" / "provider-protocol.md"


def test_the_schema_appendix_is_generated_from_the_models() -> None:
    text = DOC.read_text()
    found = re.search(r"<!-- schemas:begin -->\n(.*)<!-- schemas:end -->", text, re.DOTALL)
    assert found, "the appendix markers are missing"
    assert found.group(1) == schema_reference(), (
        "regenerate the appendix: python -m mcp_iac.protocol"
    )


def test_every_tool_and_error_code_is_specified() -> None:
    text = DOC.read_text()
    for tool in TOOLS:
        assert f"| `{tool.name}` |" in text
    for code in ERROR_CODES:
        retryable = "yes" if code in RETRYABLE_CODES else "no"
        assert re.search(rf"^\| `{code}` \|.*\| {retryable} \|$", text, re.MULTILINE), code
