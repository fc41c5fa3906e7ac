"""The real backend of the OPNsense provider's tests: the project's OPNsense API emulator,
served over HTTPS on a free loopback port, its TLS verified through the emulator's CA."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mcp_iac.emulators.opnsense import OpnsenseEmulator

from .opnsense_support import Pem, make_pem


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def emulator() -> Iterator[OpnsenseEmulator]:
    """An OPNsense 26.1 with HAProxy, shared by the tests (each cleans up after itself)."""
    with OpnsenseEmulator(version="26.1") as fw:
        yield fw


@pytest.fixture(scope="session")
def pem() -> Pem:
    """A self-signed certificate for fw.test.example, its key, and an unrelated key."""
    return make_pem()
