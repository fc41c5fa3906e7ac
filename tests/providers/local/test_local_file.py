"""local:file against the real file system."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import anyio
import pytest

from mcp_iac.core import ProviderError
from mcp_iac.protocol import CreateResult
from mcp_iac.providers.local import LocalProvider

FILE = "local:file"


async def _create(provider: LocalProvider, key: str, **properties: Any) -> CreateResult:
    return await provider.create(
        FILE, name="motd", urn="demo/local:file:motd", idempotency_key=key, properties=properties
    )


def _key_record(provider: LocalProvider, key: str) -> Path:
    return provider.data_dir / "keys" / f"{hashlib.sha256(key.encode()).hexdigest()}.json"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_file_create_read_update_delete_round_trip(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    target = tmp_path / "out" / "motd.txt"

    async def scenario() -> None:
        created = await _create(provider, "k1", path="out/motd.txt", content="hello")
        assert created.id == str(target)
        assert created.outputs == {
            "path": str(target),
            "sha256": hashlib.sha256(b"hello").hexdigest(),
            "size": 5,
        }
        assert target.read_text() == "hello"
        assert _mode(target) == 0o644

        read = await provider.read(FILE, created.id, {"path": "out/motd.txt"})
        assert read.exists
        assert read.properties == {"path": "out/motd.txt", "content": "hello", "mode": "0644"}
        assert read.outputs == created.outputs

        old = {"path": "out/motd.txt", "content": "hello"}
        new = {"path": "out/motd.txt", "content": "goodbye\n", "mode": "0600"}
        updated = await provider.update(FILE, created.id, old=old, new=new)
        assert target.read_text() == "goodbye\n"
        assert _mode(target) == 0o600
        assert updated.outputs["size"] == 8

        await provider.delete(FILE, created.id, new)
        assert not target.exists()
        assert not (await provider.read(FILE, created.id, new)).exists

    anyio.run(scenario)


def test_file_read_shows_changes_made_outside_the_provider(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        created = await _create(provider, "k1", path="motd.txt", content="hello")
        target = Path(created.id)
        target.write_text("tampered")
        target.chmod(0o640)
        read = await provider.read(FILE, created.id, {})
        assert read.properties["content"] == "tampered"
        assert read.properties["mode"] == "0640"
        assert read.outputs["sha256"] == hashlib.sha256(b"tampered").hexdigest()

    anyio.run(scenario)


def test_file_read_of_a_path_that_does_not_exist_says_it_does_not_exist(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    read = anyio.run(provider.read, FILE, str(tmp_path / "nothing.txt"), {})
    assert not read.exists


def test_file_create_refuses_a_file_it_did_not_create(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    (tmp_path / "motd.txt").write_text("mine")

    with pytest.raises(ProviderError) as info:
        anyio.run(lambda: _create(provider, "k1", path="motd.txt", content="new"))
    assert info.value.code == "CONFLICT"
    assert str(tmp_path / "motd.txt") in info.value.message
    assert "remove it, or import it" in info.value.message
    assert (tmp_path / "motd.txt").read_text() == "mine"
    assert not _key_record(provider, "k1").exists()


def test_file_create_twice_with_the_same_key_returns_the_same_file(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        first = await _create(provider, "k1", path="motd.txt", content="hello")
        second = await _create(provider, "k1", path="motd.txt", content="hello")
        assert second == first
        assert sorted(p.name for p in tmp_path.iterdir()) == [".mcp-iac", "motd.txt"]
        record = json.loads(_key_record(provider, "k1").read_text())
        assert record["id"] == first.id

    anyio.run(scenario)


def test_file_create_after_a_crash_between_key_record_and_file_writes_the_file(
    tmp_path: Path,
) -> None:
    provider = LocalProvider(tmp_path)
    target = tmp_path / "motd.txt"
    record = {"key": "k1", "type": FILE, "id": str(target)}
    _key_record(provider, "k1").parent.mkdir(parents=True)
    _key_record(provider, "k1").write_text(json.dumps(record))

    async def scenario() -> None:
        assert await provider.list(FILE, {"idempotency_key": "k1"}) == []
        created = await _create(provider, "k1", path="motd.txt", content="hello")
        assert created.id == str(target)
        assert target.read_text() == "hello"

    anyio.run(scenario)


def test_file_create_after_a_crash_after_the_write_adopts_the_file_without_conflict(
    tmp_path: Path,
) -> None:
    provider = LocalProvider(tmp_path)
    target = tmp_path / "motd.txt"
    _key_record(provider, "k1").parent.mkdir(parents=True)
    _key_record(provider, "k1").write_text(
        json.dumps({"key": "k1", "type": FILE, "id": str(target)})
    )
    target.write_text("hello")

    async def scenario() -> None:
        found = await provider.list(FILE, {"idempotency_key": "k1"})
        assert [item.id for item in found] == [str(target)]
        created = await _create(provider, "k1", path="motd.txt", content="hello")
        assert created.outputs["size"] == 5

    anyio.run(scenario)


def test_file_failed_create_leaves_no_file_and_the_same_key_can_retry(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    blocker = tmp_path / "out"
    blocker.write_text("a file where a directory should be")

    async def scenario() -> None:
        with pytest.raises(ProviderError) as info:
            await _create(provider, "k1", path="out/motd.txt", content="hello")
        assert str(blocker) in info.value.message
        assert await provider.list(FILE, {"idempotency_key": "k1"}) == []

        blocker.unlink()
        created = await _create(provider, "k1", path="out/motd.txt", content="hello")
        assert Path(created.id).read_text() == "hello"

    anyio.run(scenario)


def test_file_write_stages_outside_the_target_directory_and_sweeps_leftovers(
    tmp_path: Path,
) -> None:
    provider = LocalProvider(tmp_path)
    target = tmp_path / "out" / "motd.txt"
    staged = hashlib.sha256(str(target).encode()).hexdigest()[:32]
    staging = provider.data_dir / "tmp"
    staging.mkdir(parents=True)
    (staging / f"{staged}.x1y2z3.mcp-iac-tmp").write_text("half")
    target.parent.mkdir()
    (target.parent / ".motd.txt.a1b2c3.mcp-iac-tmp").write_text("half")

    anyio.run(lambda: _create(provider, "k1", path="out/motd.txt", content="hello"))

    assert [p.name for p in target.parent.iterdir()] == ["motd.txt"]
    assert list(staging.iterdir()) == []


def test_file_delete_of_a_missing_file_succeeds(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    anyio.run(provider.delete, FILE, str(tmp_path / "gone.txt"), {})


def test_file_delete_forgets_the_idempotency_key(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        created = await _create(provider, "k1", path="motd.txt")
        await provider.delete(FILE, created.id, {"path": "motd.txt"})
        assert not _key_record(provider, "k1").exists()
        assert await provider.list(FILE, {"idempotency_key": "k1"}) == []
        assert await provider.list(FILE, {}) == []

    anyio.run(scenario)


def test_file_path_freed_outside_the_provider_goes_to_the_next_key(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        first = await _create(provider, "k1", path="motd.txt", content="one")
        os.unlink(first.id)
        second = await _create(provider, "k2", path="motd.txt", content="two")
        assert second.id == first.id
        assert await provider.list(FILE, {"idempotency_key": "k1"}) == []
        assert [i.id for i in await provider.list(FILE, {})] == [second.id]

    anyio.run(scenario)


def test_file_update_that_changes_the_path_is_refused(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        created = await _create(provider, "k1", path="a.txt")
        with pytest.raises(ProviderError) as info:
            await provider.update(FILE, created.id, old={"path": "a.txt"}, new={"path": "b.txt"})
        assert info.value.code == "VALIDATION"
        assert "property 'path'" in info.value.message
        assert not (tmp_path / "b.txt").exists()

    anyio.run(scenario)


def test_file_update_of_a_file_removed_outside_is_not_found(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        created = await _create(provider, "k1", path="a.txt")
        os.unlink(created.id)
        with pytest.raises(ProviderError) as info:
            await provider.update(
                FILE, created.id, old={"path": "a.txt"}, new={"path": "a.txt", "content": "x"}
            )
        assert info.value.code == "NOT_FOUND"

    anyio.run(scenario)


def test_file_read_of_a_directory_is_an_error_naming_the_path(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)
    (tmp_path / "dir").mkdir()
    with pytest.raises(ProviderError) as info:
        anyio.run(provider.read, FILE, str(tmp_path / "dir"), {})
    assert info.value.code == "CONFLICT"
    assert str(tmp_path / "dir") in info.value.message


def test_file_mode_must_be_a_quoted_octal_string(tmp_path: Path) -> None:
    provider = LocalProvider(tmp_path)

    async def scenario() -> None:
        unquoted = await provider.validate(FILE, {"path": "a", "mode": 420})
        assert [i.path for i in unquoted] == ["mode"]
        assert '"0644"' in unquoted[0].message
        short = await provider.validate(FILE, {"path": "a", "mode": "644"})
        assert [i.path for i in short] == ["mode"]
        assert await provider.validate(FILE, {"path": "a", "mode": "0755"}) == []

    anyio.run(scenario)


def test_file_write_falls_back_to_a_sibling_temporary_across_file_systems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = LocalProvider(tmp_path)
    real_replace = os.replace
    target = tmp_path / "motd.txt"
    sources: list[str] = []

    def replace(src: str, dst: str) -> None:
        if Path(dst) == target:
            sources.append(src)
            if len(sources) == 1:
                raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    created = anyio.run(lambda: _create(provider, "k1", path="motd.txt", content="hello"))

    assert Path(created.id).read_text() == "hello"
    assert Path(sources[0]).parent == provider.data_dir / "tmp"
    assert Path(sources[1]).parent == tmp_path
    assert not list((provider.data_dir / "tmp").iterdir())
