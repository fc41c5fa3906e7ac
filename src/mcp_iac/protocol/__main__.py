"""``python -m mcp_iac.protocol``: print the iac/1 JSON Schema reference (Markdown)."""

from __future__ import annotations

import sys

from ._reference import schema_reference

if __name__ == "__main__":
    sys.stdout.write(schema_reference())
