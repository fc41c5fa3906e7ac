"""The iac/1 envelope: building it, and parsing it back into data or a ``ProviderError``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mcp_iac.core import ProviderError
from mcp_iac.protocol import (
    CreateResult,
    Envelope,
    ErrorInfo,
    ProviderSchema,
    envelope_json,
    error_envelope,
    metadata,
    parse_envelope,
    success_envelope,
    unwrap_envelope,
)

META = metadata(
    server="local",
    version="0.1.0",
    started=datetime(2026, 5, 1, 12, 0, tzinfo=UTC),
    duration_ms=1.5,
)
WIRE_META = {
    "timestamp": "2026-05-01T12:00:00Z",
    "duration_ms": 1.5,
    "server": "local",
    "version": "0.1.0",
}


def test_a_success_envelope_carries_data_and_metadata() -> None:
    envelope = success_envelope(CreateResult(id="a", outputs={"n": 1}), META)
    assert envelope_json(envelope) == {
        "success": True,
        "data": {"id": "a", "outputs": {"n": 1}},
        "error": None,
        "metadata": WIRE_META,
    }


def test_an_error_envelope_carries_the_provider_errors_fields() -> None:
    error = ProviderError("CONFLICT", "name taken", details={"name": "web"}, server="aws")
    assert envelope_json(error_envelope(error, META)) == {
        "success": False,
        "data": None,
        "error": {
            "code": "CONFLICT",
            "message": "name taken",  # without the "server 'aws': CONFLICT:" prefix
            "details": {"name": "web"},
            "retryable": False,
        },
        "metadata": WIRE_META,
    }


def test_parsing_an_error_envelope_gives_back_the_same_provider_error() -> None:
    original = ProviderError("TIMEOUT", "backend slow", retryable=False, details=[1, 2])
    wire = envelope_json(error_envelope(original, META))
    with pytest.raises(ProviderError) as info:
        unwrap_envelope(wire, CreateResult, server="aws-eu")
    parsed = info.value
    assert (parsed.code, parsed.reason, parsed.retryable, parsed.details) == (
        "TIMEOUT",
        "backend slow",
        False,  # the provider's explicit choice wins over the code's default
        [1, 2],
    )
    assert parsed.server == "aws-eu"
    assert str(parsed) == "server 'aws-eu': TIMEOUT: backend slow"


def test_parsing_a_success_envelope_gives_typed_data() -> None:
    wire = envelope_json(success_envelope(CreateResult(id="a"), META))
    assert unwrap_envelope(wire, CreateResult) == CreateResult(id="a")
    envelope = parse_envelope(wire, CreateResult)
    assert envelope.metadata.duration_ms == 1.5
    assert envelope.metadata.timestamp == datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ({"code": "RATE_LIMITED", "message": "m"}, ("RATE_LIMITED", "m", True)),
        ({"code": "NOT_FOUND", "message": "m"}, ("NOT_FOUND", "m", False)),
        ({"code": "QUOTA", "message": "m"}, ("INTERNAL", "QUOTA: m", False)),
        ({"code": "QUOTA", "message": "m", "retryable": True}, ("INTERNAL", "QUOTA: m", True)),
    ],
)
def test_receivers_are_lenient_about_retryable_and_unknown_codes(
    error: dict[str, Any], expected: tuple[str, str, bool]
) -> None:
    info = ErrorInfo.model_validate(error)
    assert (info.code, info.message, info.retryable) == expected


def test_results_ignore_fields_a_newer_provider_adds() -> None:
    wire = {
        "success": True,
        "data": {"id": "a", "outputs": {}, "etag": "x"},
        "error": None,
        "metadata": {**WIRE_META, "region": "eu"},
        "trace": "abc",
    }
    assert unwrap_envelope(wire, CreateResult) == CreateResult(id="a")


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        ({"success": True, "data": {"id": "a"}}, "metadata: Field required"),
        ({"success": True, "data": {}, "metadata": WIRE_META}, "data.id: Field required"),
        (
            {"success": True, "error": {"code": "CONFLICT", "message": "m"}, "metadata": WIRE_META},
            "a successful envelope carries no error",
        ),
        ({"success": False, "metadata": WIRE_META}, "a failed envelope needs an error"),
        ("not an object", "envelope: Input should be a valid dictionary"),
    ],
)
def test_a_malformed_envelope_is_an_internal_error_naming_the_problem(
    wire: object, message: str
) -> None:
    with pytest.raises(ProviderError) as info:
        parse_envelope(wire, CreateResult, server="odd")
    assert info.value.code == "INTERNAL"
    assert info.value.server == "odd"
    assert message in info.value.reason


def test_a_success_without_data_is_an_internal_error() -> None:
    with pytest.raises(ProviderError, match="success without data"):
        unwrap_envelope({"success": True, "metadata": WIRE_META}, CreateResult)


def test_describe_data_uses_camel_case_names_on_the_wire() -> None:
    schema = ProviderSchema.model_validate(
        {
            "name": "x",
            "version": "1",
            "types": [
                {"type": "x:a", "replaceOnChanges": ["p"], "capabilities": {"import": False}}
            ],
        }
    )
    wire = envelope_json(success_envelope(schema, META))["data"]
    assert wire["types"][0]["replaceOnChanges"] == ["p"]
    assert wire["types"][0]["capabilities"] == {"update": True, "list": True, "import": False}
    assert wire["protocol"] == "iac/1"
    assert (
        Envelope[ProviderSchema]
        .model_validate({"success": True, "data": wire, "metadata": WIRE_META})
        .data
        == schema
    )
