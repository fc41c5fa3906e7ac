"""Run-level bracketing: hold the deployment's lock, settle what a crash left behind."""

from __future__ import annotations

from mcp_iac.engine import LockInfo, Recovered, recover

from ._project import Project


async def settle(project: Project, deployment: str) -> list[Recovered]:
    """Close runs a crash left open and reconcile pending intents (lock held)."""
    for run in project.state.runs(deployment):
        if run.status == "running":
            project.state.finish_run(
                run.id, status="crashed", summary={"note": "the process ended before the run did"}
            )
    recovered = await recover(deployment, state=project.state, providers=project.providers)
    if recovered:
        project.state.add_event(
            deployment,
            "recovery",
            f"reconciled {len(recovered)} pending operation(s)",
            {"items": [r.outcome for r in recovered]},
        )
    return recovered


class Locked:
    def __init__(self, project: Project, deployment: str, operation: str) -> None:
        self.project = project
        self.deployment = deployment
        self.operation = operation
        self.lock: LockInfo | None = None

    def __enter__(self) -> LockInfo:
        self.lock = self.project.state.acquire_lock(self.deployment, operation=self.operation)
        return self.lock

    def __exit__(self, *exc: object) -> None:
        if self.lock is not None:
            self.project.state.release_lock(self.lock)
