"""Use cases shared by every interface (CLI, MCP server): plan, up, destroy, refresh, drift..."""

from ._inspect import Change, DriftItem, DriftReport, RefreshReport, drift, refresh
from ._patterns import pattern_library, pattern_paths, render_pattern
from ._planning import Loaded, graph_text, load, plan, schemas_for, validate
from ._policies import (
    PolicyBlocked,
    check_policies,
    enforce,
    offline_plan,
    policy_config,
    policy_set,
    read_project_section,
    run_policy_fixtures,
)
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
    "PolicyBlocked",
    "Project",
    "RefreshReport",
    "RunReport",
    "check_policies",
    "destroy",
    "drift",
    "enforce",
    "find_deployment_file",
    "graph_text",
    "load",
    "load_spec",
    "offline_plan",
    "pattern_library",
    "pattern_paths",
    "plan",
    "plan_restore",
    "policy_config",
    "policy_set",
    "read_project_section",
    "refresh",
    "render_pattern",
    "restore",
    "run_plan",
    "run_policy_fixtures",
    "schemas_for",
    "unlock",
    "up",
    "validate",
]
