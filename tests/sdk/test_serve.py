"""``serve``: refuses what it cannot serve (the transports themselves are exercised by the
local provider's stdio and HTTP tests)."""

from __future__ import annotations

import socket

import pytest

from mcp_iac.sdk import serve

from .memo import memo_provider


def test_an_unknown_transport_is_refused() -> None:
    provider, _ = memo_provider()
    with pytest.raises(ValueError, match="unknown transport 'ftp'; expected 'stdio' or 'http'"):
        serve(provider.build(), transport="ftp")  # type: ignore[arg-type]  # the mistake under test


def test_an_address_in_use_is_an_os_error() -> None:
    provider, _ = memo_provider()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match="Address already in use"):
            serve(provider.build(), transport="http", port=port)
