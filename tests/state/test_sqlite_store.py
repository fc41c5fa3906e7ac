"""What only the SQLite store promises: durability, cross-process locks, crash safety, speed."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mcp_iac.core import Secret, StateError, StateLocked
from mcp_iac.engine import OperationIntent, ResourceRecord
from mcp_iac.state import SqliteStateStore

MakeResource = Callable[..., ResourceRecord]
MakeIntent = Callable[..., OperationIntent]


def _python(code: str, *args: str, user: str = "alice") -> subprocess.Popen[str]:
    """Start ``python -c code args...`` with stdin and stdout piped."""
    env = {**os.environ, "MCP_IAC_USER": user}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


# -- durability ----------------------------------------------------------------------------------


def test_everything_written_is_there_after_reopening(
    tmp_path: Path, resource: MakeResource, intent: MakeIntent
) -> None:
    path = tmp_path / "state.db"
    store = SqliteStateStore(path)
    lock = store.acquire_lock("web", operation="apply")
    run = store.begin_run("web", kind="apply", intent="up", plan={"p": 1})
    op = store.begin_operation(run, intent())
    store.complete_operation(op, records=[resource(properties={"pw": Secret("x")})])
    store.set_outputs("web", {"url": "http://x"})
    store.finish_run(run, status="succeeded", summary={"created": 1})
    store.add_event("web", "note", "hello")
    store.close()

    again = SqliteStateStore(path)
    dep = again.deployment("web")
    assert dep is not None
    assert (dep.version, dep.serial, dep.outputs, dep.lock) == (1, 2, {"url": "http://x"}, lock)
    assert again.resources("web")["local:file:a"].properties == {"pw": Secret("x")}
    assert [r.status for r in again.runs("web")] == ["succeeded"]
    assert [o.status for o in again.operations(run)] == ["done"]
    assert [e.message for e in again.events("web")] == ["hello"]
    snap = again.snapshot("web", version=1)
    assert snap is not None
    assert list(snap.resources) == ["local:file:a"]
    again.close()


def test_a_write_is_visible_to_another_connection_as_soon_as_it_returns(
    tmp_path: Path, resource: MakeResource
) -> None:
    path = tmp_path / "state.db"
    writer, reader = SqliteStateStore(path), SqliteStateStore(path)
    writer.write_resources("web", records=[resource()])
    assert list(reader.resources("web")) == ["local:file:a"]
    writer.close()
    reader.close()


def test_the_file_is_in_wal_mode_and_sync_is_full_or_normal(tmp_path: Path) -> None:
    SqliteStateStore(tmp_path / "full.db").close()
    SqliteStateStore(tmp_path / "normal.db", synchronous="normal").close()
    conn = sqlite3.connect(tmp_path / "full.db")
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()
    with pytest.raises(ValueError, match="synchronous"):
        SqliteStateStore(tmp_path / "x.db", synchronous="off")  # type: ignore[arg-type]


def test_threads_and_other_connections_can_write_at_the_same_time(
    tmp_path: Path, resource: MakeResource
) -> None:
    path = tmp_path / "state.db"
    shared, other = SqliteStateStore(path), SqliteStateStore(path)

    def write(store: SqliteStateStore, prefix: str) -> None:
        for n in range(10):
            store.write_resources("web", records=[resource(f"local:file:{prefix}{n}")])

    threads = [
        threading.Thread(target=write, args=(store, prefix))
        for store, prefix in [(shared, "a"), (shared, "b"), (other, "c")]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(shared.resources("web")) == 30
    dep = other.deployment("web")
    assert dep is not None
    assert dep.serial == 30
    shared.close()
    other.close()


# -- locks across processes ----------------------------------------------------------------------

_HOLD_LOCK = """
    import sys
    from mcp_iac.state import SqliteStateStore
    store = SqliteStateStore(sys.argv[1])
    store.acquire_lock("web", operation="destroy")
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_lock_held_by_another_live_process_raises_state_locked(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    holder = _python(_HOLD_LOCK, str(path))
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        store = SqliteStateStore(path)
        with pytest.raises(StateLocked) as caught:
            store.acquire_lock("web", operation="apply")
        message = str(caught.value)
        assert "locked by alice" in message
        assert f"pid {holder.pid}" in message
        assert "(destroy)" in message
        store.close()
    finally:
        holder.communicate("", timeout=30)


_CRASH = """
    import os, signal, sys
    from mcp_iac.engine import OperationIntent
    from mcp_iac.state import SqliteStateStore
    store = SqliteStateStore(sys.argv[1])
    store.acquire_lock("web", operation="apply")
    run = store.begin_run("web", kind="apply", intent="up")
    store.begin_operation(run, OperationIntent(
        deployment="web", urn="web/local:file:a", address="local:file:a", server="local",
        type="file", name="a", kind="create", idempotency_key="key-a", resource_id=None,
        inputs={"path": "/tmp/a"}, prior=None,
    ))
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_after_a_kill_the_pending_intent_survives_and_the_dead_lock_is_taken_over(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.db"
    crashed = _python(_CRASH, str(path))
    crashed.communicate(timeout=30)
    assert crashed.returncode == -9

    store = SqliteStateStore(path)
    (pending,) = store.pending_operations("web")
    assert (pending.intent.address, pending.intent.kind, pending.intent.idempotency_key) == (
        "local:file:a",
        "create",
        "key-a",
    )
    assert [r.status for r in store.runs("web")] == ["running"]

    lock = store.acquire_lock("web", operation="recover")
    assert lock.pid == os.getpid()
    (event,) = store.events("web")
    assert event.kind == "lock.broken"
    assert event.data["pid"] == crashed.pid
    assert event.data["who"] == "alice"
    store.close()


_LOCK_AND_EXIT = """
    import os, sys
    from mcp_iac.state import SqliteStateStore
    SqliteStateStore(sys.argv[1]).acquire_lock("web", operation="apply")
    os._exit(0)
"""


def test_a_lock_left_by_a_zombie_process_is_stale(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    holder = _python(_LOCK_AND_EXIT, str(path))
    try:
        # Wait for the exit but leave the process unreaped: a zombie.
        os.waitid(os.P_PID, holder.pid, os.WEXITED | os.WNOWAIT)
        store = SqliteStateStore(path)
        store.acquire_lock("web", operation="apply")
        assert [e.kind for e in store.events("web")] == ["lock.broken"]
        store.close()
    finally:
        holder.communicate(timeout=30)


def test_a_lock_from_another_host_is_never_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = SqliteStateStore(path)
    store.acquire_lock("web", operation="apply")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE locks SET host = 'build-7', pid = 999999999, pid_started = NULL")
    conn.commit()
    conn.close()
    with pytest.raises(StateLocked, match="pid 999999999 on build-7"):
        store.acquire_lock("web", operation="apply")
    store.close()


def test_a_lock_whose_pid_was_reused_by_a_newer_process_is_stale(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = SqliteStateStore(path)
    store.acquire_lock("web", operation="apply")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE locks SET pid_started = pid_started - 3600")
    conn.commit()
    conn.close()
    store.acquire_lock("web", operation="apply")
    assert [e.kind for e in store.events("web")] == ["lock.broken"]
    store.close()


# -- the journal: atomic, O(1) -------------------------------------------------------------------


def test_complete_operation_changes_nothing_when_its_transaction_fails(
    tmp_path: Path, resource: MakeResource, intent: MakeIntent
) -> None:
    path = tmp_path / "state.db"
    store = SqliteStateStore(path)
    store.write_resources("web", records=[resource("local:file:old")])
    run = store.begin_run("web", kind="apply", intent="up")
    op = store.begin_operation(run, intent("local:file:new"))
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TRIGGER fail_new BEFORE INSERT ON resources WHEN NEW.address = 'local:file:new' "
        "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    conn.commit()
    conn.close()

    with pytest.raises(StateError, match="disk on fire") as caught:
        store.complete_operation(
            op, records=[resource("local:file:new")], remove=["local:file:old"]
        )
    assert str(path) in str(caught.value)
    assert [p.id for p in store.pending_operations("web")] == [op]
    assert list(store.resources("web")) == ["local:file:old"]
    dep = store.deployment("web")
    assert dep is not None
    assert dep.serial == 1
    store.close()


def test_journal_steps_touch_only_their_own_resource_row(
    tmp_path: Path, resource: MakeResource, intent: MakeIntent
) -> None:
    store = SqliteStateStore(tmp_path / "state.db")
    store.write_resources("web", records=[resource(f"local:file:r{n}") for n in range(50)])
    before = store.resources("web")
    run = store.begin_run("web", kind="apply", intent="up")
    op = store.begin_operation(run, intent("local:file:r7", kind="update"))
    store.complete_operation(op, records=[resource("local:file:r7", id="changed")])
    after = store.resources("web")
    changed = [a for a in after if after[a].updated_at != before[a].updated_at]
    assert changed == ["local:file:r7"]
    conn = sqlite3.connect(tmp_path / "state.db")
    assert conn.execute("SELECT snapshot FROM runs").fetchone() == (None,)
    conn.close()
    store.close()


def test_ten_thousand_resources_load_in_well_under_a_tenth_of_a_second(
    tmp_path: Path, resource: MakeResource
) -> None:
    store = SqliteStateStore(tmp_path / "state.db", synchronous="normal")
    records = [
        resource(
            f"local:file:r{n:05}",
            properties={"path": f"/srv/{n}", "mode": 420, "tags": {"team": "a", "n": n}},
            outputs={"size": n, "sha": "0" * 40},
            dependencies=(f"local:file:r{n - 1:05}",) if n else (),
        )
        for n in range(10_000)
    ]
    store.write_resources("web", records=records)
    best = float("inf")
    # CPU time of this thread, best of five: other processes on a busy machine do not count.
    for _ in range(5):
        start = time.thread_time()
        loaded = store.resources("web")
        best = min(best, time.thread_time() - start)
    assert len(loaded) == 10_000
    one = loaded["local:file:r00001"]
    assert dataclasses.replace(one, created_at="", updated_at="") == records[1]
    assert best < 0.1, f"resources() took {best * 1000:.0f} ms"
    store.close()


# -- errors at the boundary ----------------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not SQLite\n" * 100)
    with pytest.raises(StateError, match=r"notes\.txt' is not an mcp-iac state database"):
        SqliteStateStore(path)


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StateError, match="not an mcp-iac state database"):
        SqliteStateStore(path)


def test_a_path_that_cannot_be_created_is_reported_by_name(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StateError, match=r"cannot open state database '.*file/state\.db'"):
        SqliteStateStore(blocker / "state.db")


def test_a_database_from_a_newer_mcp_iac_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    SqliteStateStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(StateError, match="schema version 99") as caught:
        SqliteStateStore(path)
    assert caught.value.hint == "upgrade mcp-iac"
