"""Plan rendering details."""

from __future__ import annotations

from mcp_iac.cli._render import _at


def test_a_changed_path_under_a_redacted_value_shows_as_sensitive_not_null() -> None:
    assert _at({"env": "(sensitive)"}, "env.TOKEN") == "(sensitive)"
    assert _at({"env": {"A": "1"}}, "env.A") == "1"
    assert _at({"env": {}}, "env.B") is None
