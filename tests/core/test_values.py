"""Unknown-until-apply values and secrets."""

from __future__ import annotations

import pickle

from mcp_iac.core import (
    UNKNOWN,
    UNKNOWN_TEXT,
    Secret,
    contains_secret,
    is_unknown,
    redact,
    reveal,
)


def test_unknown_is_one_marker_that_survives_pickling_and_shows_as_known_after_apply() -> None:
    assert repr(UNKNOWN) == UNKNOWN_TEXT == "(known after apply)"
    assert pickle.loads(pickle.dumps(UNKNOWN)) is UNKNOWN
    assert is_unknown({"a": [1, UNKNOWN]})
    assert not is_unknown({"a": [1, None]})


def test_secrets_redact_themselves_in_repr_and_str() -> None:
    s = Secret("hunter2")
    assert "hunter2" not in repr(s)
    assert "hunter2" not in str(s)
    assert "hunter2" not in f"{s} {s!r} {[s]}"


def test_reveal_strips_secret_wrappers_and_redact_hides_them() -> None:
    tree = {"a": Secret("x"), "b": [Secret({"k": Secret("y")}), 1], "c": UNKNOWN}
    assert contains_secret(tree)
    assert not contains_secret({"a": [1, "x"]})
    assert reveal({"a": tree["a"], "b": tree["b"]}) == {"a": "x", "b": [{"k": "y"}, 1]}
    assert redact(tree) == {"a": "(sensitive)", "b": ["(sensitive)", 1], "c": UNKNOWN_TEXT}
