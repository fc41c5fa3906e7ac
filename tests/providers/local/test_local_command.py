"""local:command: real processes, started without a shell unless asked."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp_iac.core import JSON, ProviderError
from mcp_iac.protocol import CreateResult
from mcp_iac.providers.local import LocalProvider

COMMAND = "local:command"


async def _create(provider: LocalProvider, key: str, properties: dict[str, Any]) -> CreateResult:
    with anyio.fail_after(10):
        return await provider.create(
            COMMAND,
            name="cmd",
            urn="demo/local:command:cmd",
            idempotency_key=key,
            properties=properties,
        )


def test_command_create_read_update_delete_round_trip(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    props: dict[str, JSON] = {
        "create": ["sh", "-c", "echo created >> log; echo one"],
        "update": ["sh", "-c", "echo updated >> log; echo two"],
        "delete": ["sh", "-c", "echo deleted >> log"],
    }

    async def scenario() -> None:
        created = await _create(provider, "k1", props)
        assert created.outputs == {"stdout": "one", "exitCode": 0}
        record = provider.data_dir / "command" / f"{created.id}.json"
        assert json.loads(record.read_text())["outputs"] == created.outputs

        read = await provider.read(COMMAND, created.id, props)
        assert read.exists
        assert read.properties["create"] == props["create"]
        assert read.outputs == created.outputs

        new = {**props, "env": {"X": "1"}}
        updated = await provider.update(COMMAND, created.id, old=props, new=new)
        assert updated.outputs == {"stdout": "two", "exitCode": 0}
        assert (await provider.read(COMMAND, created.id, {})).properties["env"] == {"X": "1"}

        await provider.delete(COMMAND, created.id, new)
        assert not (await provider.read(COMMAND, created.id, {})).exists
        assert (tmp_path / "log").read_text().split() == ["created", "updated", "deleted"]

    anyio.run(scenario)


def test_command_update_without_an_update_argv_runs_create_again(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        old: dict[str, JSON] = {"create": ["sh", "-c", "echo $N"], "env": {"N": "1"}}
        created = await _create(provider, "k1", old)
        new: dict[str, JSON] = {**old, "env": {"N": "2"}}
        updated = await provider.update(COMMAND, created.id, old=old, new=new)
        assert updated.outputs["stdout"] == "2"

    anyio.run(scenario)


def test_command_arguments_are_not_interpreted_by_a_shell(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    created = anyio.run(_create, provider, "k1", {"create": ["echo", "a;", "touch", "pwned"]})
    assert created.outputs["stdout"] == "a; touch pwned"
    assert not (tmp_path / "pwned").exists()


def test_command_with_shell_runs_one_string_through_bin_sh(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    created = anyio.run(_create, provider, "k1", {"create": ["echo a; echo b"], "shell": True})
    assert created.outputs["stdout"] == "a\nb"


def test_command_with_shell_rejects_an_argv_of_several_items(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    issues = anyio.run(
        LocalProvider(tmp_path).validate, COMMAND, {"create": ["echo", "a"], "shell": True}
    )
    assert [i.path for i in issues] == ["create"]
    with pytest.raises(ProviderError) as info:
        anyio.run(_create, provider, "k1", {"create": ["echo", "a"], "shell": True})
    assert info.value.code == "VALIDATION"
    assert "property 'create'" in info.value.message


def test_command_non_zero_exit_is_an_error_with_the_stderr_tail(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        argv: list[JSON] = ["sh", "-c", "echo 'disk on fire' >&2; exit 3"]
        with pytest.raises(ProviderError) as info:
            await _create(provider, "k1", {"create": argv})
        assert info.value.code == "INTERNAL"
        assert "exited with 3" in info.value.message
        assert "disk on fire" in info.value.message
        assert await provider.list(COMMAND, {"idempotency_key": "k1"}) == []

    anyio.run(scenario)


def test_command_missing_program_is_a_validation_error_naming_it(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    with pytest.raises(ProviderError) as info:
        anyio.run(_create, provider, "k1", {"create": ["no-such-program-7f3a", "x"]})
    assert info.value.code == "VALIDATION"
    assert "no-such-program-7f3a" in info.value.message


def test_command_gets_the_environment_plus_env_and_runs_in_working_dir(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    (tmp_path / "sub").mkdir()
    created = anyio.run(
        _create,
        provider,
        "k1",
        {
            "create": ["sh", "-c", 'printf "%s %s" "$GREETING" "$(pwd)"'],
            "env": {"GREETING": "hi"},
            "workingDir": "sub",
        },
    )
    assert created.outputs["stdout"] == f"hi {tmp_path / 'sub'}"


def test_command_missing_working_dir_is_a_validation_error(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    with pytest.raises(ProviderError) as info:
        anyio.run(_create, provider, "k1", {"create": ["true"], "workingDir": "nope"})
    assert info.value.code == "VALIDATION"
    assert "workingDir" in info.value.message


def test_command_does_not_read_the_provider_stdin(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    created = anyio.run(_create, provider, "k1", {"create": ["cat"]})
    assert created.outputs["stdout"] == ""


def test_command_create_twice_with_the_same_key_runs_once(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        props: dict[str, JSON] = {"create": ["sh", "-c", "echo ran >> log"]}
        first = await _create(provider, "k1", props)
        second = await _create(provider, "k1", props)
        assert second == first
        assert (tmp_path / "log").read_text() == "ran\n"

    anyio.run(scenario)


def test_command_create_after_a_crash_before_its_record_runs_again(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    key_file = provider.data_dir / "keys" / f"{hashlib.sha256(b'k1').hexdigest()}.json"

    async def scenario() -> None:
        props: dict[str, JSON] = {"create": ["sh", "-c", "echo ran >> log; echo out"]}
        created = await _create(provider, "k1", props)
        (provider.data_dir / "command" / f"{created.id}.json").unlink()
        assert key_file.exists()  # the key record stays: the kill came before the object

        again = await _create(provider, "k1", props)
        assert again == created
        assert (tmp_path / "log").read_text() == "ran\nran\n"

    anyio.run(scenario)


def test_command_delete_of_a_missing_object_succeeds_without_running(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    anyio.run(
        provider.delete,
        COMMAND,
        "8d0f3a8e-2b4c-5d6e-9f00-112233445566",
        {"create": ["true"], "delete": ["touch", "ran"]},
    )
    assert not (tmp_path / "ran").exists()


def test_command_failed_delete_leaves_the_object_in_place(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        props: dict[str, JSON] = {"create": ["true"], "delete": ["false"]}
        created = await _create(provider, "k1", props)
        with pytest.raises(ProviderError):
            await provider.delete(COMMAND, created.id, props)
        assert (await provider.read(COMMAND, created.id, {})).exists
        assert len(await provider.list(COMMAND, {"idempotency_key": "k1"})) == 1

    anyio.run(scenario)
