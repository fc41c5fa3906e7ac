"""Rows to records: the fast builders agree with the constructors they stand in for."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from mcp_iac.core import Secret
from mcp_iac.engine import ResourceRecord
from mcp_iac.state._codec import SecretCodec
from mcp_iac.state._rows import resource_from_parts, resources_from_columns

RECORD_VALUES: dict[str, Any] = {
    "urn": "web/local:file:a",
    "address": "local:file:a",
    "server": "local",
    "type": "local:file",
    "name": "a",
    "id": "id-a",
    "properties": {"path": "/tmp/a", "n": [1, 2.5, None, True]},
    "outputs": {"size": 3},
    "dependencies": ("local:file:b", "local:file:c"),
    "idempotency_key": "key-a",
    "protect": True,
    "status": "tainted",
    "created_at": "2026-01-01T00:00:00+00:00",
    "updated_at": "2026-01-02T00:00:00+00:00",
}


def _parts(values: dict[str, Any]) -> tuple[list[Any], Any, Any, list[str]]:
    """The decoded parts of one row, as RESOURCE_READ lays them out."""
    head = [
        values["address"],
        values["urn"],
        values["server"],
        values["type"],
        values["name"],
        values["id"],
        values["idempotency_key"],
        1 if values["protect"] else 0,
        values["status"],
        values["created_at"],
        values["updated_at"],
    ]
    return head, values["properties"], values["outputs"], list(values["dependencies"])


@pytest.mark.parametrize("protect", [True, False])
def test_a_record_built_from_its_parts_is_the_record_the_constructor_builds(
    protect: bool,
) -> None:
    values = {**RECORD_VALUES, "protect": protect}
    built = resource_from_parts(*_parts(values))
    made = ResourceRecord(**values)
    assert type(built) is ResourceRecord
    assert built == made
    assert repr(built) == repr(made)
    assert [f.name for f in dataclasses.fields(ResourceRecord)] == list(RECORD_VALUES)
    for name, value in values.items():
        assert getattr(built, name) == value, name
        assert type(getattr(built, name)) is type(value), name
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.status = "ready"  # type: ignore[misc]  # frozen: the point of the test


def test_each_field_lands_in_its_own_place() -> None:
    values: dict[str, Any] = {name: f"value of {name}" for name in RECORD_VALUES}
    values["dependencies"] = ("value of dependencies",)
    values["protect"] = True
    built = resource_from_parts(*_parts(values))
    assert built == ResourceRecord(**values)


def _columns(records: list[dict[str, Any]]) -> tuple[str, str, str, str]:
    """What RESOURCES_READ returns for ``records``, in their order."""
    parts = [_parts(r) for r in records]
    return (
        json.dumps([p[0] for p in parts]),
        json.dumps([p[1] for p in parts]),
        json.dumps([p[2] for p in parts]),
        json.dumps([p[3] for p in parts]),
    )


def test_records_from_columns_are_keyed_and_ordered_by_address(tmp_path: Path) -> None:
    codec = SecretCodec(tmp_path / "key")
    addresses = ["local:file:r9", "local:file:B", "local:file:r10", "local:file:b"]
    records = [
        {**RECORD_VALUES, "address": a, "urn": f"web/{a}", "properties": {"i": i}}
        for i, a in enumerate(addresses)
    ]
    got = resources_from_columns(_columns(records), codec)
    assert list(got) == sorted(addresses)  # whatever order SQLite gave them in
    for values in records:
        assert got[values["address"]] == ResourceRecord(**values)
    in_order = sorted(records, key=lambda r: r["address"])
    assert resources_from_columns(_columns(in_order), codec) == got


def test_no_rows_are_no_records(tmp_path: Path) -> None:
    assert resources_from_columns((None, None, None, None), SecretCodec(tmp_path / "key")) == {}


def test_secrets_in_the_columns_read_back_as_secrets(tmp_path: Path) -> None:
    codec = SecretCodec(tmp_path / "key")
    stored = json.loads(codec.dumps({"password": Secret("pw")}, "test"))
    texts = _columns([{**RECORD_VALUES, "properties": stored}])
    got = resources_from_columns(texts, codec)
    assert got["local:file:a"].properties == {"password": Secret("pw")}
