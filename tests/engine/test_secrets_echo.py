"""Outputs that repeat a secret input are secrets too; a short secret marks only equal text."""

from __future__ import annotations

from mcp_iac.core import Secret
from mcp_iac.engine._secrets import mark_echoed_secrets


def test_an_output_containing_a_long_secret_becomes_a_secret() -> None:
    marked = mark_echoed_secrets(
        {"url": "postgres://app:hunter22@db/app", "host": "db"}, {"password": Secret("hunter22")}
    )
    assert isinstance(marked["url"], Secret)
    assert marked["host"] == "db"


def test_a_short_secret_marks_only_outputs_equal_to_it() -> None:
    marked = mark_echoed_secrets(
        {"address": "198.18.0.10", "players": "10"}, {"env": {"MAX_PLAYERS": Secret("10")}}
    )
    assert marked["address"] == "198.18.0.10"
    assert isinstance(marked["players"], Secret)
