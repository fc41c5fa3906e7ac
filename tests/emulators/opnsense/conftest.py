"""Fixtures: a running emulator (HTTPS, session-wide, reset before each test) and clients."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator

import httpx2
import pytest

from mcp_iac.emulators.opnsense import OpnsenseEmulator

from .helpers import Api


@pytest.fixture(scope="session")
def shared_emulator() -> Iterator[OpnsenseEmulator]:
    with OpnsenseEmulator(version="26.1") as emulator:
        yield emulator


@pytest.fixture
def emulator(shared_emulator: OpnsenseEmulator) -> OpnsenseEmulator:
    """The session's 26.1 emulator, back to its factory configuration."""
    shared_emulator.reset()
    return shared_emulator


def verifying(emulator: OpnsenseEmulator) -> ssl.SSLContext:
    """A TLS context that trusts only the emulator's CA (verification on)."""
    assert emulator.ca_bundle is not None
    return ssl.create_default_context(cafile=str(emulator.ca_bundle))


def client_for(emulator: OpnsenseEmulator, **kwargs: object) -> httpx2.Client:
    options: dict[str, object] = {
        "base_url": emulator.url,
        "auth": (emulator.api_key, emulator.api_secret),
        "timeout": 10.0,
    }
    if emulator.ca_bundle is not None:
        options["verify"] = verifying(emulator)
    options.update(kwargs)
    return httpx2.Client(**options)  # type: ignore[arg-type]


@pytest.fixture
def api(emulator: OpnsenseEmulator) -> Iterator[Api]:
    with client_for(emulator) as client:
        yield Api(client)


@pytest.fixture
def started() -> Iterator[Callable[..., OpnsenseEmulator]]:
    """Start extra emulators (other versions, plugins, options); all stopped afterwards."""
    running: list[OpnsenseEmulator] = []

    def start(**options: object) -> OpnsenseEmulator:
        emulator = OpnsenseEmulator(**options).start()  # type: ignore[arg-type]
        running.append(emulator)
        return emulator

    yield start
    for emulator in running:
        emulator.stop()
