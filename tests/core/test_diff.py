"""Structural diff of property trees, path lookup and ignoreChanges."""

from __future__ import annotations

import pytest

from mcp_iac.core import (
    MISSING,
    UNKNOWN,
    GrammarError,
    Secret,
    covers,
    diff_paths,
    lookup,
    parse_paths,
    with_ignored,
)


def test_equal_trees_have_no_changed_paths() -> None:
    tree = {"a": 1, "b": {"c": [1, {"d": "x"}]}}
    assert diff_paths(tree, {"b": {"c": [1, {"d": "x"}]}, "a": 1}) == []


def test_changes_are_reported_at_the_finest_path_where_shapes_agree() -> None:
    old = {"a": 1, "b": {"c": [1, 2], "d": "x"}}
    new = {"a": 1, "b": {"c": [1, 3], "d": "y"}, "e": True}
    assert diff_paths(old, new) == [("b", "c", 1), ("b", "d"), ("e",)]


def test_added_and_removed_keys_are_changes() -> None:
    assert diff_paths({"a": 1, "gone": 2}, {"a": 1, "new": 3}) == [("gone",), ("new",)]


def test_a_list_that_changes_length_is_one_change_at_the_list() -> None:
    assert diff_paths({"l": [1]}, {"l": [1, 2]}) == [("l",)]


def test_a_value_that_changes_shape_is_one_change_at_its_path() -> None:
    assert diff_paths({"s": {"x": 1}}, {"s": "x"}) == [("s",)]


def test_integers_and_floats_compare_by_value_but_booleans_are_not_numbers() -> None:
    assert diff_paths({"n": 1}, {"n": 1.0}) == []
    assert diff_paths({"n": True}, {"n": 1}) == [("n",)]
    assert diff_paths({"n": 0}, {"n": False}) == [("n",)]
    assert diff_paths({"n": None}, {"n": 0}) == [("n",)]


def test_a_difference_at_the_root_is_the_empty_path() -> None:
    assert diff_paths(1, 2) == [()]


def test_secrets_compare_by_their_value() -> None:
    assert diff_paths({"p": Secret("x")}, {"p": "x"}) == []
    assert diff_paths({"p": Secret("x")}, {"p": Secret("y")}) == [("p",)]


def test_an_unknown_value_always_differs() -> None:
    assert diff_paths({"p": "x"}, {"p": UNKNOWN}) == [("p",)]


def test_lookup_follows_keys_and_indexes_and_says_missing_otherwise() -> None:
    tree = {"a": [{"b": 1}], "s": Secret({"k": "v"})}
    assert lookup(tree, ("a", 0, "b")) == 1
    assert lookup(tree, ("s", "k")) == "v"
    assert lookup(tree, ()) is tree
    for path in (("a", 1), ("a", "b"), ("x",), ("a", 0, "b", "c")):
        assert lookup(tree, path) is MISSING


def test_covers_means_the_same_path_or_beneath_it() -> None:
    assert covers("tags", ("tags", "owner"))
    assert covers("tags.owner", ("tags", "owner"))
    assert covers(("rules", 0), ("rules", 0, "port"))
    assert not covers("tags.owner", ("tags",))
    assert not covers("tag", ("tags",))


def test_with_ignored_keeps_the_recorded_value_at_ignored_paths() -> None:
    new = {"size": 2, "tags": {"owner": "new", "env": "prod"}}
    old = {"size": 1, "tags": {"owner": "old", "env": "dev"}}
    assert with_ignored(new, old, [("tags", "owner")]) == {
        "size": 2,
        "tags": {"owner": "old", "env": "prod"},
    }
    assert new["tags"]["owner"] == "new"  # the desired tree is not modified


def test_with_ignored_drops_an_ignored_value_the_record_never_had() -> None:
    assert with_ignored({"a": 1, "b": 2}, {"a": 1}, [("b",)]) == {"a": 1}


def test_with_ignored_handles_list_indexes_and_missing_parents() -> None:
    assert with_ignored({"l": [1, 9]}, {"l": [1, 2]}, [("l", 1)]) == {"l": [1, 2]}
    assert with_ignored({"a": 1}, {"a": 1, "t": {"o": 1}}, [("t", "o")]) == {"a": 1}
    assert with_ignored({"a": 1}, {}, []) == {"a": 1}


def test_parse_paths_names_what_the_paths_are_for() -> None:
    assert parse_paths(["a.b", "c[0]"], "ignoreChanges") == [("a", "b"), ("c", 0)]
    with pytest.raises(GrammarError, match=r"^ignoreChanges: 'a\.\.b' is not an output path"):
        parse_paths(["a..b"], "ignoreChanges")


def test_same_tree_is_a_quick_yes_only_when_nothing_differs() -> None:
    from mcp_iac.core import UNKNOWN, Secret, same_tree

    assert same_tree(
        {"a": [1, {"b": "x"}], "s": Secret("pw")}, {"s": Secret("pw"), "a": [1, {"b": "x"}]}
    )
    assert not same_tree({"a": 1}, {"a": 2})
    assert not same_tree({"a": True}, {"a": 1})  # a real difference diff_paths reports too
    assert not same_tree({"a": 1}, {"a": 1.0})  # no difference, but not the quick case
    assert not same_tree({"a": UNKNOWN}, {"a": UNKNOWN})
    assert not same_tree({"a": Secret("x")}, {"a": Secret("y")})
    assert not same_tree([1, 2], [1, 2, 3])
