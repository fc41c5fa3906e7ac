"""Policies in Python: a :class:`Policy` sees the whole plan; a :class:`ResourcePolicy` is asked
about each planned resource whose type and action match; :func:`policy` makes either from a
function.

A check returns (or yields) what it found, in any of these forms:

- ``None`` or ``False``: nothing wrong;
- ``True``: a violation with the policy's message;
- :data:`~mcp_iac.core.UNKNOWN`: undetermined (it depends on a value known only after apply);
- a string: a violation with that message;
- a :class:`Finding`, for a path, another address, or an undetermined result with a message;
- a list or generator of the above.
"""

from __future__ import annotations

import inspect
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

from mcp_iac.core import UNKNOWN

from ._model import DEFAULT_ACTIONS, Enforcement, Finding, PolicyMeta, Severity
from ._view import PlannedResource, PlanView

CheckResult = Any
"""What a check may return; see the module docstring."""

_PLACEHOLDER = re.compile(r"\{(address|type|name|server|action)\}")


class Policy(ABC):
    """A policy over the whole plan. Subclasses set ``meta`` and implement :meth:`evaluate`."""

    meta: PolicyMeta

    @abstractmethod
    def evaluate(self, plan: PlanView) -> Iterable[Finding]:
        """Everything this policy finds in ``plan``."""

    def _selective(self) -> bool:
        """True when :meth:`evaluate` asks only about resources whose type matches
        ``meta.types`` and whose action is one of ``meta.actions``: a plan with none needs
        not run it (see ``PolicySet.evaluate``). A policy over the whole plan: False."""
        return False

    def __repr__(self) -> str:
        return f"<policy {self.meta.id}>"


class ResourcePolicy(Policy):
    """A policy asked about each resource whose type matches ``meta.types`` and whose action
    is one of ``meta.actions``."""

    def evaluate(self, plan: PlanView) -> Iterator[Finding]:
        for resource in plan.resources:
            if resource.action in self.meta.actions and resource.matches(self.meta.types):
                yield from findings(self.check(resource, plan), resource.address)

    def _selective(self) -> bool:
        return type(self).evaluate is ResourcePolicy.evaluate  # unless evaluate is its own

    @abstractmethod
    def check(self, resource: PlannedResource, plan: PlanView) -> CheckResult:
        """What is wrong with ``resource``, in any form the module docstring lists."""


def findings(result: CheckResult, address: str | None) -> Iterator[Finding]:
    """Normalise what a check returned into findings about ``address``."""
    if result is None or result is False:
        return
    if result is True:
        yield Finding(address)
    elif result is UNKNOWN:
        yield Finding(address, undetermined=True)
    elif isinstance(result, str):
        yield Finding(address, message=result)
    elif isinstance(result, Finding):
        yield result if result.address is not None else _at(result, address)
    elif isinstance(result, Iterable) and not isinstance(result, dict | bytes):
        for item in result:
            yield from findings(item, address)
    else:
        raise TypeError(
            f"a policy check returned {type(result).__name__}; return None, a bool, UNKNOWN, "
            "a message, a Finding or a list of them"
        )


def _at(finding: Finding, address: str | None) -> Finding:
    return Finding(address, finding.message, finding.path, finding.undetermined)


def fill(template: str, resource: PlannedResource | None) -> str:
    """The message with ``{address}``, ``{type}``, ``{name}``, ``{server}``, ``{action}``."""
    if resource is None:
        return template

    def one(match: re.Match[str]) -> str:
        return str(getattr(resource, match.group(1)))

    return _PLACEHOLDER.sub(one, template)


class _FunctionPolicy(ResourcePolicy):
    def __init__(self, meta: PolicyMeta, fn: Callable[..., CheckResult], arity: int) -> None:
        self.meta = meta
        self._fn = fn
        self._arity = arity

    def check(self, resource: PlannedResource, plan: PlanView) -> CheckResult:
        return self._fn(resource, plan) if self._arity == 2 else self._fn(resource)


class _PlanFunctionPolicy(Policy):
    def __init__(self, meta: PolicyMeta, fn: Callable[[PlanView], CheckResult]) -> None:
        self.meta = meta
        self._fn = fn

    def evaluate(self, plan: PlanView) -> Iterator[Finding]:
        return findings(self._fn(plan), None)


def policy(
    id: str,
    *,
    title: str,
    severity: Severity = "medium",
    enforcement: Enforcement = "mandatory",
    types: Iterable[str] = ("*",),
    actions: Iterable[str] = DEFAULT_ACTIONS,
    message: str = "",
    remediation: str = "",
    description: str | None = None,
    scope: Literal["resource", "plan"] = "resource",
) -> Callable[[Callable[..., CheckResult]], Policy]:
    """Make a policy from a function.

    With ``scope="resource"`` (the default) the function is called as ``fn(resource)`` or
    ``fn(resource, plan)`` for each matching resource; with ``scope="plan"`` as ``fn(plan)``
    once. The description defaults to the function's docstring::

        @policy("no-telnet", title="No telnet", severity="high",
                types=["opnsense:firewall:rule"], message="{address} allows telnet")
        def no_telnet(rule: PlannedResource) -> Maybe:
            return eq(rule.get("destinationPort"), "23")

    Raises:
        TypeError: the function does not take the arguments its scope passes.
    """
    if severity not in ("low", "medium", "high", "critical"):
        raise ValueError(f"policy '{id}': severity must be low, medium, high or critical")
    if enforcement not in ("advisory", "mandatory", "disabled"):
        raise ValueError(f"policy '{id}': enforcement must be advisory, mandatory or disabled")

    def wrap(fn: Callable[..., CheckResult]) -> Policy:
        meta = PolicyMeta(
            id=id,
            title=title,
            severity=severity,
            enforcement=enforcement,
            description=description if description is not None else inspect.getdoc(fn) or "",
            message=message or title,
            remediation=remediation,
            types=tuple(types),
            actions=tuple(actions),
        )
        arity = len(inspect.signature(fn).parameters)
        if scope == "plan":
            if arity != 1:
                raise TypeError(f"policy '{id}': a plan policy takes one argument (the plan)")
            return _PlanFunctionPolicy(meta, fn)
        if arity not in (1, 2):
            raise TypeError(
                f"policy '{id}': a resource policy takes (resource) or (resource, plan)"
            )
        return _FunctionPolicy(meta, fn, arity)

    return wrap
