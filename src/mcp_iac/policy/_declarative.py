"""Policies written in YAML (``kind: Policy``): type globs and JMESPath conditions.

::

    apiVersion: iac.mcp/v1
    kind: Policy
    metadata: {name: no-telnet}
    spec:
      title: No telnet
      severity: high
      enforcement: mandatory
      resources: ["opnsense:firewall:rule"]
      when: "port_in(properties.destinationPort, `23`)"
      message: "{address} allows telnet"
      remediation: Use SSH instead.

``when`` (violation when every condition is true) and ``require`` (violation when any is
false) take one JMESPath expression or a list; ``forEach`` checks each element of a list
(``item`` in the conditions, ``{item}`` in the message); ``parameters`` are constants the
conditions read as ``params``; ``scope: plan`` evaluates once over the whole plan
(``resources``, ``deployment``, ``mode``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mcp_iac.core import UNKNOWN, ConfigError, Location

from ._model import DEFAULT_ACTIONS, Enforcement, Finding, PolicyMeta, Severity
from ._policy import Policy, fill
from ._view import PlannedResource, PlanView, all_of, any_of, negate

if TYPE_CHECKING:
    from ._jmes import Expression

API_VERSION = "iac.mcp/v1"


def _conditions(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class PolicySpec(BaseModel):
    """The ``spec`` of a ``kind: Policy`` document."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    title: str
    description: str = ""
    severity: Severity = "medium"
    enforcement: Enforcement = "mandatory"
    scope: Literal["resource", "plan"] = "resource"
    resources: tuple[str, ...] = ("*",)
    actions: tuple[Literal["create", "update", "replace", "delete", "no-op", "read"], ...] = (
        DEFAULT_ACTIONS  # type: ignore[assignment]  # the defaults are valid actions
    )
    for_each: str | None = Field(default=None, alias="forEach")
    when: str | list[str] | None = None
    require: str | list[str] | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    message: str = ""
    remediation: str = ""

    @field_validator("resources", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class FieldError(ValueError):
    """A problem with one field of a policy's spec."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _compile(field: str, texts: tuple[str, ...]) -> list[Expression]:
    from ._jmes import Expression  # noqa: PLC0415  # jmespath: only when a policy is compiled

    compiled = []
    for i, text in enumerate(texts):
        try:
            compiled.append(Expression(text))
        except ValueError as exc:
            where = f"spec.{field}" + (f"[{i}]" if len(texts) > 1 else "")
            raise FieldError(where, str(exc)) from None
    return compiled


class DeclarativePolicy(Policy):
    """A ``kind: Policy`` document, compiled."""

    def __init__(self, meta: PolicyMeta, spec: PolicySpec) -> None:
        """Raises:
        FieldError: a condition is not JMESPath, or there is none.
        """
        self.meta = meta
        self.spec = spec
        self._when = _compile("when", _conditions(spec.when))
        self._require = _compile("require", _conditions(spec.require))
        self._each = _compile("forEach", _conditions(spec.for_each))[0] if spec.for_each else None
        if not self._when and not self._require:
            raise FieldError(
                "spec", "give 'when' (violation when true) or 'require' (must be true)"
            )

    def _violated(self, data: dict[str, Any]) -> bool | object:
        when = all_of(*(e.truth(data) for e in self._when)) if self._when else True
        missing = any_of(*(negate(e.truth(data)) for e in self._require)) if self._require else True
        return (
            all_of(when, missing)
            if self._when and self._require
            else (when if self._when else missing)
        )

    def _check(self, data: dict[str, Any], resource: PlannedResource | None) -> Iterator[Finding]:
        address = resource.address if resource else None
        data = {**data, "params": self.spec.parameters}
        if self._each is None:
            verdict = self._violated(data)
            if verdict is not False:
                yield Finding(address, undetermined=verdict is UNKNOWN)
            return
        items = self._each.search(data)
        if items is UNKNOWN:
            yield Finding(address, undetermined=True)
            return
        for item in items if isinstance(items, list) else ([] if items is None else [items]):
            verdict = self._violated({**data, "item": item})
            if verdict is not False:
                text = item if isinstance(item, str) else json.dumps(item, default=str)
                message = fill(self.meta.message, resource).replace("{item}", text)
                yield Finding(address, message, undetermined=verdict is UNKNOWN)

    def _selective(self) -> bool:
        return type(self).evaluate is DeclarativePolicy.evaluate and self.spec.scope != "plan"

    def evaluate(self, plan: PlanView) -> Iterator[Finding]:
        if self.spec.scope == "plan":
            yield from self._check(plan.document(), None)
            return
        for r in plan.resources:
            if r.action in self.meta.actions and r.matches(self.meta.types):
                try:
                    yield from self._check(r.document(), r)
                except ValueError as exc:
                    raise ConfigError(
                        f"policy '{self.meta.id}' on resource '{r.address}': {exc}",
                        location=Location(file=self.meta.source),
                    ) from None


def is_policy_document(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("kind") == "Policy"


def parse_policy(doc: Any, *, source: str | None = None, index: int = 0) -> DeclarativePolicy:
    """Compile one ``kind: Policy`` document; raises ConfigError naming file and field."""
    where = f"document {index + 1}" if index else ""

    def error(message: str, prop: str | None = None, hint: str | None = None) -> ConfigError:
        prefix = f"{where}: " if where else ""
        return ConfigError(
            prefix + message, location=Location(file=source, property=prop), hint=hint
        )

    if not isinstance(doc, dict):
        raise error("a policy must be a mapping with apiVersion, kind, metadata and spec")
    extra = set(doc) - {"apiVersion", "kind", "metadata", "spec"}
    if extra:
        raise error(
            f"unknown field '{sorted(extra)[0]}'", hint="allowed: apiVersion, kind, metadata, spec"
        )
    if doc.get("apiVersion") != API_VERSION:
        raise error(
            f"apiVersion must be '{API_VERSION}', got {doc.get('apiVersion')!r}", "apiVersion"
        )
    meta = doc.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    if not isinstance(name, str) or not name:
        raise error("metadata.name (the policy id) is required", "metadata.name")
    try:
        spec = PolicySpec.model_validate(doc.get("spec") or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        hint = None
        if first["type"] == "extra_forbidden":
            hint = "allowed: " + ", ".join(f.alias or n for n, f in PolicySpec.model_fields.items())
        raise error(f"policy '{name}': {first['msg']}", f"spec.{field}", hint) from None
    policy_meta = PolicyMeta(
        id=name,
        title=spec.title,
        severity=spec.severity,
        enforcement=spec.enforcement,
        description=spec.description,
        message=spec.message or spec.title,
        remediation=spec.remediation,
        types=spec.resources,
        actions=tuple(spec.actions),
        source=source,
    )
    try:
        return DeclarativePolicy(policy_meta, spec)
    except FieldError as exc:
        raise error(f"policy '{name}': {exc}", exc.field) from None
