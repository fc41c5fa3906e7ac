"""local:data: a JSON value kept in the provider's data directory."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp_iac.core import ProviderError
from mcp_iac.protocol import CreateResult
from mcp_iac.providers.local import LocalProvider

DATA = "local:data"


async def _create(provider: LocalProvider, key: str, properties: dict[str, Any]) -> CreateResult:
    return await provider.create(
        DATA, name="cfg", urn="demo/local:data:cfg", idempotency_key=key, properties=properties
    )


def test_data_create_read_update_delete_round_trip(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        created = await _create(provider, "k1", {"input": {"port": 25565, "tags": ["a"]}})
        assert str(uuid.UUID(created.id)) == created.id
        assert created.outputs == {"output": {"port": 25565, "tags": ["a"]}, "id": created.id}
        record = provider.data_dir / "data" / f"{created.id}.json"
        assert json.loads(record.read_text())["properties"]["input"] == {
            "port": 25565,
            "tags": ["a"],
        }

        read = await provider.read(DATA, created.id, {})
        assert read.exists
        assert read.properties == {"input": {"port": 25565, "tags": ["a"]}, "triggersReplace": None}
        assert read.outputs == created.outputs

        updated = await provider.update(
            DATA, created.id, old={"input": {"port": 25565, "tags": ["a"]}}, new={"input": "v2"}
        )
        assert updated.outputs == {"output": "v2", "id": created.id}
        assert (await provider.read(DATA, created.id, {})).properties["input"] == "v2"

        await provider.delete(DATA, created.id, {"input": "v2"})
        assert not record.exists()
        assert not (await provider.read(DATA, created.id, {})).exists
        assert await provider.list(DATA, {"idempotency_key": "k1"}) == []

    anyio.run(scenario)


def test_data_create_twice_with_the_same_key_makes_one_object(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        first = await _create(provider, "k1", {"input": 1})
        second = await _create(provider, "k1", {"input": 1})
        other = await _create(provider, "k2", {"input": 1})
        assert second == first
        assert other.id != first.id
        assert len(list((provider.data_dir / "data").iterdir())) == 2

    anyio.run(scenario)


def test_data_create_after_a_crash_between_key_record_and_object_makes_it(
    tmp_path: Path,
) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        # Learn the deterministic id, then rewind to the moment after the key record was written.
        created = await _create(provider, "k1", {"input": "x"})
        (provider.data_dir / "data" / f"{created.id}.json").unlink()
        key_file = provider.data_dir / "keys" / f"{hashlib.sha256(b'k1').hexdigest()}.json"
        record = json.loads(key_file.read_text())
        key_file.write_text(json.dumps(record))

        assert await provider.list(DATA, {"idempotency_key": "k1"}) == []
        again = await _create(provider, "k1", {"input": "x"})
        assert again == created
        assert [i.id for i in await provider.list(DATA, {"idempotency_key": "k1"})] == [again.id]

    anyio.run(scenario)


def test_data_read_says_gone_when_the_record_file_was_removed(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        created = await _create(provider, "k1", {"input": 1})
        (provider.data_dir / "data" / f"{created.id}.json").unlink()
        assert not (await provider.read(DATA, created.id, {})).exists
        with pytest.raises(ProviderError) as info:
            await provider.update(DATA, created.id, old={"input": 1}, new={"input": 2})
        assert info.value.code == "NOT_FOUND"

    anyio.run(scenario)


def test_data_ids_that_name_nothing_read_as_gone_and_delete_as_done(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        for id_ in (str(uuid.uuid4()), "../../etc/passwd", "not-a-uuid"):
            assert not (await provider.read(DATA, id_, {})).exists
            await provider.delete(DATA, id_, {})

    anyio.run(scenario)


def test_data_triggers_replace_is_a_replace_on_change_path(tmp_path: Path) -> None:
    schema = anyio.run(LocalProvider(tmp_path).describe).type_schema(DATA)
    assert schema is not None
    assert schema.replace_on_changes == ("triggersReplace",)
