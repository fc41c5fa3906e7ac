"""The server's use cases: what each tool does, on top of :mod:`mcp_iac.app`, without MCP.

One :class:`Orchestrator` per server: the project (state store and provider servers), the plans
made so far, and whether changes need a person's approval.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import yaml

from mcp_iac import app
from mcp_iac.core import ConfigError, IacError, gc_paused, load_document, redact
from mcp_iac.engine import EventSink, ExecOptions, OnFailure, Plan, ResourceRecord
from mcp_iac.intents import Intent, interpret
from mcp_iac.registry import discover

from ._plans import PlanBook, PlanKind, StoredPlan
from ._results import (
    ChangeInfo,
    DeploymentInfo,
    DeploymentList,
    DriftInfo,
    DriftResult,
    HistoryResult,
    OutputsResult,
    PatternInfo,
    PatternList,
    ResourceInfo,
    RunInfo,
    ServerInfo,
    ServerList,
    StateResult,
    TypeInfo,
    TypeList,
)

NO_DEPLOYMENT = "(none)"
"""The deployment audit events of calls about no deployment are recorded under."""


@dataclass
class Orchestrator:
    """What the MCP server works with. ``auto_approve`` lets changes run without asking."""

    project: app.Project
    auto_approve: bool = False
    parallelism: int = 10
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    book: PlanBook = field(default_factory=PlanBook)
    _open: int = 0

    @asynccontextmanager
    async def opened(self) -> AsyncIterator[Orchestrator]:
        """Hold the provider connections open (once, however many sessions share it)."""
        self._open += 1
        try:
            if self._open == 1:
                async with self.project.providers:
                    yield self
            else:
                yield self
        finally:
            self._open -= 1

    # -- reading -------------------------------------------------------------------------------

    def servers(self) -> ServerList:
        configs = discover(self.project.root)
        return ServerList(
            servers=[
                ServerInfo(
                    name=name,
                    transport=cfg.transport,
                    target=" ".join([cfg.command, *cfg.args])
                    if cfg.command
                    else cfg.url or f"built-in {cfg.builtin}",
                    source=cfg.source,
                )
                for name, cfg in sorted(configs.items())
            ]
        )

    async def types(self, server: str | None) -> TypeList:
        names = [server] if server else self.project.providers.servers()
        if server and server not in self.project.providers.servers():
            raise ConfigError(
                f"no server named '{server}' is configured",
                hint="known: " + ", ".join(self.project.providers.servers()),
            )
        types: list[TypeInfo] = []
        errors: dict[str, str] = {}
        for name in names:
            try:
                described = await (await self.project.providers.get(name)).describe()
            except IacError as exc:
                errors[name] = str(exc)
                continue
            types += [
                TypeInfo(
                    server=name,
                    type=t.type,
                    description=t.description,
                    properties=t.properties,
                    outputs=t.outputs,
                    replace_on_changes=list(t.replace_on_changes),
                )
                for t in described.types
            ]
        return TypeList(types=types, errors=errors)

    def deployments(self) -> DeploymentList:
        state = self.project.state
        return DeploymentList(
            deployments=[
                DeploymentInfo(
                    name=d.name,
                    version=d.version,
                    serial=d.serial,
                    resources=len(state.resources(d.name)),
                    updated_at=d.updated_at,
                    locked=d.lock.describe() if d.lock else None,
                )
                for d in state.deployments()
            ]
        )

    def require(self, deployment: str) -> None:
        if self.project.state.deployment(deployment) is None:
            known = [d.name for d in self.project.state.deployments()]
            raise ConfigError(
                f"no deployment named '{deployment}' is recorded",
                hint="recorded: " + (", ".join(known) or "none"),
            )

    def state(self, deployment: str) -> StateResult:
        self.require(deployment)
        record = self.project.state.deployment(deployment)
        assert record is not None
        return StateResult(
            deployment=deployment,
            version=record.version,
            serial=record.serial,
            resources=[_resource(r) for r in self.project.state.resources(deployment).values()],
        )

    def outputs(self, deployment: str) -> OutputsResult:
        self.require(deployment)
        record = self.project.state.deployment(deployment)
        assert record is not None
        return OutputsResult(deployment=deployment, outputs=redact(record.outputs))

    def history(self, deployment: str) -> HistoryResult:
        self.require(deployment)
        return HistoryResult(
            deployment=deployment,
            runs=[
                RunInfo(
                    run=r.id,
                    kind=r.kind,
                    status=r.status,
                    version=r.version,
                    started_at=r.started_at,
                    finished_at=r.finished_at,
                    who=r.who,
                    intent=r.intent,
                    summary=redact(r.summary),
                )
                for r in self.project.state.runs(deployment)
            ],
        )

    async def drift(self, deployment: str) -> DriftResult:
        report = await app.drift(self.project, deployment)
        return DriftResult(
            deployment=deployment,
            drifted=bool(report.drifted),
            resources=[
                DriftInfo(
                    address=i.address,
                    status=i.status,
                    error=i.error,
                    changes=[
                        ChangeInfo(path=c.path, recorded=c.recorded, actual=c.actual)
                        for c in i.changes
                    ],
                )
                for i in report.items
            ],
        )

    def graph(self, deployment: str) -> str:
        """The recorded resources and their dependencies as a Mermaid graph."""
        self.require(deployment)
        records = self.project.state.resources(deployment)
        ids = {a: f"n{i}" for i, a in enumerate(sorted(records))}
        lines = ["graph LR"]
        lines += [f'  {ids[a]}["{a}"]' for a in sorted(records)]
        for a in sorted(records):
            lines += [f"  {ids[d]} --> {ids[a]}" for d in records[a].dependencies if d in ids]
        return "\n".join(lines) + "\n"

    def patterns(self) -> PatternList:
        return PatternList(
            patterns=[
                PatternInfo(name=p.name, description=p.description, parameters=p.schema())
                for p in app.pattern_library(self.project)
            ]
        )

    def interpret(self, request: str) -> Intent:
        """``request`` read against the project's patterns (built-in and its own)."""
        catalog = {p.name: p.schema() for p in app.pattern_library(self.project)}
        return interpret(request, patterns=catalog, now=self.clock())

    # -- planning ------------------------------------------------------------------------------

    async def plan_document(
        self,
        document: Mapping[str, Any] | str,
        *,
        variables: Mapping[str, Any] | None,
        made_by: str,
    ) -> StoredPlan:
        """Plan a deployment document (a mapping, or YAML/JSON text) against recorded state."""
        doc = _parse_document(document)
        with gc_paused():
            spec = load_document(doc, source="the plan request")
        loaded = app.load(self.project, spec, dict(variables or {}))
        plan = await app.plan(self.project, loaded, deployment=spec.name)
        return self.book.add(
            plan,
            kind="apply",
            made_by=made_by,
            source="document",
            policies=self.policies(plan),
        )

    def policies(self, plan: Plan) -> dict[str, Any] | None:
        """The project's policies over ``plan`` (None when it changes nothing: none run)."""
        if not plan.has_changes:
            return None
        return app.check_policies(self.project, plan).to_dict()

    async def plan_pattern(
        self,
        pattern: str,
        parameters: Mapping[str, Any] | None,
        *,
        deployment: str | None,
        made_by: str,
    ) -> StoredPlan:
        """Render ``pattern`` with ``parameters`` (named ``deployment`` if given) and plan it."""
        spec = app.render_pattern(
            self.project, pattern, dict(parameters or {}), deployment=deployment
        )
        loaded = app.load(self.project, spec, {})
        plan = await app.plan(self.project, loaded, deployment=spec.name)
        return self.book.add(
            plan,
            kind="apply",
            made_by=made_by,
            source=f"pattern {pattern}",
            policies=self.policies(plan),
        )

    async def destroy_plan(self, deployment: str) -> Plan:
        self.require(deployment)
        return await app.plan(self.project, None, deployment=deployment, mode="destroy")

    async def restore_plan(self, deployment: str, *, at: str | None, version: int | None) -> Plan:
        self.require(deployment)
        return await app.plan_restore(self.project, deployment, at=at, version=version)

    # -- changing ------------------------------------------------------------------------------

    async def execute(
        self, plan: Plan, *, kind: PlanKind, intent: str, on_event: EventSink
    ) -> app.RunReport:
        """Apply exactly ``plan`` (refused as stale if the state moved since it was made)."""
        on_failure: OnFailure = "continue" if kind == "destroy" else "rollback"
        return await app.run_plan(
            self.project,
            deployment=plan.deployment,
            saved=plan,
            options=ExecOptions(parallelism=self.parallelism, on_failure=on_failure),
            on_event=on_event,
            intent=intent,
            kind=kind,
            operation={"apply": "up"}.get(kind, kind),
        )

    def audit(self, deployment: str | None, kind: str, message: str, data: dict[str, Any]) -> None:
        self.project.state.add_event(deployment or NO_DEPLOYMENT, kind, message, data)


def _parse_document(document: Mapping[str, Any] | str) -> Any:
    if not isinstance(document, str):
        return dict(document)
    text = document.strip()
    try:
        return json.loads(text) if text.startswith("{") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"the deployment document is not valid YAML or JSON: {exc}",
            hint="pass the document as an object, or as YAML/JSON text",
        ) from None


def _resource(r: ResourceRecord) -> ResourceInfo:
    return ResourceInfo(
        address=r.address,
        type=r.type,
        server=r.server,
        name=r.name,
        id=r.id,
        status=r.status,
        protect=r.protect,
        properties=redact(r.properties),
        outputs=redact(r.outputs),
        dependencies=list(r.dependencies),
        updated_at=r.updated_at,
    )
