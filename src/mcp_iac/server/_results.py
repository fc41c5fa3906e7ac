"""What the tools return: pydantic models, so every tool publishes an output schema and its
result arrives as structured content (and as JSON text for clients that read only text)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mcp_iac.core import JSON
from mcp_iac.intents import Intent


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServerInfo(_Out):
    name: str
    transport: str = Field(description="stdio, http or builtin")
    target: str = Field(description="The command line, URL or built-in name.")
    source: str = Field(description="Where it is configured.")


class ServerList(_Out):
    servers: list[ServerInfo]


class TypeInfo(_Out):
    server: str
    type: str
    description: str
    properties: dict[str, JSON] = Field(description="JSON Schema of the resource's properties.")
    outputs: dict[str, JSON] = Field(description="JSON Schema of what it reports after apply.")
    replace_on_changes: list[str] = Field(description="Property paths whose change replaces it.")


class TypeList(_Out):
    types: list[TypeInfo]
    errors: dict[str, str] = Field(
        default_factory=dict, description="Servers that could not be asked, with the reason."
    )


class PatternInfo(_Out):
    name: str
    description: str
    parameters: dict[str, JSON] = Field(description="JSON Schema of the pattern's parameters.")


class PatternList(_Out):
    patterns: list[PatternInfo]


class StepInfo(_Out):
    address: str
    action: str
    reason: str
    changed_paths: list[str] = Field(default_factory=list)


class PolicyResults(_Out):
    checked: bool = Field(description="Whether policies ran (they do on plans that change).")
    passed: bool = Field(
        default=True, description="False: a mandatory policy failed and apply will refuse."
    )
    evaluated: list[str] = Field(default_factory=list, description="The policies that ran.")
    summary: dict[str, int] = Field(
        default_factory=dict, description="Counts: mandatory, advisory, undetermined."
    )
    results: list[dict[str, JSON]] = Field(
        default_factory=list,
        description="Each violation: policy, title, severity, enforcement, status, address, "
        "message, remediation.",
    )
    note: str = ""


class PlanResult(_Out):
    plan_id: str = Field(description="Pass it to the apply tool to apply exactly this plan.")
    deployment: str
    mode: str = Field(description="apply, destroy or restore")
    has_changes: bool
    summary: dict[str, int] = Field(description="Steps per action.")
    review: str = Field(description="The plan as a readable diff; show it to the person.")
    steps: list[StepInfo]
    policies: PolicyResults
    warnings: list[str] = Field(default_factory=list)
    next: str = Field(description="What to do with this plan.")


class StepOutcome(_Out):
    address: str
    action: str
    status: str
    error: str | None = None


class ApplyResult(_Out):
    deployment: str
    status: Literal[
        "succeeded",
        "failed",
        "rolled-back",
        "rollback-failed",
        "interrupted",
        "no-changes",
        "declined",
        "cancelled",
    ]
    plan_id: str | None = None
    approved_by: str | None = Field(
        default=None,
        description="'the user' (through the client's approval dialog), 'auto-approve' (the "
        "server's start-up flag) or null when nothing was applied.",
    )
    summary: dict[str, int] = Field(default_factory=dict)
    run: int | None = Field(default=None, description="The run recorded in the history.")
    version: int | None = Field(default=None, description="The state version it produced.")
    steps: list[StepOutcome] = Field(default_factory=list)
    rollback: list[StepOutcome] = Field(default_factory=list)
    still_differs: list[str] = Field(default_factory=list)
    outputs: dict[str, JSON] = Field(default_factory=dict)
    message: str = Field(description="What happened, in one sentence.")


class DeploymentInfo(_Out):
    name: str
    version: int
    serial: int
    resources: int
    updated_at: str
    locked: str | None = None


class DeploymentList(_Out):
    deployments: list[DeploymentInfo]


class ResourceInfo(_Out):
    address: str
    type: str
    server: str
    name: str
    id: str
    status: str
    protect: bool
    properties: dict[str, JSON]
    outputs: dict[str, JSON]
    dependencies: list[str]
    updated_at: str


class StateResult(_Out):
    deployment: str
    version: int
    serial: int
    resources: list[ResourceInfo]


class OutputsResult(_Out):
    deployment: str
    outputs: dict[str, JSON]


class RunInfo(_Out):
    run: int
    kind: str
    status: str
    version: int | None
    started_at: str
    finished_at: str | None
    who: str
    intent: str
    summary: dict[str, JSON]


class HistoryResult(_Out):
    deployment: str
    runs: list[RunInfo]


class ChangeInfo(_Out):
    path: str
    recorded: JSON
    actual: JSON


class DriftInfo(_Out):
    address: str
    status: Literal["in-sync", "drifted", "deleted", "error"]
    error: str | None = None
    changes: list[ChangeInfo] = Field(default_factory=list)


class DriftResult(_Out):
    deployment: str
    drifted: bool
    resources: list[DriftInfo]


class InterpretResult(Intent):
    """The request as read, and what to call next."""

    next: str = Field(description="The tool call that acts on this reading, or what to ask.")
