from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["auto", "legacy"])
def mode(request: pytest.FixtureRequest) -> str:
    """Both MCP protocol eras: the default (2026-07-28, no handshake) and the legacy one."""
    return str(request.param)
