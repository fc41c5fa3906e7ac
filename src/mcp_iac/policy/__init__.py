"""Policies: checks a plan must pass before anything changes.

::

    Policy                 sees the whole plan (PlanView)
    └── ResourcePolicy     asked about each planned resource (PlannedResource)
    DeclarativePolicy      a YAML ``kind: Policy`` (type globs + JMESPath conditions)
    PolicySet              the selected policies with effective levels; evaluate(plan) -> report

Built-in packs live in ``PACKS``; ``policy(...)`` makes a policy from a function.

Names load their submodule on first use (see ``core.lazy_exports``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp_iac.core import lazy_exports

if TYPE_CHECKING:
    from ._config import PolicyConfig
    from ._declarative import DeclarativePolicy, PolicySpec, parse_policy
    from ._jmes import Expression
    from ._load import load_policy_file, load_policy_paths, read_documents
    from ._model import (
        DEFAULT_ACTIONS,
        ENFORCEMENTS,
        SEVERITIES,
        Enforcement,
        Finding,
        PolicyMeta,
        PolicyReport,
        PolicyResult,
        Severity,
        Status,
    )
    from ._packs import DEFAULT_PACKS, PACKS, Pack
    from ._policy import Policy, ResourcePolicy, policy
    from ._ports import port_covers
    from ._sarif import to_sarif
    from ._set import Override, PolicySet
    from ._testing import PolicyTestResult, plan_from_deployment, run_policy_test, run_policy_tests
    from ._view import (
        Maybe,
        PlannedResource,
        PlanView,
        all_of,
        any_of,
        eq,
        known,
        negate,
        test,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "DEFAULT_ACTIONS": "_model",
        "DEFAULT_PACKS": "_packs",
        "DeclarativePolicy": "_declarative",
        "ENFORCEMENTS": "_model",
        "Enforcement": "_model",
        "Expression": "_jmes",
        "Finding": "_model",
        "Maybe": "_view",
        "Override": "_set",
        "PACKS": "_packs",
        "Pack": "_packs",
        "PlanView": "_view",
        "PlannedResource": "_view",
        "Policy": "_policy",
        "PolicyConfig": "_config",
        "PolicyMeta": "_model",
        "PolicyReport": "_model",
        "PolicyResult": "_model",
        "PolicySet": "_set",
        "PolicySpec": "_declarative",
        "PolicyTestResult": "_testing",
        "ResourcePolicy": "_policy",
        "SEVERITIES": "_model",
        "Severity": "_model",
        "Status": "_model",
        "all_of": "_view",
        "any_of": "_view",
        "eq": "_view",
        "known": "_view",
        "load_policy_file": "_load",
        "load_policy_paths": "_load",
        "negate": "_view",
        "parse_policy": "_declarative",
        "plan_from_deployment": "_testing",
        "policy": "_policy",
        "port_covers": "_ports",
        "read_documents": "_load",
        "run_policy_test": "_testing",
        "run_policy_tests": "_testing",
        "test": "_view",
        "to_sarif": "_sarif",
    },
)

__all__ = [
    "DEFAULT_ACTIONS",
    "DEFAULT_PACKS",
    "ENFORCEMENTS",
    "PACKS",
    "SEVERITIES",
    "DeclarativePolicy",
    "Enforcement",
    "Expression",
    "Finding",
    "Maybe",
    "Override",
    "Pack",
    "PlanView",
    "PlannedResource",
    "Policy",
    "PolicyConfig",
    "PolicyMeta",
    "PolicyReport",
    "PolicyResult",
    "PolicySet",
    "PolicySpec",
    "PolicyTestResult",
    "ResourcePolicy",
    "Severity",
    "Status",
    "all_of",
    "any_of",
    "eq",
    "known",
    "load_policy_file",
    "load_policy_paths",
    "negate",
    "parse_policy",
    "plan_from_deployment",
    "policy",
    "port_covers",
    "read_documents",
    "run_policy_test",
    "run_policy_tests",
    "test",
    "to_sarif",
]
