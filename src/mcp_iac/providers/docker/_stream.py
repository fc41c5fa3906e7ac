"""Progress streams of pulls and pushes: drained, their errors raised."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._errors import stream_error


def drain(chunks: Iterable[Mapping[str, Any]], subject: str) -> list[dict[str, Any]]:
    """Read a decoded pull or push stream to its end; returns its ``aux`` entries.

    Raises:
        ProviderError: the first error the stream reports (the engine answers 200 and then
            reports failures inside the stream).
    """
    aux: list[dict[str, Any]] = []
    for chunk in chunks:
        if chunk.get("error") or chunk.get("errorDetail"):
            detail = chunk.get("errorDetail") or {}
            raise stream_error(subject, str(chunk.get("error") or detail.get("message") or chunk))
        if isinstance(chunk.get("aux"), dict):
            aux.append(chunk["aux"])
    return aux
