"""The private-engine helper itself (tests/providers/docker/engine.py): what the sandbox and
the demo will reuse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.backends import require

from .engine import (
    BASE_IMAGE,
    DockerdError,
    PrivateDockerd,
    _mounts_under,
    _ping,
    ensure_base_image,
)


def test_a_long_root_keeps_the_sockets_in_a_short_directory_and_stop_cleans_up(
    tmp_path: Path,
) -> None:
    require("dockerd", root=True)
    root = tmp_path / ("a-rather-long-directory-name-" * 3) / "engine"
    engine = PrivateDockerd(root)
    assert len(str(engine.socket_path)) < 60
    assert engine.run_dir != engine.root
    engine.start()
    try:
        assert engine.pid is not None
        assert _ping(engine.socket_path)
        assert engine.docker_host == f"unix://{engine.socket_path}"
        assert (root / "data").is_dir()
    finally:
        engine.stop()
    assert engine.pid is None
    assert not _ping(engine.socket_path)
    assert _mounts_under(root) == []
    assert not engine.run_dir.exists()
    engine.stop()  # twice is fine


def test_a_missing_dockerd_is_a_clear_error(tmp_path: Path) -> None:
    engine = PrivateDockerd(tmp_path / "e", dockerd="no-such-dockerd")
    with pytest.raises(DockerdError) as missing:
        engine.start()
    assert "apt-get install -y docker.io" in str(missing.value)


def test_the_base_image_is_imported_once(docker_client: Any, base_image: str) -> None:
    assert ensure_base_image(docker_client) == base_image
    config = docker_client.images.get(BASE_IMAGE).attrs["Config"]
    assert config["Cmd"] == ["sh"]
    out = docker_client.containers.run(
        BASE_IMAGE, ["sh", "-c", "echo $PATH; ls /bin"], network_mode="none", remove=True
    )
    lines = out.decode().split()
    assert lines[0] == "/bin"
    assert {"busybox", "sh", "sleep", "httpd", "cat", "echo", "wget", "env"} <= set(lines)
