"""Use cases that read: load, validate, plan, graph."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import anyio

from mcp_iac.core import (
    UNKNOWN,
    ConfigError,
    DeploymentSpec,
    Location,
    gc_paused,
    is_unknown,
    reveal,
)
from mcp_iac.engine import (
    BoundDeployment,
    Mode,
    Plan,
    bind,
    make_plan,
    resolve,
)
from mcp_iac.protocol import ResourceTypeSchema

from ._project import Project
from ._readback import read_back


@dataclass(frozen=True, slots=True)
class Loaded:
    spec: DeploymentSpec
    bound: BoundDeployment


def load(project: Project, spec: DeploymentSpec, variables: Mapping[str, Any] | None) -> Loaded:
    """Bind a loaded deployment (variables, references, secrets); raises ConfigError."""
    with gc_paused():
        return Loaded(spec, bind(spec, variables, environ=project.environ))


async def schemas_for(
    project: Project, types_by_server: Mapping[str, set[str]], *, source: str | None = None
) -> dict[str, ResourceTypeSchema | None]:
    """Describe each server once; check every type is offered by its server."""
    out: dict[str, ResourceTypeSchema | None] = {}
    for server, types in sorted(types_by_server.items()):
        provider = await project.providers.get(server)
        described = await provider.describe()
        offered = {t.type: t for t in described.types}
        for type_ in sorted(types):
            if type_ not in offered:
                close = difflib.get_close_matches(type_, list(offered), n=1)
                raise ConfigError(
                    f"server '{server}' offers no resource type '{type_}'",
                    location=Location(file=source),
                    hint=f"did you mean '{close[0]}'?"
                    if close
                    else "it offers: " + ", ".join(sorted(offered)),
                )
            out[type_] = offered[type_]
    return out


def _types_by_server(
    bound: BoundDeployment | None, extra: Sequence[tuple[str, str]] = ()
) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {}
    if bound is not None:
        for r in bound.resources.values():
            wanted.setdefault(r.server, set()).add(r.type)
    for server, type_ in extra:
        wanted.setdefault(server, set()).add(type_)
    return wanted


async def validate(
    project: Project, loaded: Loaded, *, addresses: Collection[str] | None = None
) -> list[str]:
    """Ask providers to validate the resources whose properties are known before apply (those
    without references to other resources); the rest are validated by the provider at apply.

    One task per server, resources in turn: cheap in-process, bounded over the wire.
    """
    by_server: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for address, res in loaded.bound.resources.items():
        if (addresses is not None and address not in addresses) or res.ref_dependencies:
            continue
        values = resolve(res.template, _unknown, _redacted)
        if is_unknown(values):
            continue
        plain = reveal(values)
        assert isinstance(plain, dict)
        by_server.setdefault(res.server, []).append((address, res.type, plain))
    problems: list[str] = []
    where = f"{loaded.spec.source}: " if loaded.spec.source else ""

    async def check(server: str, items: list[tuple[str, str, dict[str, Any]]]) -> None:
        provider = await project.providers.get(server)
        for address, type_, plain in items:
            for issue in await provider.validate(type_, plain):
                problems.append(
                    f"{where}resource '{address}', property '{issue.path}': {issue.message}"
                )

    async with anyio.create_task_group() as tg:
        for server, items in by_server.items():
            tg.start_soon(check, server, items)
    return sorted(problems)


def _unknown(address: str, path: Any) -> object:
    return UNKNOWN


def _redacted(key: str) -> object:
    return "(sensitive)"


async def plan(
    project: Project,
    loaded: Loaded | None,
    *,
    deployment: str,
    mode: Mode = "apply",
    targets: Sequence[str] = (),
    check: bool = True,
    refresh: bool = False,
) -> Plan:
    """Plan ``loaded`` against the recorded state; changes nothing.

    With ``refresh`` the recorded resources are first read back from their providers (in
    memory only) so the plan also repairs drift.

    Raises:
        ConfigError, CycleError, UnresolvedReference: invalid deployment or targets.
        ProtectedResource: the plan would delete or replace a protected resource.
    """
    record = project.state.deployment(deployment)
    recorded = project.state.resources(deployment)
    if refresh and recorded:
        back = await read_back(project, recorded)
        if back.errors:
            raise ConfigError(
                "could not read back: " + "; ".join(f"{a}: {e}" for a, e in back.errors.items()),
                hint="fix access to the servers, or plan without --refresh",
            )
        recorded = back.records
    bound = loaded.bound if loaded is not None else None

    def make(schemas: Mapping[str, ResourceTypeSchema | None]) -> Plan:
        with gc_paused():
            return make_plan(
                bound,
                recorded,
                deployment=deployment,
                schemas=schemas,
                lineage=record.lineage if record else None,
                serial=record.serial if record else 0,
                mode=mode,
                targets=targets,
                environ=project.environ,
            )

    async def described() -> dict[str, ResourceTypeSchema | None]:
        extra = [(r.server, r.type) for r in recorded.values()]
        return await schemas_for(
            project, _types_by_server(bound, extra), source=loaded.spec.source if loaded else None
        )

    # Provider schemas decide only how changes are made (replace paths, outputs of creates).
    # When every desired resource is recorded, plan first without them: a plan with no changes
    # then needs no provider at all (no connection, no MCP SDK to load); otherwise plan again.
    settled = bound is not None and mode == "apply" and bound.resources.keys() == recorded.keys()
    result = make({}) if settled else make(await described())
    if settled and result.has_changes:
        result = make(await described())
    if check and loaded is not None:
        changing = {s.address for s in result.steps if s.action in ("create", "update", "replace")}
        if changing:
            problems = await validate(project, loaded, addresses=changing)
            if problems:
                raise ConfigError(
                    "the provider rejected the deployment:\n  " + "\n  ".join(problems),
                    hint="fix the properties named above",
                )
    pending = project.state.pending_operations(deployment)
    if pending:
        result = replace(
            result,
            warnings=(
                *result.warnings,
                f"an interrupted run left {len(pending)} pending operation(s); `mcp-iac up` "
                "reconciles them with the providers first, which may change this plan",
            ),
        )
    return result


def graph_text(bound: BoundDeployment, fmt: str) -> str:
    """The desired dependency graph as Mermaid or DOT."""
    ids = {a: f"n{i}" for i, a in enumerate(bound.resources)}
    if fmt == "mermaid":
        lines = ["graph LR"]
        for a in bound.resources:
            lines.append(f'  {ids[a]}["{a}"]')
        for a, r in bound.resources.items():
            for d in r.dependencies:
                lines.append(f"  {ids[d]} --> {ids[a]}")
        return "\n".join(lines) + "\n"
    if fmt == "dot":
        lines = [f'digraph "{bound.name}" {{', "  rankdir=LR;", "  node [shape=box];"]
        for a in bound.resources:
            lines.append(f'  "{a}";')
        for a, r in bound.resources.items():
            for d in r.dependencies:
                lines.append(f'  "{d}" -> "{a}";')
        lines.append("}")
        return "\n".join(lines) + "\n"
    raise ConfigError(f"unknown graph format '{fmt}'", hint="use --format mermaid or --format dot")
