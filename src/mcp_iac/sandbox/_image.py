"""The demo's base image without a registry: Debian's ``busybox-static`` made into a tiny root
file system and imported as ``local/busybox:1`` (no registry is reachable on the project's
machines). The rootfs tarball is built once and cached; an engine that has the tag is left alone.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

BASE_IMAGE = "local/busybox:1"
APPLETS = (
    "sh",
    "sleep",
    "httpd",
    "cat",
    "echo",
    "wget",
    "env",
    "ls",
    "mkdir",
    "touch",
    "rm",
    "true",
    "false",
    "test",
    "printf",
    "id",
    "hostname",
)
"""The busybox applets the base image links in ``/bin`` (httpd and wget serve and probe)."""


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mcp-iac" / "busybox"


def _add_dir(tar: tarfile.TarFile, name: str, mode: int = 0o755) -> None:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = mode
    tar.addfile(info)


def _add_file(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    tar.addfile(info, io.BytesIO(data))


def busybox_rootfs(cache_dir: Path | None = None) -> Path:
    """The base image's root file system as a tarball, built once and cached.

    Raises:
        RuntimeError: ``apt-get download busybox-static`` or ``dpkg-deb`` failed.
    """
    cache = cache_dir or _cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / "busybox-rootfs.tar"
    if tarball.exists():
        return tarball
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        work = Path(tmp)
        steps = (
            ["apt-get", "download", "-o", "APT::Sandbox::User=root", "busybox-static"],
            ["sh", "-c", "dpkg-deb -x busybox-static_*.deb unpacked"],
        )
        for argv in steps:
            done = subprocess.run(argv, cwd=work, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.strip()}")
        busybox = (work / "unpacked" / "bin" / "busybox").read_bytes()
        partial = work / "rootfs.tar"
        with tarfile.open(partial, "w") as tar:
            for name in ("bin", "etc", "root", "var", "var/www", "proc", "sys", "dev"):
                _add_dir(tar, name)
            _add_dir(tar, "tmp", 0o1777)
            _add_file(tar, "bin/busybox", busybox, 0o755)
            for applet in APPLETS:
                link = tarfile.TarInfo(f"bin/{applet}")
                link.type = tarfile.SYMTYPE
                link.linkname = "busybox"
                tar.addfile(link)
            _add_file(tar, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
            _add_file(tar, "etc/group", b"root:x:0:\n")
        os.replace(partial, tarball)
    return tarball


def ensure_base_image(client: Any, tag: str = BASE_IMAGE, *, cache_dir: Path | None = None) -> str:
    """Make sure the engine behind ``client`` (a ``docker.DockerClient``) has image ``tag``, a
    busybox base (``CMD ["sh"]``, ``PATH=/bin``); returns its image id. Idempotent.

    Raises:
        RuntimeError: the busybox package could not be fetched or unpacked.
        docker.errors.APIError: the engine refused the import.
    """
    from docker.errors import ImageNotFound  # noqa: PLC0415  # the caller brings the SDK

    try:
        return str(client.images.get(tag).id)
    except ImageNotFound:
        pass
    repository, _, version = tag.rpartition(":")
    if not repository or "/" in version:
        repository, version = tag, "latest"
    tarball = busybox_rootfs(cache_dir)
    answer = client.api.import_image_from_file(
        str(tarball),
        repository=repository,
        tag=version,
        changes=['CMD ["sh"]', "ENV PATH=/bin"],
    )
    with contextlib.suppress(ValueError, TypeError):
        status = json.loads(answer.strip().splitlines()[-1]).get("status", "")
        if status.startswith("sha256:"):
            return str(status)
    return str(client.images.get(tag).id)


def load_base_image(docker_host: str, tag: str = BASE_IMAGE) -> str:
    """Import the base image into the engine at ``docker_host``; returns ``tag``.

    Raises:
        SandboxError: the docker SDK is missing, or the image could not be built or imported.
    """
    from ._process import SandboxError  # noqa: PLC0415  # keeps this module free of the rest

    try:
        import docker  # noqa: PLC0415  # an optional dependency (mcp-iac[docker])
    except ImportError:
        raise SandboxError(
            "docker: the docker SDK is not installed", hint="pip install 'mcp-iac[docker]'"
        ) from None
    client = docker.DockerClient(base_url=docker_host, timeout=60)
    try:
        ensure_base_image(client, tag)
    except (RuntimeError, docker.errors.DockerException) as exc:
        raise SandboxError(f"docker: cannot make the base image {tag}: {exc}") from None
    finally:
        client.close()
    return tag
