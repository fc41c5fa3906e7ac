"""OPNsense firmware versions: ``26.1``, ``24.7.12``, ``26.1.2_1`` (a hotfix suffix)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?(?:_(\d+))?")

OLDEST_SUPPORTED = "24.7"
NEWEST_SUPPORTED = "26.7"


@dataclass(frozen=True, slots=True, order=True)
class Version:
    """A firmware release, ordered: ``Version.parse("24.7.3") < Version.parse("26.1")``."""

    major: int
    minor: int
    patch: int = 0
    hotfix: int = 0

    @classmethod
    def parse(cls, text: str) -> Version:
        """The release ``text`` names (``product_version`` of ``core/firmware/info``).

        Raises:
            ValueError: ``text`` does not start with ``<major>.<minor>``.
        """
        match = _VERSION.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not an OPNsense version like 26.1 or 24.7.12")
        major, minor, patch, hotfix = match.groups()
        return cls(int(major), int(minor), int(patch or 0), int(hotfix or 0))

    @property
    def series(self) -> str:
        """``major.minor``: the release series (``26.1``)."""
        return f"{self.major}.{self.minor}"

    def __str__(self) -> str:
        text = self.series if not self.patch else f"{self.series}.{self.patch}"
        return f"{text}_{self.hotfix}" if self.hotfix else text


def targeted(version: Version) -> bool:
    """Whether ``version`` is in the release series this provider is tested against."""
    oldest, newest = Version.parse(OLDEST_SUPPORTED), Version.parse(NEWEST_SUPPORTED)
    series = (version.major, version.minor)
    return (oldest.major, oldest.minor) <= series <= (newest.major, newest.minor)
