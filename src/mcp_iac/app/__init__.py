"""Use cases shared by every interface (CLI, MCP server): plan, up, destroy, refresh, drift..."""

from ._inspect import Change, DriftItem, DriftReport, RefreshReport, drift, refresh
from ._planning import Loaded, graph_text, load, plan, schemas_for, validate
from ._project import DEFAULT_FILES, Project, find_deployment_file, load_spec
from ._running import (
    Confirm,
    RunReport,
    destroy,
    plan_restore,
    restore,
    run_plan,
    unlock,
    up,
)

__all__ = [
    "DEFAULT_FILES",
    "Change",
    "Confirm",
    "DriftItem",
    "DriftReport",
    "Loaded",
    "Project",
    "RefreshReport",
    "RunReport",
    "destroy",
    "drift",
    "find_deployment_file",
    "graph_text",
    "load",
    "load_spec",
    "plan",
    "plan_restore",
    "refresh",
    "restore",
    "run_plan",
    "schemas_for",
    "unlock",
    "up",
    "validate",
]
