"""Dependency graphs: cycle detection with the cycle's path, ordering, closures. O(V+E)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mcp_iac.core import CycleError


def find_cycle(deps: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle in ``deps`` (node -> the nodes it depends on), as a path ending where it began."""
    white, grey, black = 0, 1, 2
    color: dict[str, int] = dict.fromkeys(deps, white)
    for root in deps:
        if color[root] != white:
            continue
        stack: list[tuple[str, Iterable[str]]] = [(root, iter(deps.get(root, ())))]
        path: list[str] = [root]
        color[root] = grey
        while stack:
            node, it = stack[-1]
            advanced = False
            for nxt in it:
                c = color.get(nxt, black)
                if c == grey:
                    start = path.index(nxt)
                    # report in dependency order: a depends on b depends on ... a
                    return [*path[start:], nxt]
                if c == white:
                    color[nxt] = grey
                    stack.append((nxt, iter(deps.get(nxt, ()))))
                    path.append(nxt)
                    advanced = True
                    break
            if not advanced:
                color[node] = black
                stack.pop()
                path.pop()
    return None


def topo_order(deps: Mapping[str, Iterable[str]]) -> list[str]:
    """Nodes ordered so each comes after its dependencies; raises CycleError."""
    indeg: dict[str, int] = {}
    dependents: dict[str, list[str]] = {n: [] for n in deps}
    for node, ds in deps.items():
        count = 0
        for d in ds:
            found = dependents.get(d)
            if found is not None:
                found.append(node)
                count += 1
        indeg[node] = count
    # the order is its own queue: the loop reaches each node after those appended before it
    order = [n for n in deps if indeg[n] == 0]
    for n in order:
        for m in dependents[n]:
            left = indeg[m] - 1
            indeg[m] = left
            if not left:
                order.append(m)
    if len(order) != len(indeg):
        cycle = find_cycle({n: [d for d in deps[n] if d in dependents] for n in deps})
        raise CycleError(cycle or sorted(set(deps) - set(order)))
    return order


def closure(start: Iterable[str], edges: Mapping[str, Iterable[str]]) -> set[str]:
    """Every node reachable from ``start`` along ``edges`` (including ``start``)."""
    seen: set[str] = set()
    stack = list(start)
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        stack.extend(edges.get(n, ()))
    return seen


def reverse(deps: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """node -> the nodes that depend on it."""
    out: dict[str, list[str]] = {n: [] for n in deps}
    for node, ds in deps.items():
        for d in ds:
            out.setdefault(d, []).append(node)
    return out


def levels(deps: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Depth of each node (0 for nodes without dependencies): the "waves" a naive engine runs."""
    depth: dict[str, int] = {}
    for n in topo_order(deps):
        depth[n] = max((depth[d] + 1 for d in deps[n] if d in depth), default=0)
    return depth
