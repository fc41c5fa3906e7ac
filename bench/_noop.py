"""In-process test providers for the benchmarks (not benchmarks themselves).

- :class:`NoopProvider`: ``create`` returns at once, so what is measured is the engine.
- :class:`SleepProvider`: ``create`` sleeps a per-resource latency (scheduling benchmark).

Both implement :class:`mcp_iac.engine.Provider` for one resource type ``<server>:thing``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import anyio

from mcp_iac.core import DeploymentSpec, load_document
from mcp_iac.engine import BoundDeployment, ExecOptions, Executor, Plan, bind, make_plan
from mcp_iac.protocol import (
    CreateResult,
    ListItem,
    ProviderSchema,
    ReadResult,
    ResourceTypeSchema,
    UpdateResult,
    ValidationIssue,
)
from mcp_iac.registry import InProcessProviders


def _schema(server: str) -> ProviderSchema:
    return ProviderSchema(
        name=server,
        version="0",
        types=(
            ResourceTypeSchema(
                type=f"{server}:thing",
                properties={
                    "type": "object",
                    "properties": {"input": {}},
                    "additionalProperties": False,
                },
                outputs={
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "output": {}},
                    "additionalProperties": False,
                },
            ),
        ),
    )


class NoopProvider:
    """Every operation succeeds immediately; ids are the idempotency keys."""

    def __init__(self, server: str = "noop") -> None:
        self.server = server
        self.creates = 0
        self._schema = _schema(server)

    async def describe(self) -> ProviderSchema:
        return self._schema

    async def validate(self, type_: str, properties: dict[str, Any]) -> list[ValidationIssue]:
        return []

    async def create(
        self, type_: str, *, name: str, urn: str, idempotency_key: str, properties: dict[str, Any]
    ) -> CreateResult:
        self.creates += 1
        return CreateResult(
            id=idempotency_key, outputs={"id": idempotency_key, "output": properties.get("input")}
        )

    async def read(self, type_: str, id_: str, properties: dict[str, Any]) -> ReadResult:
        return ReadResult(exists=True, properties=properties, outputs={"id": id_})

    async def update(
        self, type_: str, id_: str, *, old: dict[str, Any], new: dict[str, Any]
    ) -> UpdateResult:
        return UpdateResult(outputs={"id": id_, "output": new.get("input")})

    async def delete(self, type_: str, id_: str, properties: dict[str, Any]) -> None:
        return None

    async def list(self, type_: str, filter_: dict[str, Any]) -> list[ListItem]:
        return []


class SleepProvider(NoopProvider):
    """``create`` of resource ``name`` sleeps ``latency[name]`` seconds; tracks concurrency."""

    def __init__(self, latency: Mapping[str, float], server: str = "sleep") -> None:
        super().__init__(server)
        self.latency = dict(latency)
        self.running = 0
        self.peak = 0

    async def create(
        self, type_: str, *, name: str, urn: str, idempotency_key: str, properties: dict[str, Any]
    ) -> CreateResult:
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            await anyio.sleep(self.latency[name])
        finally:
            self.running -= 1
        return await super().create(
            type_, name=name, urn=urn, idempotency_key=idempotency_key, properties=properties
        )


def thing_spec(
    server: str,
    parents: Sequence[Sequence[int]],
    *,
    name: str = "bench",
    extra_deps: Sequence[Sequence[int]] | None = None,
) -> DeploymentSpec:
    """``<server>:thing`` resources ``s0..``; ``s<i>`` references each parent's id, and
    ``extra_deps[i]`` adds plain ``dependsOn`` edges (no value flows)."""
    resources = []
    for i, ps in enumerate(parents):
        r: dict[str, Any] = {
            "type": f"{server}:thing",
            "name": f"s{i}",
            "properties": {
                "input": {
                    "v": f"v{i}",
                    "deps": ["${" + f"{server}:thing:s{p}.id" + "}" for p in ps],
                }
            },
        }
        if extra_deps is not None and extra_deps[i]:
            r["dependsOn"] = [f"{server}:thing:s{p}" for p in extra_deps[i]]
        resources.append(r)
    doc = {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {"resources": resources},
    }
    return load_document(doc)


def thing_deployment(
    server: str,
    parents: Sequence[Sequence[int]],
    *,
    name: str = "bench",
    extra_deps: Sequence[Sequence[int]] | None = None,
) -> BoundDeployment:
    return bind(thing_spec(server, parents, name=name, extra_deps=extra_deps))


async def plan_for(bound: BoundDeployment, state: Any, provider: NoopProvider) -> Plan:
    recorded = state.resources(bound.name)
    schema = (await provider.describe()).types[0]
    return make_plan(bound, recorded, deployment=bound.name, schemas={schema.type: schema})


def providers_for(provider: NoopProvider, limit: int) -> InProcessProviders:
    return InProcessProviders({provider.server: provider}, limits={provider.server: limit})


async def execute(
    plan: Plan, state: Any, provider: NoopProvider, *, parallelism: int
) -> tuple[Any, float]:
    """Run the real Executor (journal into ``state``); returns the ApplyResult and the seconds
    ``Executor.run()`` took (the run record around it is not counted)."""
    run_id = state.begin_run(plan.deployment, kind="apply", intent="bench")
    schema = (await provider.describe()).types[0]
    executor = Executor(
        plan,
        state=state,
        providers=providers_for(provider, parallelism),
        run_id=run_id,
        options=ExecOptions(parallelism=parallelism),
        schemas={schema.type: schema},
    )
    start = time.perf_counter()
    result = await executor.run()
    seconds = time.perf_counter() - start
    state.finish_run(run_id, status="succeeded" if result.status == "succeeded" else "failed")
    if result.status != "succeeded":
        raise SystemExit(f"the run did not succeed: {result.status} {result.failed}")
    return result, seconds
