"""Firmware versions the emulator can pretend to be, and the features each one has."""

from __future__ import annotations

from typing import Final

SUPPORTED_VERSIONS: Final = ("24.7", "25.1", "25.7", "26.1", "26.7")
"""Major releases the emulator can answer as (``OpnsenseEmulator(version=...)``)."""

PERCENT_ROWS_SINCE: Final = "26.1"
"""First release whose ``search*`` rows hold raw keys plus ``%field`` descriptions (UIModelGrid)."""

SAVEPOINT_UNTIL: Final = "26.1"
"""Last release with the filter savepoint/rollback actions (removed in core for 26.7)."""

PATCH_LEVEL: Final = {"24.7": "12", "25.1": "12", "25.7": "11", "26.1": "6", "26.7": "1"}
"""Patch release reported by ``core/firmware`` for each major release (the newest one we know)."""


def version_key(version: str) -> tuple[int, ...]:
    """``"26.1"`` -> ``(26, 1)``: versions compare as tuples of integers."""
    return tuple(int(part) for part in version.split("."))


def at_least(version: str, minimum: str) -> bool:
    """True when ``version`` is ``minimum`` or newer."""
    return version_key(version) >= version_key(minimum)


def at_most(version: str, maximum: str) -> bool:
    """True when ``version`` is ``maximum`` or older."""
    return version_key(version) <= version_key(maximum)


def check_version(version: str) -> str:
    """Return ``version`` when the emulator supports it.

    Raises:
        ValueError: naming the supported versions.
    """
    if version not in SUPPORTED_VERSIONS:
        supported = ", ".join(SUPPORTED_VERSIONS)
        raise ValueError(f"OPNsense version {version!r} is not emulated; choose one of {supported}")
    return version
