"""Published output schemas: nullable unions flattened, still accepting exactly the envelopes."""

from __future__ import annotations

import json

import jsonschema
import pytest

from mcp_iac.core import ProviderError
from mcp_iac.protocol import TOOLS, CreateResult, envelope_json, error_envelope, metadata
from mcp_iac.protocol._envelope import success_envelope
from mcp_iac.protocol._tools import nullable_types


def test_a_nullable_union_becomes_a_type_list() -> None:
    schema = {"anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}], "default": None}
    assert nullable_types(schema) == {"type": ["string", "null"], "minLength": 1, "default": None}
    assert nullable_types({"anyOf": [{}, {"type": "null"}]}) == {}
    kept = {"anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}]}
    assert nullable_types(kept) == kept


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
def test_output_schemas_have_no_nullable_unions_left(tool: object) -> None:
    text = json.dumps(tool.output_schema())  # type: ignore[attr-defined]
    assert '{"type": "null"}' not in text


def test_the_create_output_schema_accepts_success_and_error_envelopes_only() -> None:
    schema = next(t for t in TOOLS if t.name == "iac_create").output_schema()
    meta = metadata(server="t", version="1")
    ok = envelope_json(success_envelope(CreateResult(id="1", outputs={"a": 1}), meta))
    failed = envelope_json(error_envelope(ProviderError("CONFLICT", "taken"), meta))
    jsonschema.validate(ok, schema)
    jsonschema.validate(failed, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**ok, "success": "yes"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**ok, "data": {"outputs": {}}}, schema)  # id is required
