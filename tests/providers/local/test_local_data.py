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


def test_data_create_writes_one_record_that_names_its_key_and_no_key_file(
    tmp_path: Path,
) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        created = await _create(provider, "k1", {"input": "x"})
        record = json.loads((provider.data_dir / "data" / f"{created.id}.json").read_text())
        assert (record["key"], record["name"], record["urn"]) == (
            "k1",
            "cfg",
            "demo/local:data:cfg",
        )
        assert not (provider.data_dir / "keys").exists()
        [found] = await provider.list(DATA, {"idempotency_key": "k1"})
        assert (found.id, found.name) == (created.id, "cfg")
        assert await provider.list(DATA, {"idempotency_key": "k2"}) == []

    anyio.run(scenario)


def _key_file(provider: LocalProvider, key: str) -> Path:
    return provider.data_dir / "keys" / f"{hashlib.sha256(key.encode()).hexdigest()}.json"


def _as_an_earlier_build_wrote_it(provider: LocalProvider, id_: str, key: str) -> None:
    """A record without name and urn, plus a key file, as earlier builds wrote them."""
    path = provider.data_dir / "data" / f"{id_}.json"
    record = json.loads(path.read_text())
    del record["name"], record["urn"]
    path.write_text(json.dumps(record))
    _key_file(provider, key).parent.mkdir(parents=True, exist_ok=True)
    _key_file(provider, key).write_text(
        json.dumps({"key": key, "type": DATA, "id": id_, "name": "cfg", "urn": "u"})
    )


def test_data_objects_of_an_earlier_build_keep_their_name_and_lose_their_key_file(
    tmp_path: Path,
) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        created = await _create(provider, "k1", {"input": "x"})
        _as_an_earlier_build_wrote_it(provider, created.id, "k1")
        assert [i.name for i in await provider.list(DATA, {})] == ["cfg"]
        assert [i.name for i in await provider.list(DATA, {"idempotency_key": "k1"})] == ["cfg"]
        assert await _create(provider, "k1", {"input": "x"}) == created
        await provider.delete(DATA, created.id, {"input": "x"})
        assert not _key_file(provider, "k1").exists()
        assert await provider.list(DATA, {}) == []

    anyio.run(scenario)


def test_data_create_after_an_earlier_build_was_killed_after_its_key_file_makes_it(
    tmp_path: Path,
) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        # Learn the deterministic id, then rewind to the moment after the key file was written.
        created = await _create(provider, "k1", {"input": "x"})
        _as_an_earlier_build_wrote_it(provider, created.id, "k1")
        (provider.data_dir / "data" / f"{created.id}.json").unlink()

        assert await provider.list(DATA, {"idempotency_key": "k1"}) == []
        again = await _create(provider, "k1", {"input": "x"})
        assert again == created
        assert [i.id for i in await provider.list(DATA, {"idempotency_key": "k1"})] == [again.id]

    anyio.run(scenario)


def test_a_key_another_type_claimed_cannot_make_data_and_data_claims_block_others(
    tmp_path: Path,
) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        await provider.create(
            "local:file", name="f", urn="u", idempotency_key="kf", properties={"path": "f"}
        )
        with pytest.raises(ProviderError) as info:
            await _create(provider, "kf", {"input": 1})
        assert info.value.code == "CONFLICT"
        assert not (provider.data_dir / "data").exists()

        await _create(provider, "kd", {"input": 1})
        with pytest.raises(ProviderError) as info:
            await provider.create(
                "local:command",
                name="c",
                urn="u",
                idempotency_key="kd",
                properties={"create": ["true"]},
            )
        assert info.value.code == "CONFLICT"
        assert "local:data" in info.value.message

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
