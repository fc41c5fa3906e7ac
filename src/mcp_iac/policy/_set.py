"""A set of policies with their effective levels, and the evaluation of a plan against it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from mcp_iac.core import ConfigError, Location
from mcp_iac.engine import Plan

from ._model import Enforcement, PolicyMeta, PolicyReport, PolicyResult, Severity
from ._packs import DEFAULT_PACKS, PACKS
from ._policy import Policy, fill
from ._view import PlanView


@dataclass(frozen=True, slots=True)
class Override:
    """Levels set in ``mcp-iac.yaml`` for one policy or a whole pack."""

    enforcement: Enforcement | None = None
    severity: Severity | None = None


class PolicySet:
    """Policies to evaluate, each with its effective enforcement and severity."""

    def __init__(self, policies: Sequence[Policy]) -> None:
        seen: dict[str, Policy] = {}
        for p in policies:
            if p.meta.id in seen:
                first = seen[p.meta.id].meta
                raise ConfigError(
                    f"two policies have the id '{p.meta.id}' "
                    f"({_origin(first)} and {_origin(p.meta)})",
                    hint="policy ids must be unique; rename one (metadata.name)",
                )
            seen[p.meta.id] = p
        self.policies: tuple[Policy, ...] = tuple(policies)

    @classmethod
    def build(
        cls,
        *,
        packs: Mapping[str, Mapping[str, Any] | None] | None = None,
        extra: Iterable[Policy] = (),
        overrides: Mapping[str, Override] | None = None,
        source: str | None = None,
    ) -> PolicySet:
        """The selected built-in packs (``None``: the default ones), with their settings, plus
        ``extra`` (user) policies, with ``overrides`` applied (keys: a policy id or a pack).

        Raises:
            ConfigError: an unknown pack or override key, invalid settings, a duplicate id.
        """
        selected = dict(packs) if packs is not None else dict.fromkeys(DEFAULT_PACKS)
        policies: list[Policy] = []
        for name, settings in selected.items():
            pack = PACKS.get(name)
            if pack is None:
                raise ConfigError(
                    f"no built-in policy pack '{name}'",
                    location=Location(file=source, property="policies.packs"),
                    hint=_suggest(name, list(PACKS)),
                )
            try:
                policies.extend(pack.policies(settings))
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(p) for p in first["loc"])
                raise ConfigError(
                    first["msg"],
                    location=Location(file=source, property=f"policies.packs.{name}.{field}"),
                    hint=_settings_hint(name),
                ) from None
            except ValueError as exc:
                raise ConfigError(
                    str(exc), location=Location(file=source, property=f"policies.packs.{name}")
                ) from None
        policies.extend(extra)
        result = cls(policies)
        return result.overridden(overrides or {}, source=source)

    def overridden(
        self, overrides: Mapping[str, Override], *, source: str | None = None
    ) -> PolicySet:
        """This set with levels overridden; a policy id wins over its pack's name."""
        ids = {p.meta.id for p in self.policies}
        packs = {p.meta.pack for p in self.policies if p.meta.pack}
        for key in overrides:
            if key not in ids and key not in packs:
                raise ConfigError(
                    f"override of '{key}', which is neither a policy nor a selected pack",
                    location=Location(file=source, property=f"policies.overrides.{key}"),
                    hint=_suggest(key, sorted(ids | packs)),
                )
        for p in self.policies:
            for name in (p.meta.pack, p.meta.id):
                o = overrides.get(name) if name else None
                if o is not None:
                    p.meta = p.meta.with_levels(enforcement=o.enforcement, severity=o.severity)
        return self

    @property
    def metas(self) -> tuple[PolicyMeta, ...]:
        return tuple(p.meta for p in self.policies)

    def evaluate(self, plan: Plan | PlanView) -> PolicyReport:
        """Run every policy that is not disabled over ``plan``.

        Raises:
            ConfigError: a policy failed (a bug in a user policy, or a bad JMESPath call).
        """
        view = plan if isinstance(plan, PlanView) else PlanView.from_plan(plan)
        results: list[PolicyResult] = []
        ran: list[PolicyMeta] = []
        for p in self.policies:
            meta = p.meta
            if meta.enforcement == "disabled":
                continue
            ran.append(meta)
            try:
                found = list(p.evaluate(view)) if _may_find(p, view) else []
            except ConfigError:
                raise
            except Exception as exc:  # user code: name the policy, keep the cause
                raise ConfigError(
                    f"policy '{meta.id}' failed: {type(exc).__name__}: {exc}",
                    location=Location(file=meta.source),
                    hint="fix the policy (or disable it in mcp-iac.yaml under policies.overrides)",
                ) from exc
            for f in found:
                resource = view.resource(f.address) if f.address else None
                results.append(
                    PolicyResult(
                        policy=meta.id,
                        title=meta.title,
                        severity=meta.severity,
                        enforcement=meta.enforcement,
                        status="undetermined" if f.undetermined else "violation",
                        address=f.address,
                        message=fill(f.message or meta.message or meta.title, resource),
                        remediation=meta.remediation,
                        path=f.path,
                        pack=meta.pack,
                        type=resource.type if resource else None,
                    )
                )
        return PolicyReport.of(results, ran)


def _may_find(policy: Policy, view: PlanView) -> bool:
    """False when ``policy`` certainly finds nothing: it is asked only about resources of its
    types and actions (``meta.types``, ``meta.actions``), and the plan has none. Then it need
    not run, nor any resource's view be built for it."""
    return not policy._selective() or view.selects(policy.meta.types, policy.meta.actions)


def _origin(meta: PolicyMeta) -> str:
    if meta.pack:
        return f"pack {meta.pack}"
    return meta.source or "Python"


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    if close:
        return f"did you mean '{close[0]}'?"
    return "known: " + ", ".join(choices) if choices else "none are selected"


def _settings_hint(pack: str) -> str:
    model = PACKS[pack].settings
    if model is None:
        return f"pack '{pack}' takes no settings"
    names = [f.alias or n for n, f in model.model_fields.items()]
    return f"pack '{pack}' takes: " + ", ".join(names)
