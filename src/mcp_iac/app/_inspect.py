"""Use cases that look at real objects: refresh (record what is there) and drift (report it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mcp_iac.core import ConfigError, Path, ProviderError, parse_paths
from mcp_iac.engine import is_deposed

from ._locking import Locked, settle
from ._planning import Loaded
from ._project import Project
from ._readback import Change, declared_changes, read_all, read_back

__all__ = [
    "Change",
    "DriftItem",
    "DriftReport",
    "RefreshReport",
    "drift",
    "refresh",
    "refresh_locked",
]


@dataclass(frozen=True, slots=True)
class DriftItem:
    address: str
    status: Literal["in-sync", "drifted", "deleted", "error"]
    changes: tuple[Change, ...] = ()
    error: str | None = None


@dataclass(slots=True)
class DriftReport:
    deployment: str
    items: list[DriftItem] = field(default_factory=list)

    @property
    def drifted(self) -> list[DriftItem]:
        return [i for i in self.items if i.status in ("drifted", "deleted")]

    @property
    def errors(self) -> list[DriftItem]:
        return [i for i in self.items if i.status == "error"]


def _ignored_for(loaded: Loaded | None) -> dict[str, list[Path]]:
    if loaded is None:
        return {}
    out: dict[str, list[Path]] = {}
    for address, res in loaded.bound.resources.items():
        try:
            out[address] = parse_paths(list(res.spec.options.ignore_changes), "ignoreChanges")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    return out


async def drift(project: Project, deployment: str, *, loaded: Loaded | None = None) -> DriftReport:
    """Read every recorded resource and compare declared properties; changes nothing."""
    records = {a: r for a, r in project.state.resources(deployment).items() if not is_deposed(a)}
    if project.state.deployment(deployment) is None:
        raise ConfigError(
            f"deployment '{deployment}' has no recorded state",
            hint="run mcp-iac up first, or see mcp-iac state list",
        )
    ignored = _ignored_for(loaded)
    results = await read_all(project, records)
    report = DriftReport(deployment)
    for address in sorted(records):
        res = results[address]
        if isinstance(res, ProviderError):
            report.items.append(DriftItem(address, "error", error=str(res)))
        elif not res.exists:
            report.items.append(DriftItem(address, "deleted"))
        else:
            changes = declared_changes(
                records[address], dict(res.properties), ignored.get(address, [])
            )
            report.items.append(
                DriftItem(address, "drifted" if changes else "in-sync", tuple(changes))
            )
    if report.drifted:
        project.state.add_event(
            deployment,
            "drift.detected",
            f"{len(report.drifted)} resource(s) drifted",
            {"addresses": [i.address for i in report.drifted]},
        )
    return report


@dataclass(slots=True)
class RefreshReport:
    deployment: str
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


async def refresh_locked(project: Project, deployment: str, *, intent: str) -> RefreshReport:
    """Refresh with the lock already held: record what is really there, as one run."""
    records = project.state.resources(deployment)
    run_id = project.state.begin_run(deployment, kind="refresh", intent=intent)
    back = await read_back(project, records)
    report = RefreshReport(deployment, back.updated, back.removed, back.unchanged, back.errors)
    changed = bool(back.updated or back.removed)
    if changed:
        project.state.write_resources(
            deployment, records=[back.records[a] for a in back.updated], remove=back.removed
        )
    project.state.finish_run(
        run_id,
        status="failed" if back.errors else "succeeded",
        summary={"updated": back.updated, "removed": back.removed, "errors": back.errors},
        changed=changed,
    )
    return report


async def refresh(project: Project, deployment: str, *, intent: str = "refresh") -> RefreshReport:
    """Read every recorded resource back and record what is really there."""
    if project.state.deployment(deployment) is None:
        raise ConfigError(
            f"deployment '{deployment}' has no recorded state", hint="see mcp-iac state list"
        )
    with Locked(project, deployment, "refresh"):
        await settle(project, deployment)
        return await refresh_locked(project, deployment, intent=intent)
