"""The eager DAG walk: a node starts the moment its own dependencies finish (not in waves)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Generic, Literal, TypeVar

import anyio

K = TypeVar("K", bound=Hashable)
NodeStatus = Literal["done", "failed", "skipped", "not-started"]


class Walk(Generic[K]):
    """Runs ``run(node)`` for every node after its dependencies, under a global limit.

    - a node whose dependency failed or was skipped is ``skipped`` (independent branches go on);
    - once ``halt()`` is called (a failure with stop/rollback, or Ctrl-C) nothing new starts,
      in-flight nodes finish, and the rest are ``not-started``.
    """

    def __init__(
        self,
        deps: Mapping[K, Sequence[K]],
        run: Callable[[K], Awaitable[bool]],
        *,
        parallelism: int,
        halt_on_failure: bool,
        should_halt: Callable[[], bool] = lambda: False,
    ) -> None:
        self.deps = {k: [d for d in ds if d in deps] for k, ds in deps.items()}
        self.run = run
        self.parallelism = max(1, parallelism)
        self.halt_on_failure = halt_on_failure
        self.should_halt = should_halt
        self.status: dict[K, NodeStatus] = {}
        self.halted = False
        self.order: list[K] = []
        """Nodes in the order they finished successfully."""

    def halt(self) -> None:
        self.halted = True

    async def __call__(self) -> dict[K, NodeStatus]:
        remaining = {k: len(ds) for k, ds in self.deps.items()}
        dependents: dict[K, list[K]] = {k: [] for k in self.deps}
        for k, ds in self.deps.items():
            for d in ds:
                dependents[d].append(k)
        limiter = anyio.CapacityLimiter(self.parallelism)

        async with anyio.create_task_group() as tg:

            def settle(start: K) -> None:
                stack = [start]
                while stack:
                    node = stack.pop()
                    for nxt in dependents[node]:
                        remaining[nxt] -= 1
                        if remaining[nxt]:
                            continue
                        if all(self.status.get(d) == "done" for d in self.deps[nxt]):
                            if self.halted or self.should_halt():
                                self.halted = True
                                self.status[nxt] = "not-started"
                                stack.append(nxt)
                            else:
                                tg.start_soon(run_one, nxt)
                        else:
                            failed = any(
                                self.status.get(d) in ("failed", "skipped") for d in self.deps[nxt]
                            )
                            self.status[nxt] = "skipped" if failed else "not-started"
                            stack.append(nxt)

            async def run_one(node: K) -> None:
                async with limiter:
                    if self.halted or self.should_halt():
                        self.halted = True
                        self.status[node] = "not-started"
                    else:
                        ok = await self.run(node)
                        self.status[node] = "done" if ok else "failed"
                        if ok:
                            self.order.append(node)
                        elif self.halt_on_failure:
                            self.halted = True
                settle(node)

            for k, count in remaining.items():
                if count == 0:
                    tg.start_soon(run_one, k)
        return self.status
