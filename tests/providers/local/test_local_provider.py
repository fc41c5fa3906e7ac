"""LocalProvider as the engine sees it: dispatch, validation, describe, list."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from mcp_iac.core import ProviderError
from mcp_iac.protocol import PROTOCOL_VERSION
from mcp_iac.providers.local import LocalProvider

TYPES = ["local:command", "local:data", "local:file"]


def test_describe_publishes_every_type_with_consistent_schemas(tmp_path: Path) -> None:
    schema = anyio.run(LocalProvider(tmp_path).describe)
    assert schema.name == "local"
    assert schema.protocol == PROTOCOL_VERSION
    assert [t.type for t in schema.types] == TYPES
    for t in schema.types:
        assert t.description
        assert t.properties["type"] == "object"
        assert t.outputs["type"] == "object"
        assert t.properties["additionalProperties"] is False
        declared = set(t.properties["properties"])
        assert set(t.replace_on_changes) <= declared, t.type
        assert set(t.secret_paths) <= declared | set(t.outputs["properties"]), t.type


def test_describe_uses_the_camel_case_names_users_write(tmp_path: Path) -> None:
    schema = anyio.run(LocalProvider(tmp_path).describe).type_schema("local:command")
    assert schema is not None
    assert {"workingDir", "triggersReplace"} <= set(schema.properties["properties"])
    assert set(schema.outputs["properties"]) == {"stdout", "exitCode"}


def test_unknown_type_is_a_validation_error_listing_the_offered_types(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    with pytest.raises(ProviderError) as info:
        anyio.run(provider.read, "local:nope", "x", {})
    assert info.value.code == "VALIDATION"
    assert "'local:nope'" in info.value.message
    assert "local:command, local:data, local:file" in info.value.message


def test_validate_names_each_bad_property(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        assert await provider.validate("local:file", {"path": "a.txt"}) == []
        issues = await provider.validate("local:file", {"content": 3, "colour": "red"})
        by_path = {i.path: i.message for i in issues}
        assert set(by_path) == {"path", "content", "colour"}
        assert "known properties: content, mode, path" in by_path["colour"]
        nested = await provider.validate("local:command", {"create": ["echo", 7]})
        assert [i.path for i in nested] == ["create[1]"]

    anyio.run(scenario)


def test_properties_accept_only_their_camel_case_names(tmp_path: Path) -> None:
    issues = anyio.run(LocalProvider(tmp_path).validate, "local:data", {"triggers_replace": 1})
    assert [i.path for i in issues] == ["triggers_replace"]


def test_create_with_bad_properties_fails_naming_the_property_and_changes_nothing(
    tmp_path: Path,
) -> None:
    provider = LocalProvider(tmp_path)
    with pytest.raises(ProviderError) as info:
        anyio.run(
            lambda: provider.create(
                "local:file",
                name="f",
                urn="u",
                idempotency_key="k1",
                properties={"path": "a.txt", "mode": "rwx"},
            )
        )
    assert info.value.code == "VALIDATION"
    assert "property 'mode'" in info.value.message
    assert info.value.details == [{"path": "mode", "message": info.value.details[0]["message"]}]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_update_with_bad_new_properties_fails_naming_the_property(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        created = await provider.create(
            "local:data", name="d", urn="u", idempotency_key="k1", properties={}
        )
        with pytest.raises(ProviderError) as info:
            await provider.update("local:data", created.id, old={}, new={"inputs": 1})
        assert "property 'inputs'" in info.value.message

    anyio.run(scenario)


def test_list_without_a_filter_returns_every_object_of_the_type_with_names(
    tmp_path: Path,
) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        for name in ("a", "b"):
            await provider.create(
                "local:data",
                name=name,
                urn=f"demo/local:data:{name}",
                idempotency_key=f"key-{name}",
                properties={"input": name},
            )
        await provider.create(
            "local:file", name="f", urn="u", idempotency_key="key-f", properties={"path": "f"}
        )
        items = await provider.list("local:data", {})
        assert sorted((i.name, i.properties["input"]) for i in items) == [("a", "a"), ("b", "b")]
        assert [i.name for i in await provider.list("local:file", {})] == ["f"]
        by_key = await provider.list("local:data", {"idempotency_key": "key-b"})
        assert [i.outputs["output"] for i in by_key] == ["b"]
        assert await provider.list("local:file", {"idempotency_key": "key-b"}) == []

    anyio.run(scenario)


def test_list_rejects_filters_it_does_not_know(tmp_path: Path) -> None:
    with pytest.raises(ProviderError) as info:
        anyio.run(LocalProvider(tmp_path).list, "local:data", {"tag": "x"})
    assert info.value.code == "VALIDATION"
    assert "'tag'" in info.value.message


def test_an_idempotency_key_cannot_make_objects_of_two_types(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        await provider.create("local:data", name="d", urn="u", idempotency_key="k", properties={})
        with pytest.raises(ProviderError) as info:
            await provider.create(
                "local:file", name="f", urn="u", idempotency_key="k", properties={"path": "f"}
            )
        assert info.value.code == "CONFLICT"
        assert not (tmp_path / "f").exists()

    anyio.run(scenario)


def test_records_live_under_the_data_dir_and_survive_a_new_provider(tmp_path: Path) -> None:
    assert LocalProvider(tmp_path).data_dir == tmp_path / ".mcp-iac" / "local"
    custom = LocalProvider(tmp_path, data_dir=Path("state/local"))
    assert custom.data_dir == tmp_path / "state" / "local"

    async def scenario() -> None:
        created = await custom.create(
            "local:data", name="d", urn="u", idempotency_key="k", properties={"input": 1}
        )
        restarted = LocalProvider(tmp_path, data_dir=tmp_path / "state" / "local")
        assert [i.id for i in await restarted.list("local:data", {"idempotency_key": "k"})] == [
            created.id
        ]

    anyio.run(scenario)
    assert not (tmp_path / ".mcp-iac").exists()


def test_concurrent_creates_each_make_their_own_object(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def create(index: int) -> None:
        await provider.create(
            "local:file",
            name=f"f{index}",
            urn="u",
            idempotency_key=f"k{index}",
            properties={"path": f"out/{index}.txt", "content": str(index)},
        )

    async def scenario() -> None:
        async with anyio.create_task_group() as tg:
            for index in range(20):
                tg.start_soon(create, index)
        assert len(await provider.list("local:file", {})) == 20

    anyio.run(scenario)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{i}.txt" for i in range(20)
    )
