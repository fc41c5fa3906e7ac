"""Choosing the store: ``--state``, ``MCP_IAC_STATE``, the default ``.mcp-iac/state.db``."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcp_iac.core import StateError
from mcp_iac.state import STATE_ENV, MemoryStateStore, SqliteStateStore, open_store


def test_no_spec_opens_state_db_in_the_default_folder_creating_it(tmp_path: Path) -> None:
    folder = tmp_path / "project" / ".mcp-iac"
    store = open_store(None, default_dir=folder)
    assert isinstance(store, SqliteStateStore)
    assert store.path == folder / "state.db"
    assert store.path.exists()
    store.close()


def test_the_environment_names_the_store_when_no_spec_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "team.db"))
    store = open_store(None, default_dir=tmp_path / "unused")
    assert isinstance(store, SqliteStateStore)
    assert store.path == tmp_path / "team.db"
    assert not (tmp_path / "unused").exists()
    store.close()


def test_a_path_opens_that_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STATE_ENV, "memory://")
    store = open_store(str(tmp_path / "given.db"))
    assert isinstance(store, SqliteStateStore)
    assert store.path == tmp_path / "given.db"
    store.close()


def test_memory_url_opens_a_fresh_in_memory_store() -> None:
    first, second = open_store("memory://"), open_store("memory://")
    assert isinstance(first, MemoryStateStore)
    first.acquire_lock("web", operation="apply")
    assert second.deployment("web") is None


@pytest.mark.parametrize("spec", ["postgresql://ci@db/state", "postgres://db/state"])
def test_postgresql_is_refused_clearly_in_this_build(spec: str) -> None:
    with pytest.raises(StateError, match="PostgreSQL state is not available in this build yet"):
        open_store(spec)


def test_an_unknown_kind_of_store_is_refused() -> None:
    with pytest.raises(StateError, match="unknown state store 's3://'") as caught:
        open_store("s3://bucket/state")
    assert caught.value.hint is not None
    assert "memory://" in caught.value.hint
