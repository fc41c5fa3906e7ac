"""Fixtures: a running emulator (HTTPS, session-wide, reset before each test) and clients."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from typing import Any, Literal

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


def client_for(
    emulator: OpnsenseEmulator, *, auth: tuple[str, str] | Literal["own"] | None = "own"
) -> httpx2.Client:
    """A client of ``emulator`` verifying its TLS, with its key (``"own"``), another or none."""
    return httpx2.Client(
        base_url=emulator.url,
        auth=(emulator.api_key, emulator.api_secret) if auth == "own" else auth,
        verify=verifying(emulator) if emulator.ca_bundle is not None else True,
        timeout=10.0,
    )


@pytest.fixture
def api(emulator: OpnsenseEmulator) -> Iterator[Api]:
    with client_for(emulator) as client:
        yield Api(client)


@pytest.fixture
def started() -> Iterator[Callable[..., OpnsenseEmulator]]:
    """Start extra emulators (other versions, plugins, options); all stopped afterwards."""
    running: list[OpnsenseEmulator] = []

    def start(**options: Any) -> OpnsenseEmulator:
        emulator = OpnsenseEmulator(**options).start()
        running.append(emulator)
        return emulator

    yield start
    for emulator in running:
        emulator.stop()
