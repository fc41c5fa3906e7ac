"""Progress streams of builds, pulls and pushes: read to their end, their errors raised.

A stream is always read to its end, also after an error: a response left half-read keeps its
connection checked out, and the socket is then only closed by the garbage collector.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from docker.errors import BuildError

from mcp_iac.core import ProviderError

from ._errors import stream_error

_BUILT = re.compile(r"(^Successfully built |sha256:)([0-9a-f]+)$")


def _error_text(chunk: Mapping[str, Any]) -> str | None:
    if not (chunk.get("error") or chunk.get("errorDetail")):
        return None
    detail = chunk.get("errorDetail") or {}
    return str(chunk.get("error") or detail.get("message") or chunk)


def drain(chunks: Iterable[Mapping[str, Any]], subject: str) -> list[dict[str, Any]]:
    """Read a decoded pull or push stream to its end; returns its ``aux`` entries.

    Raises:
        ProviderError: the first error the stream reported (the engine answers 200 and then
            reports failures inside the stream).
    """
    aux: list[dict[str, Any]] = []
    first_error: str | None = None
    for chunk in chunks:
        error = _error_text(chunk)
        if error is not None and first_error is None:
            first_error = error
        if isinstance(chunk.get("aux"), dict):
            aux.append(chunk["aux"])
    if first_error is not None:
        raise stream_error(subject, first_error)
    return aux


def built_image(chunks: Iterable[Mapping[str, Any]], subject: str) -> str:
    """Read a decoded build stream to its end; returns the id of the image built.

    Raises:
        docker.errors.BuildError: the build failed (with the whole log, for ``_errors``).
        ProviderError: ``INTERNAL`` when the stream names no image.
    """
    log: list[dict[str, Any]] = []
    first_error: str | None = None
    image_id: str | None = None
    for chunk in chunks:
        log.append(dict(chunk))
        error = _error_text(chunk)
        if error is not None and first_error is None:
            first_error = error
        aux = chunk.get("aux")
        if isinstance(aux, dict) and aux.get("ID"):
            image_id = str(aux["ID"])
        match = _BUILT.search(str(chunk.get("stream") or "").strip())
        if match:
            image_id = match.group(2)
    if first_error is not None:
        raise BuildError(first_error, log)
    if image_id is None:
        raise ProviderError("INTERNAL", f"{subject}: the build log names no image")
    return image_id
