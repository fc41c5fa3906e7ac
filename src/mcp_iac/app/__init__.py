"""Use cases shared by every interface (CLI, MCP server): plan, up, destroy, refresh, drift...

Submodules are imported when one of their names is first used: a command that plans never
loads patterns, and one that lists state never loads the executor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp_iac.core import lazy_exports

if TYPE_CHECKING:
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

_EXPORTS: dict[str, str] = {
    "Change": "_inspect",
    "Confirm": "_running",
    "DEFAULT_FILES": "_project",
    "DriftItem": "_inspect",
    "DriftReport": "_inspect",
    "Loaded": "_planning",
    "PolicyBlocked": "_policies",
    "Project": "_project",
    "RefreshReport": "_inspect",
    "RunReport": "_running",
    "check_policies": "_policies",
    "destroy": "_running",
    "drift": "_inspect",
    "enforce": "_policies",
    "find_deployment_file": "_project",
    "graph_text": "_planning",
    "load": "_planning",
    "load_spec": "_project",
    "offline_plan": "_policies",
    "pattern_library": "_patterns",
    "pattern_paths": "_patterns",
    "plan": "_planning",
    "plan_restore": "_running",
    "policy_config": "_policies",
    "policy_set": "_policies",
    "read_project_section": "_policies",
    "refresh": "_inspect",
    "render_pattern": "_patterns",
    "restore": "_running",
    "run_plan": "_running",
    "run_policy_fixtures": "_policies",
    "schemas_for": "_planning",
    "unlock": "_running",
    "up": "_running",
    "validate": "_planning",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)


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
