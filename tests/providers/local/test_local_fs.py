"""Durable writes: directory fsyncs shared by concurrent writers (group commit)."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mcp_iac.core import ProviderError
from mcp_iac.providers.local import _fs


class _Recorder:
    """Stands in for ``fsync_dir``: numbers each fsync's start and end on one clock. With
    ``hold``, the first fsync lasts until ``hold()`` is true (bounded)."""

    def __init__(self, *, hold: Callable[[], bool] | None = None, fail_first: bool = False) -> None:
        self.clock = itertools.count()
        self.lock = threading.Lock()
        self.spans: list[tuple[int, int]] = []
        self.hold = hold
        self.fail_first = fail_first

    def tick(self) -> int:
        with self.lock:
            return next(self.clock)

    def __call__(self, directory: Path) -> None:
        start = self.tick()
        hold, self.hold = self.hold, None
        deadline = time.monotonic() + 10
        while hold is not None and not hold():
            assert time.monotonic() < deadline, "the other writers never asked"
            time.sleep(0.001)
        if self.fail_first:
            self.fail_first = False
            raise ProviderError("INTERNAL", f"cannot sync directory '{directory}'")
        self.spans.append((start, self.tick()))


def test_one_writer_at_a_time_gets_one_fsync_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = _Recorder()
    monkeypatch.setattr(_fs, "fsync_dir", recorder)
    sync = _fs.DirectorySync(tmp_path)
    for _ in range(5):
        sync.sync()
    assert len(recorder.spans) == 5


def test_concurrent_writers_share_fsyncs_that_began_after_they_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync = _fs.DirectorySync(tmp_path)
    # the first fsync lasts until all 16 writers have asked: the rest share at most one more
    recorder = _Recorder(hold=lambda: sync._asked == 16)
    monkeypatch.setattr(_fs, "fsync_dir", recorder)
    asked: dict[int, tuple[int, int]] = {}
    start = threading.Barrier(16)

    def writer(n: int) -> None:
        start.wait()
        before = recorder.tick()
        sync.sync()
        asked[n] = (before, recorder.tick())

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # the first fsync (covering whoever had asked by then), then at most one for all the rest
    assert len(recorder.spans) in (1, 2)
    for before, after in asked.values():
        # some fsync began after this writer asked and ended before it returned
        assert any(before < s and e < after for s, e in recorder.spans), (before, after)


def test_a_failed_fsync_covers_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = _Recorder(fail_first=True)
    monkeypatch.setattr(_fs, "fsync_dir", recorder)
    sync = _fs.DirectorySync(tmp_path)
    with pytest.raises(ProviderError, match="cannot sync directory"):
        sync.sync()
    sync.sync()
    assert len(recorder.spans) == 1


def test_writes_and_removes_through_a_directory_sync_land(tmp_path: Path) -> None:
    sync = _fs.DirectorySync(tmp_path)
    target = tmp_path / "a.json"
    _fs.write_json(target, {"v": 1}, sync=sync)
    assert _fs.read_json(target) == {"v": 1}
    assert _fs.remove(target, sync=sync)
    assert not _fs.remove(target, sync=sync)
    assert _fs.json_files(tmp_path) == []
