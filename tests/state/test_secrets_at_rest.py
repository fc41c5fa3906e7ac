"""Secrets in the SQLite file: encrypted with the key file or MCP_IAC_SECRET_KEY, never plain."""

from __future__ import annotations

import base64
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from mcp_iac.core import Secret, StateError
from mcp_iac.engine import OperationIntent, ResourceRecord
from mcp_iac.state import KEY_ENV, SqliteStateStore

MakeResource = Callable[..., ResourceRecord]
MakeIntent = Callable[..., OperationIntent]

PASSWORD = "correct-horse-battery-staple"


def _write_secrets(path: Path, resource: MakeResource, intent: MakeIntent) -> SqliteStateStore:
    """A store holding PASSWORD in every place a secret can go; left open."""
    store = SqliteStateStore(path)
    prior = resource(properties={"password": Secret(PASSWORD)})
    store.write_resources("web", records=[prior])
    run = store.begin_run("web", kind="apply", intent="up", plan={"new": Secret(PASSWORD)})
    op = store.begin_operation(
        run,
        intent(kind="update", prior=prior, inputs={"password": Secret(PASSWORD)}),
    )
    store.complete_operation(
        op, records=[resource(properties={"password": Secret(PASSWORD)}, outputs={"t": Secret(1)})]
    )
    store.set_outputs("web", {"admin": Secret({"user": "root", "password": PASSWORD})})
    store.finish_run(run, status="succeeded", summary={"note": Secret(PASSWORD)})
    store.add_event("web", "note", "rotated", {"password": Secret(PASSWORD)})
    return store


def _file_bytes(path: Path) -> bytes:
    data = b""
    for name in (path, Path(f"{path}-wal")):
        if name.exists():
            data += name.read_bytes()
    return data


def test_secrets_never_reach_the_database_file_in_plain_text(
    tmp_path: Path, resource: MakeResource, intent: MakeIntent
) -> None:
    path = tmp_path / "state.db"
    store = _write_secrets(path, resource, intent)
    assert PASSWORD.encode() not in _file_bytes(path)  # the WAL holds the recent writes
    store.close()
    assert PASSWORD.encode() not in _file_bytes(path)
    assert b'{"$secret":"' in _file_bytes(path)


def test_secrets_read_back_from_every_place_they_are_kept(
    tmp_path: Path, resource: MakeResource, intent: MakeIntent
) -> None:
    path = tmp_path / "state.db"
    _write_secrets(path, resource, intent).close()
    store = SqliteStateStore(path)
    assert store.resources("web")["local:file:a"].properties == {"password": Secret(PASSWORD)}
    assert store.resources("web")["local:file:a"].outputs == {"t": Secret(1)}
    dep = store.deployment("web")
    assert dep is not None
    assert dep.outputs == {"admin": Secret({"user": "root", "password": PASSWORD})}
    (op,) = store.operations(1)
    assert op.intent.inputs == {"password": Secret(PASSWORD)}
    assert op.intent.prior is not None
    assert op.intent.prior.properties == {"password": Secret(PASSWORD)}
    (run,) = store.runs("web")
    assert run.plan == {"new": Secret(PASSWORD)}
    assert run.summary == {"note": Secret(PASSWORD)}
    snap = store.snapshot("web", version=1)
    assert snap is not None
    assert snap.resources["local:file:a"].properties == {"password": Secret(PASSWORD)}
    assert [e.data for e in store.events("web")] == [{"password": "(sensitive)"}]
    store.close()


def test_plain_values_stay_readable_with_the_sqlite3_shell(
    tmp_path: Path, resource: MakeResource
) -> None:
    path = tmp_path / "state.db"
    store = SqliteStateStore(path)
    store.write_resources("web", records=[resource(properties={"path": "/tmp/a", "pw": Secret(1)})])
    store.close()
    conn = sqlite3.connect(path)
    (props,) = conn.execute("SELECT properties FROM resources").fetchone()
    conn.close()
    assert props.startswith('{"path":"/tmp/a","pw":{"$secret":"')


def test_the_key_file_is_made_private_next_to_the_database_on_the_first_secret(
    tmp_path: Path, resource: MakeResource
) -> None:
    path = tmp_path / "state.db"
    key_file = tmp_path / "state.db.key"
    store = SqliteStateStore(path)
    store.write_resources("web", records=[resource()])
    assert not key_file.exists()
    store.write_resources("web", records=[resource(properties={"pw": Secret("x")})])
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(base64.urlsafe_b64decode(key_file.read_text().strip())) == 32
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".key-")] == []
    store.close()


def test_a_missing_key_file_is_named_when_secrets_are_read(
    tmp_path: Path, resource: MakeResource
) -> None:
    path = tmp_path / "state.db"
    store = SqliteStateStore(path)
    store.write_resources("web", records=[resource(properties={"pw": Secret("x")})])
    store.close()
    (tmp_path / "state.db.key").unlink()
    store = SqliteStateStore(path)
    with pytest.raises(StateError, match=r"key file '.*state\.db\.key' is missing") as caught:
        store.resources("web")
    assert caught.value.hint is not None
    assert KEY_ENV in caught.value.hint
    store.close()


def test_a_wrong_key_file_is_reported_not_silently_decrypted(
    tmp_path: Path, resource: MakeResource
) -> None:
    path = tmp_path / "state.db"
    store = SqliteStateStore(path)
    store.write_resources("web", records=[resource(properties={"pw": Secret("x")})])
    store.close()
    (tmp_path / "state.db.key").write_text(base64.urlsafe_b64encode(os.urandom(32)).decode())
    store = SqliteStateStore(path)
    with pytest.raises(StateError, match=r"key file '.*state\.db\.key' is not the key"):
        store.resources("web")
    store.close()


def test_the_key_can_come_from_the_environment_instead_of_a_file(
    tmp_path: Path, resource: MakeResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    monkeypatch.setenv(KEY_ENV, key)
    path = tmp_path / "state.db"
    store = SqliteStateStore(path)
    store.write_resources("web", records=[resource(properties={"pw": Secret("x")})])
    store.close()
    assert not (tmp_path / "state.db.key").exists()

    assert SqliteStateStore(path).resources("web")["local:file:a"].properties == {"pw": Secret("x")}
    monkeypatch.setenv(KEY_ENV, base64.urlsafe_b64encode(os.urandom(32)).decode())
    with pytest.raises(StateError, match=f"the key in {KEY_ENV} is not the key"):
        SqliteStateStore(path).resources("web")


def test_a_malformed_key_in_the_environment_is_refused(
    tmp_path: Path, resource: MakeResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "too-short")
    store = SqliteStateStore(tmp_path / "state.db")
    with pytest.raises(StateError, match=f"{KEY_ENV} is not a valid secret key"):
        store.write_resources("web", records=[resource(properties={"pw": Secret("x")})])
    assert store.resources("web") == {}
    store.close()
