"""The iac/1 tool table, request models and schema path checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mcp_iac.protocol import (
    IAC_CREATE,
    IAC_DIFF,
    IDEMPOTENCY_FILTER,
    REQUIRED_TOOLS,
    TOOL_SPECS,
    TOOLS,
    TRANSACTION_TOOLS,
    CreateRequest,
    ListFilter,
    ListRequest,
    ReadRequest,
    schema_has_path,
)


def test_the_tool_table_names_twelve_tools_nine_of_them_required() -> None:
    assert [t.name for t in TOOLS] == [
        "iac_describe",
        "iac_validate",
        "iac_diff",
        "iac_create",
        "iac_read",
        "iac_update",
        "iac_delete",
        "iac_list",
        "iac_health",
        "iac_begin",
        "iac_commit",
        "iac_rollback",
    ]
    assert set(TOOL_SPECS) - REQUIRED_TOOLS == {IAC_DIFF, *TRANSACTION_TOOLS}


@pytest.mark.parametrize("tool", [t.name for t in TOOLS])
def test_every_tool_has_object_schemas_for_input_data_and_envelope(tool: str) -> None:
    spec = TOOL_SPECS[tool]
    assert spec.input_schema()["type"] == "object"
    assert spec.data_schema()["type"] == "object"
    output = spec.output_schema()
    assert output["type"] == "object"
    assert set(output["properties"]) == {"success", "data", "error", "metadata"}
    assert output["required"] == ["success", "metadata"]
    # Flat schemas: nothing left to resolve.
    assert "$defs" not in output
    assert "$ref" not in str(output)


def test_requests_reject_unknown_arguments_and_an_empty_idempotency_key() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        ReadRequest.model_validate({"type": "t:x", "id": "1", "extra": True})
    with pytest.raises(ValidationError, match="at least 1 character"):
        CreateRequest.model_validate(
            {"type": "t:x", "name": "n", "urn": "u", "idempotency_key": "", "properties": {}}
        )
    assert TOOL_SPECS[IAC_CREATE].input_schema()["required"] == [
        "type",
        "name",
        "urn",
        "idempotency_key",
    ]


def test_the_list_filter_is_keyed_by_the_idempotency_filter_name() -> None:
    assert list(ListFilter.model_fields) == [IDEMPOTENCY_FILTER]
    request = ListRequest.model_validate({"type": "t:x", "filter": {IDEMPOTENCY_FILTER: "k"}})
    assert request.filter.idempotency_key == "k"
    assert ListRequest.model_validate({"type": "t:x"}).filter.idempotency_key is None


SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "spec": {"$ref": "#/$defs/Spec"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "anything": {},
        "maybe": {"anyOf": [{"$ref": "#/$defs/Spec"}, {"type": "null"}]},
    },
    "additionalProperties": False,
    "$defs": {
        "Spec": {
            "type": "object",
            "properties": {"ports": {"type": "array", "items": {"type": "integer"}}},
            "additionalProperties": False,
        }
    },
}


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("name", True),
        ("spec.ports", True),
        ("spec.ports[0]", True),
        ("maybe.ports[2]", True),
        ("labels.zone", True),
        ("anything.deep[3].x", True),
        ("colour", False),
        ("name.first", False),
        ("spec.hosts", False),
        ("spec.ports.x", False),
        ("labels.zone.x", False),
        ("not a path", False),
    ],
)
def test_schema_has_path_follows_refs_unions_arrays_and_open_objects(
    path: str, found: bool
) -> None:
    assert schema_has_path(SCHEMA, path) is found
