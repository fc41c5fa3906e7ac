"""Durable file operations, and the one place where ``OSError`` becomes ``ProviderError``.

Every write is atomic: the bytes go to a temporary file in the target's directory, which is
flushed, fsynced and renamed over the target with ``os.replace``; then the directory is fsynced
so the rename itself survives a power loss. A reader sees the old file or the new one, never a
torn one, whatever moment the process is killed.

Writers that rename into the same directory at the same time share that directory fsync (see
:class:`DirectorySync`): each still returns only after an fsync that began after its own
rename, exactly as with one fsync each.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from mcp_iac.core import JSON, ProviderError

TEMP_SUFFIX = ".mcp-iac-tmp"
"""Suffix of in-flight temporary files; never a valid record or user file name of ours."""


def _code_for(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "NOT_FOUND"
    if isinstance(exc, PermissionError):
        return "UNAUTHORIZED"
    if isinstance(exc, FileExistsError | IsADirectoryError | NotADirectoryError):
        return "CONFLICT"
    return "INTERNAL"


@contextmanager
def translated(action: str, path: Path) -> Iterator[None]:
    """Turn an ``OSError`` raised inside the block into a ``ProviderError`` naming ``path``.

    Raises:
        ProviderError: ``NOT_FOUND``, ``UNAUTHORIZED``, ``CONFLICT`` or ``INTERNAL``.
    """
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ProviderError(_code_for(exc), f"cannot {action} '{path}': {reason}") from exc


def fsync_dir(directory: Path) -> None:
    """Make renames and unlinks in ``directory`` durable."""
    with translated("sync directory", directory):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class DirectorySync:
    """Group commit for directory fsyncs: concurrent writers in one directory share them.

    A writer calls :meth:`sync` after its rename or unlink. Every call is numbered; an fsync
    covers every call numbered before it began, so a writer that finds its number covered by an
    fsync that began after it asked returns at once. At most one fsync of the directory runs at
    a time; a failed one covers nothing, and its waiters try again themselves.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._count = threading.Lock()
        self._disk = threading.Lock()
        self._asked = 0
        self._covered = 0

    def sync(self) -> None:
        """Return once every rename and unlink made in the directory before this call is durable.

        Raises:
            ProviderError: the fsync failed.
        """
        with self._count:
            self._asked += 1
            mine = self._asked
        with self._disk:
            if self._covered >= mine:
                return
            with self._count:
                upto = self._asked
            fsync_dir(self.directory)
            self._covered = upto


def _sweep(directory: Path, prefix: str) -> None:
    # A kill between mkstemp and os.replace leaves a temporary behind; the next write of the
    # same target removes it, so nothing we made stays around untracked.
    with suppress(OSError):
        for entry in os.scandir(directory):
            if entry.name.startswith(prefix) and entry.name.endswith(TEMP_SUFFIX):
                with suppress(FileNotFoundError):
                    os.unlink(entry.path)


def _replace_via(tmp_dir: Path, prefix: str, path: Path, data: bytes, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix=prefix, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            # mkstemp creates 0600, and the umask must not decide the declared mode either.
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_atomic(
    path: Path,
    data: bytes,
    *,
    mode: int = 0o600,
    staging: Path | None = None,
    sync: DirectorySync | None = None,
) -> None:
    """Replace ``path`` with ``data`` atomically and durably, creating parent directories.

    The temporary file lives in ``staging`` when given (so a killed write leaves nothing in the
    user's directories) and falls back to the target's directory when ``staging`` is on another
    file system; temporaries of earlier killed writes of the same target are removed first.
    Without ``staging`` the temporary is a hidden sibling of the target. ``sync``, when given,
    is the :class:`DirectorySync` of ``path``'s directory.

    Raises:
        ProviderError: the write failed; ``path`` is unchanged.
    """
    directory = path.parent
    sibling = f".{path.name}."
    with translated("write", path):
        directory.mkdir(parents=True, exist_ok=True)
        if staging is None:
            _replace_via(directory, sibling, path, data, mode)
        else:
            staged = hashlib.sha256(str(path).encode()).hexdigest()[:32] + "."
            staging.mkdir(parents=True, exist_ok=True)
            _sweep(staging, staged)
            _sweep(directory, sibling)
            try:
                _replace_via(staging, staged, path, data, mode)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                _replace_via(directory, sibling, path, data, mode)
    _sync(directory, sync)


def _sync(directory: Path, sync: DirectorySync | None) -> None:
    if sync is None:
        fsync_dir(directory)
    else:
        assert sync.directory == directory, f"{sync.directory} does not hold {directory}"
        sync.sync()


def remove(path: Path, *, sync: DirectorySync | None = None) -> bool:
    """Remove ``path`` durably; False when it was already gone. ``sync``: as for
    :func:`write_atomic`.

    Raises:
        ProviderError: the file exists and could not be removed.
    """
    with translated("remove", path):
        try:
            os.unlink(path)
        except (FileNotFoundError, NotADirectoryError):
            return False
    _sync(path.parent, sync)
    return True


def read_bytes(path: Path) -> bytes | None:
    """The content of ``path``, or None when it does not exist.

    Raises:
        ProviderError: the file exists but cannot be read (or is a directory).
    """
    with translated("read", path):
        try:
            return path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            # A parent that is not a directory means the file cannot be there either.
            return None


def read_json(path: Path) -> JSON | None:
    """The JSON document at ``path``, or None when it does not exist.

    Raises:
        ProviderError: unreadable or not JSON (``INTERNAL``: our records are written atomically,
            so a broken one was changed by something else).
    """
    data = read_bytes(path)
    if data is None:
        return None
    try:
        value: JSON = json.loads(data)
    except ValueError as exc:
        raise ProviderError("INTERNAL", f"record '{path}' is not valid JSON: {exc}") from exc
    return value


def write_json(path: Path, value: JSON, *, sync: DirectorySync | None = None) -> None:
    """Write ``value`` as JSON to ``path`` atomically and durably (``sync``: as for
    :func:`write_atomic`).

    Raises:
        ProviderError: the write failed; ``path`` is unchanged.
    """
    data = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).encode()
    write_atomic(path, data + b"\n", sync=sync)


def json_files(directory: Path) -> list[Path]:
    """The ``*.json`` files directly in ``directory``, sorted; [] when it does not exist.

    Raises:
        ProviderError: the directory exists but cannot be listed.
    """
    with translated("list", directory):
        try:
            names = os.listdir(directory)
        except FileNotFoundError:
            return []
    return [directory / n for n in sorted(names) if n.endswith(".json")]
