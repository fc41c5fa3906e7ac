"""Programs the real-backend tests start. ``./scripts/setup.sh`` (which the test command runs)
installs them, so a missing one is a failed setup, not a reason to skip: the tests fail and say
what to install."""

from __future__ import annotations

import os
import shutil

import pytest

INSTALL = {
    "dockerd": "apt-get install -y docker.io",
    "docker-registry": "apt-get install -y docker-registry",
    "npx": "apt-get install -y nodejs npm",
}


def require(program: str, *, root: bool = False) -> str:
    """The path of ``program``; fails the test (naming the package) when it is missing, or when
    ``root`` is asked for and the tests do not run as root."""
    path = shutil.which(program)
    if path is None:
        pytest.fail(
            f"{program} is not installed; ./scripts/setup.sh installs it as root "
            f"({INSTALL.get(program, 'see docs')})",
            pytrace=False,
        )
    if root and os.geteuid() != 0:
        pytest.fail(f"starting a private {program} needs root", pytrace=False)
    return path
