"""Dependency graphs: cycles with their path, topological order, levels, closures."""

from __future__ import annotations

import pytest

from mcp_iac.core import CycleError
from mcp_iac.engine import closure, find_cycle, levels, reverse, topo_order

DIAMOND = {"app": ["web", "db"], "web": ["net"], "db": ["net"], "net": []}


def test_find_cycle_returns_the_cycle_in_dependency_order_ending_where_it_began() -> None:
    deps = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    assert find_cycle(deps) == ["a", "b", "c", "a"]


def test_find_cycle_reports_only_the_cycle_not_the_path_that_led_to_it() -> None:
    deps = {"x": ["y"], "y": ["a"], "a": ["b"], "b": ["a"]}
    assert find_cycle(deps) == ["a", "b", "a"]


def test_find_cycle_finds_a_self_loop() -> None:
    assert find_cycle({"a": ["a"]}) == ["a", "a"]


def test_find_cycle_is_none_for_a_dag_and_ignores_edges_to_unknown_nodes() -> None:
    assert find_cycle(DIAMOND) is None
    assert find_cycle({"a": ["outside"]}) is None


def test_topo_order_puts_every_node_after_its_dependencies() -> None:
    order = topo_order(DIAMOND)
    assert sorted(order) == sorted(DIAMOND)
    for node, deps in DIAMOND.items():
        assert all(order.index(d) < order.index(node) for d in deps)


def test_topo_order_keeps_declaration_order_among_independent_nodes() -> None:
    assert topo_order({"c": [], "a": [], "b": []}) == ["c", "a", "b"]


def test_topo_order_raises_a_cycle_error_carrying_the_cycle() -> None:
    with pytest.raises(CycleError) as caught:
        topo_order({"ok": [], "a": ["b"], "b": ["c"], "c": ["a"]})
    assert caught.value.cycle == ["a", "b", "c", "a"]
    assert "a -> b -> c -> a" in str(caught.value)


def test_levels_are_the_longest_distance_from_a_root() -> None:
    deps = {**DIAMOND, "lb": ["app"], "cache": [], "slow": ["net", "app"]}
    assert levels(deps) == {
        "net": 0,
        "cache": 0,
        "web": 1,
        "db": 1,
        "app": 2,
        "lb": 3,
        "slow": 3,
    }


def test_closure_follows_edges_transitively_and_includes_the_start() -> None:
    assert closure(["app"], DIAMOND) == {"app", "web", "db", "net"}
    assert closure(["net"], reverse(DIAMOND)) == set(DIAMOND)
    assert closure([], DIAMOND) == set()


def test_reverse_maps_each_node_to_its_dependents() -> None:
    assert reverse(DIAMOND) == {"app": [], "web": ["app"], "db": ["app"], "net": ["web", "db"]}


def test_topo_order_of_ten_thousand_nodes_in_a_chain_does_not_recurse() -> None:
    deps = {f"n{i}": [f"n{i - 1}"] if i else [] for i in range(10_000)}
    assert topo_order(deps)[-1] == "n9999"
    deps["n0"] = ["n9999"]
    cycle = find_cycle(deps)
    assert cycle is not None
    assert len(cycle) == 10_001
