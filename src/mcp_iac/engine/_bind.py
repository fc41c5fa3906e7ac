"""Bind a deployment's references to resources, variables and secrets.

Binding turns every ``${...}`` into its canonical form (``${<address>.<path>}``), substitutes
variables, checks secrets exist, and collects the dependency edges (explicit ``dependsOn`` plus one
per reference). Errors name the file, the resource and the property, with "did you mean".
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeAlias

from mcp_iac.core import (
    JSON,
    ConfigError,
    CycleError,
    DeploymentSpec,
    GrammarError,
    Location,
    Part,
    Path,
    Ref,
    ResourceOptions,
    ResourceSpec,
    UnresolvedReference,
    VariableSpec,
    canonical_target,
    escape_literal,
    format_path,
    make_urn,
    parse_template,
)

from ._resolve import remember_parts

SECRET_ENV_PREFIX = "MCP_IAC_SECRET_"


@dataclass(frozen=True, slots=True)
class BoundResource:
    """A desired resource with canonical references and its dependency addresses."""

    spec: ResourceSpec
    address: str
    urn: str
    template: dict[str, JSON]
    """Properties with variables substituted and references in canonical ``${address.path}``."""
    dependencies: tuple[str, ...]
    """Addresses this resource depends on (explicit and implicit), sorted."""
    ref_dependencies: frozenset[str] = frozenset()
    """The subset of ``dependencies`` that come from references (values flow from them)."""
    type: str = field(init=False, repr=False, compare=False)
    """``spec.type``; this and the next three are the spec's, kept at hand for the planner (a
    pydantic model's attributes cost more to read, and the spec lies elsewhere in memory)."""
    server: str = field(init=False, repr=False, compare=False)
    name: str = field(init=False, repr=False, compare=False)
    options: ResourceOptions = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        spec = self.spec
        object.__setattr__(self, "type", spec.type)
        object.__setattr__(self, "server", spec.server)
        object.__setattr__(self, "name", spec.name)
        object.__setattr__(self, "options", spec.options)


_BOUND_SLOTS = (
    "spec",
    "address",
    "urn",
    "template",
    "dependencies",
    "ref_dependencies",
    "type",
    "server",
    "name",
    "options",
)


class _BoundSlots:
    """BoundResource's slots (the same names in the same order, so the same layout), writable."""

    __slots__ = BoundResource.__slots__


def _bound_builder() -> Callable[
    [ResourceSpec, str, str, dict[str, JSON], tuple[str, ...], frozenset[str]], BoundResource
]:
    """``BoundResource(spec, address, urn, template, dependencies, ref_dependencies)`` at a
    fraction of the cost (the binder builds one per resource).

    As the planner's steps (engine/_plan.py, ``new_step``): a frozen dataclass's ``__init__``
    sets each field through ``object.__setattr__``; here they are plain stores into a writable
    object of the same layout, which then becomes the BoundResource, with what ``__post_init__``
    sets. Used only while BoundResource has exactly these slots; otherwise the constructor.
    """
    if tuple(getattr(BoundResource, "__slots__", ())) != _BOUND_SLOTS:
        return BoundResource

    def build(  # noqa: PLR0917  # positional, as the constructor's order: one call per resource
        spec: ResourceSpec,
        address: str,
        urn: str,
        template: dict[str, JSON],
        dependencies: tuple[str, ...],
        ref_dependencies: frozenset[str],
        /,
    ) -> BoundResource:
        bound: Any = _BoundSlots()  # typed loosely: mypy does not read __slots__
        bound.spec = spec
        bound.address = address
        bound.urn = urn
        bound.template = template
        bound.dependencies = dependencies
        bound.ref_dependencies = ref_dependencies
        bound.type = spec.type
        bound.server = spec.server
        bound.name = spec.name
        bound.options = spec.options
        bound.__class__ = BoundResource  # the same slots: see _BoundSlots
        built: BoundResource = bound  # typing.cast would be a call
        return built

    return build


new_bound = _bound_builder()
"""``BoundResource(spec, address, urn, template, dependencies, ref_dependencies)``, positional,
faster (see :func:`_bound_builder`)."""


@dataclass(frozen=True, slots=True, repr=False)
class BoundDeployment:
    name: str
    source: str | None
    resources: dict[str, BoundResource]
    """By address, in declaration order."""
    outputs: dict[str, JSON]
    variables: dict[str, JSON]
    secrets: frozenset[str] = field(default_factory=frozenset)
    ref_targets: Mapping[str, tuple[str, Path]] = field(default_factory=dict)
    """The strings of the templates that are one resource reference, each with the address and
    output path it names: their parse, kept by the binder for the planner (the strings it lacks
    are parsed when resolved)."""

    def __repr__(self) -> str:
        return f"BoundDeployment(name={self.name!r}, resources={len(self.resources)})"


def secret_value(key: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Look a secret up: ``MCP_IAC_SECRET_<KEY>`` first, then ``<KEY>``."""
    env = os.environ if environ is None else environ
    return env.get(SECRET_ENV_PREFIX + key, env.get(key))


def coerce_variable(name: str, spec: VariableSpec, raw: Any, *, source: str | None) -> JSON:
    """Turn a ``--var`` string (or a given value) into the variable's declared type."""
    where = Location(file=source, property=f"variables.{name}")
    kind = spec.type
    value = raw
    if isinstance(raw, str) and kind in ("integer", "number", "boolean", "list", "object"):
        try:
            value = json.loads(raw) if kind in ("list", "object") else raw
            if kind == "integer":
                value = int(raw)
            elif kind == "number":
                value = float(raw)
            elif kind == "boolean":
                lowered = raw.strip().lower()
                if lowered not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(raw)
                value = lowered in ("true", "1", "yes")
        except (ValueError, json.JSONDecodeError):
            raise ConfigError(
                f"value {raw!r} is not a valid {kind}",
                location=where,
                hint=f"pass e.g. --var {name}="
                + {
                    "integer": "150",
                    "number": "1.5",
                    "boolean": "true",
                    "list": "'[1, 2]'",
                    "object": '\'{"k": "v"}\'',
                }[kind],
            ) from None
    checks: dict[str, Callable[[object], bool]] = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "list": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "any": lambda v: True,
    }
    if value is not None and not checks[kind](value):
        raise ConfigError(f"value {value!r} is not a valid {kind}", location=where)
    return value  # type: ignore[no-any-return]  # checked against the declared type above


def _escape_tree(value: JSON) -> JSON:
    if isinstance(value, str):
        return escape_literal(value)
    if isinstance(value, list):
        return [_escape_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape_tree(v) for k, v in value.items()}
    return value


_Where: TypeAlias = "tuple[_Where | None, str | int | None]"
"""Where a value sits, kept cheap until an error needs it as a :class:`Location`: a chain of
``(parent, key)`` pairs from the value up to the root, ``(None, address)`` for a resource's
properties or ``(None, None)`` for the deployment's outputs (see :func:`_location`)."""


class Binder:
    """Resolves reference targets against the resources of one deployment."""

    def __init__(
        self,
        spec: DeploymentSpec,
        variables: Mapping[str, Any] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        check_secrets: bool = True,
    ) -> None:
        self.spec = spec
        self.environ = environ
        self.check_secrets = check_secrets
        self.by_address: dict[str, ResourceSpec] = {r.address: r for r in spec.resources}
        self.variables = self._variables(variables or {})
        self.secrets: set[str] = set()
        self.whole_refs: dict[str, tuple[str, str]] = {}
        """Strings that are one resource reference, bound: (address, canonical text). A
        deployment repeats its references; each is parsed and looked up once."""
        self.ref_targets: dict[str, tuple[str, Path]] = {}
        """Canonical texts of single resource references: (address, output path)."""
        self.path_texts: dict[Path, str] = {}
        """Output paths as canonical references spell them (format_path), each formatted once:
        a deployment's references share a few paths."""

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        """Addresses by resource name, made when a reference or a hint first needs them (full
        addresses, most references, need only ``by_address``)."""
        by_name: dict[str, list[str]] = {}
        for r in self.spec.resources:
            by_name.setdefault(r.name, []).append(r.address)
        return by_name

    @cached_property
    def by_server_name(self) -> dict[tuple[str, str], list[str]]:
        """Addresses by (server, resource name), made when a reference first needs them."""
        by_server_name: dict[tuple[str, str], list[str]] = {}
        for r in self.spec.resources:
            by_server_name.setdefault((r.server, r.name), []).append(r.address)
        return by_server_name

    def _variables(self, given: Mapping[str, Any]) -> dict[str, JSON]:
        values: dict[str, JSON] = {}
        for name in given:
            if name not in self.spec.variables:
                close = difflib.get_close_matches(name, list(self.spec.variables), n=1)
                raise ConfigError(
                    f"--var {name}: the deployment declares no variable '{name}'",
                    location=Location(file=self.spec.source),
                    hint=f"did you mean '{close[0]}'?"
                    if close
                    else "declared: " + (", ".join(self.spec.variables) or "none"),
                )
        for name, vspec in self.spec.variables.items():
            if name in given:
                values[name] = coerce_variable(name, vspec, given[name], source=self.spec.source)
            elif vspec.required:
                raise ConfigError(
                    f"variable '{name}' has no default and was not given",
                    location=Location(file=self.spec.source, property=f"variables.{name}"),
                    hint=f"pass --var {name}=VALUE",
                )
            else:
                values[name] = coerce_variable(name, vspec, vspec.default, source=self.spec.source)
        return values

    # -- targets -----------------------------------------------------------------------------

    def resolve_target(self, segments: tuple[str, ...], text: str, loc: Location) -> str:
        """Find the address a reference target names; raises UnresolvedReference."""
        if len(segments) == 1:
            matches = self.by_name.get(segments[0], [])
        else:
            server, name, prefix = segments[0], segments[-1], segments[1:-1]
            matches = self.by_server_name.get((server, name), [])
            if prefix:
                matches = [a for a in matches if tuple(a.split(":")[1:-1])[: len(prefix)] == prefix]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UnresolvedReference(
                text,
                "is ambiguous: it matches " + ", ".join(f"'{m}'" for m in sorted(matches)),
                location=loc,
                candidates=tuple(sorted(matches)[:3]),
            )
        target = ":".join(segments)
        pool = list(self.by_name) if len(segments) == 1 else list(self.by_address)
        close = difflib.get_close_matches(target, pool, n=3, cutoff=0.5)
        if not close and len(segments) > 1:
            # the name may be right with a wrong or partial type: offer addresses with that name
            close = sorted(self.by_name.get(segments[-1], []))[:3]
        return self._missing(text, loc, tuple(close))

    def _target_at(self, segments: tuple[str, ...], text: str, where: _Where) -> str:
        """resolve_target, building the error location only when it is needed."""
        if len(segments) > 2:
            candidate = ":".join(segments)
            if candidate in self.by_address:
                return candidate
        else:
            found = (
                self.by_name.get(segments[0])
                if len(segments) == 1
                else self.by_server_name.get((segments[0], segments[1]))
            )
            if found is not None and len(found) == 1:
                return found[0]
        return self.resolve_target(segments, text, _location(where, self.spec.source))

    def _missing(self, text: str, loc: Location, close: tuple[str, ...]) -> str:
        raise UnresolvedReference(
            text, "names no resource in this deployment", location=loc, candidates=close
        )

    # -- values ------------------------------------------------------------------------------

    def bind_value(
        self, value: JSON, owner: str | None, parent: _Where, key: str | int, deps: set[str]
    ) -> JSON:
        """``value``, the item ``key`` of ``parent`` in the properties of the resource ``owner``
        (None: the deployment's outputs), with references bound; the references' addresses go
        into ``deps``."""
        if isinstance(value, str):
            return self._bind_text(value, owner, parent, key, deps) if "${" in value else value
        if isinstance(value, dict):
            return self._bind_object(value, owner, (parent, key), deps)
        if isinstance(value, list):
            return self._bind_list(value, owner, (parent, key), deps)
        return value

    def _bind_object(
        self, value: dict[str, JSON], owner: str | None, where: _Where, deps: set[str]
    ) -> dict[str, JSON]:
        """bind_value for an object at ``where``; its items are dispatched here, as bind_value
        would, without a call for each (most are strings without ``${``)."""
        out: dict[str, JSON] = {}
        for key, item in value.items():
            if isinstance(item, str):
                out[key] = self._bind_text(item, owner, where, key, deps) if "${" in item else item
            elif isinstance(item, dict):
                out[key] = self._bind_object(item, owner, (where, key), deps)
            elif isinstance(item, list):
                out[key] = self._bind_list(item, owner, (where, key), deps)
            else:
                out[key] = item
        return out

    def _bind_list(
        self, value: list[JSON], owner: str | None, where: _Where, deps: set[str]
    ) -> list[JSON]:
        """bind_value for a list at ``where``, dispatching its items as _bind_object does."""
        out: list[JSON] = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                out.append(
                    self._bind_text(item, owner, where, index, deps) if "${" in item else item
                )
            elif isinstance(item, dict):
                out.append(self._bind_object(item, owner, (where, index), deps))
            elif isinstance(item, list):
                out.append(self._bind_list(item, owner, (where, index), deps))
            else:
                out.append(item)
        return out

    def _bind_text(
        self, value: str, owner: str | None, parent: _Where, key: str | int, deps: set[str]
    ) -> JSON:
        """A string with ``${``. One that is a single resource reference, as most are, is bound
        once per deployment (``whole_refs``); each occurrence adds its edge."""
        known = self.whole_refs.get(value)
        if known is None:
            known = self._canonical_full_ref(value)
        if known is None:
            where = (parent, key)
            try:
                parts = parse_template(value)
            except GrammarError as exc:
                raise ConfigError(str(exc), location=_location(where, self.spec.source)) from None
            ref = parts[0]
            if len(parts) != 1 or not isinstance(ref, Ref) or ref.kind != "resource":
                return self._bind_parts(parts, owner, where, deps)
            known = self._whole_resource_ref(value, ref, where)
        address, text = known
        if owner == address:
            raise CycleError([address, address])
        deps.add(address)
        return text

    def _canonical_full_ref(self, value: str) -> tuple[str, str] | None:
        """:meth:`_whole_resource_ref` of ``value`` when it is a reference written canonically
        to a resource by its full address (most are), without parsing it into a Ref: its target
        is the address, and the canonical text ``value`` itself. None for any other string."""
        found = canonical_target(value)
        if found is None:
            return None
        target, path = found
        if target.count(":") < 2 or target not in self.by_address:
            return None  # a shorter form, or no such resource: see _target_at
        self.ref_targets[value] = (target, path)
        known = self.whole_refs[value] = (target, value)
        return known

    def _whole_resource_ref(self, value: str, ref: Ref, where: _Where) -> tuple[str, str]:
        """Bind ``value``, the resource reference ``ref`` alone: the address it names and its
        canonical text, remembered (in ``whole_refs``, and its target and path for the planner
        in ``ref_targets``; whoever resolves the text otherwise parses it when first needed)."""
        address = self._target_at(ref.segments, ref.text, where)
        text = "${" + address + "." + self._path_text(ref.path) + "}"
        self.ref_targets[text] = (address, ref.path)
        known = self.whole_refs[value] = (address, text)
        return known

    def _bind_parts(
        self, parts: list[Part], owner: str | None, where: _Where, deps: set[str]
    ) -> JSON:
        """A string parsed into ``parts``: a variable or secret alone, or text with references
        interpolated."""
        if len(parts) == 1 and isinstance(parts[0], Ref):
            return self._bind_whole(parts[0], owner, where, deps)
        out: list[str] = []
        canonical: list[Part] = []
        cacheable = True
        for part in parts:
            if isinstance(part, str):
                out.append(escape_literal(part))
                canonical.append(part)
                continue
            bound = self._bind_ref(part, owner, where, deps)
            if isinstance(bound, str) and part.kind != "variable":
                # a canonical reference: keep its parse for the planner and executor
                canonical.append(_canonical_ref(part, bound))
            else:
                cacheable = False  # a substituted variable: let the resolver parse the result
            if isinstance(bound, dict | list):
                raise ConfigError(
                    f"'{part.text}' is a {type(bound).__name__} and cannot be interpolated "
                    "into a string",
                    location=_location(where, self.spec.source),
                    hint="use the reference as the whole value, or reference a scalar inside it",
                )
            if isinstance(bound, str):
                out.append(bound)
            else:
                out.append(escape_literal(json.dumps(bound) if bound is not None else ""))
        text = "".join(out)
        if cacheable:
            remember_parts(text, tuple(canonical))
        return text

    def _bind_whole(self, ref: Ref, owner: str | None, where: _Where, deps: set[str]) -> JSON:
        """A string that is one variable or secret: a variable takes its value's type."""
        bound = self._bind_ref(ref, owner, where, deps)
        if ref.kind == "secret":
            remember_parts(ref.text, (ref,))  # the text stays as written
        return bound

    def _resource_ref(
        self, ref: Ref, owner: str | None, where: _Where, deps: set[str]
    ) -> tuple[str, str]:
        """The address a resource reference names (added to ``deps``) and its canonical text."""
        address = self._target_at(ref.segments, ref.text, where)
        self._depend(address, owner, deps)
        return address, "${" + address + "." + self._path_text(ref.path) + "}"

    def _path_text(self, path: Path) -> str:
        """format_path, once per distinct path (a deployment's references share a few)."""
        text = self.path_texts.get(path)
        if text is None:
            text = self.path_texts[path] = format_path(path)
        return text

    def _depend(self, address: str, owner: str | None, deps: set[str]) -> None:
        """An edge from ``owner`` (the resource bound, None for outputs) to ``address``."""
        if owner == address:
            raise CycleError([address, address])
        deps.add(address)

    def _bind_ref(self, ref: Ref, owner: str | None, where: _Where, deps: set[str]) -> JSON:
        if ref.kind == "resource":
            return self._resource_ref(ref, owner, where, deps)[1]
        if ref.kind == "secret":
            key = ref.segments[0]
            if self.check_secrets and secret_value(key, self.environ) is None:
                raise ConfigError(
                    f"secret '{key}' is not set",
                    location=_location(where, self.spec.source),
                    hint=f"export {SECRET_ENV_PREFIX}{key}=... (or {key}) before running",
                )
            self.secrets.add(key)
            return ref.text
        name = ref.segments[0]
        if name not in self.variables:
            close = difflib.get_close_matches(name, list(self.variables) + list(self.by_name), n=3)
            raise UnresolvedReference(
                ref.text,
                "names no variable (variables have no dot; resources need '.output')",
                location=_location(where, self.spec.source),
                candidates=tuple(close),
            )
        value = self.variables[name]
        return _escape_tree(value) if isinstance(value, str | list | dict) else value

    # -- whole deployment --------------------------------------------------------------------

    def bind(self) -> BoundDeployment:
        resources: dict[str, BoundResource] = {}
        deployment = self.spec.name
        for r in self.spec.resources:
            address = r.address
            ref_deps: set[str] = set()
            template = self._bind_object(r.properties, address, (None, address), ref_deps)
            deps = self._explicit_deps(r, ref_deps) if r.depends_on else ref_deps
            resources[address] = new_bound(
                r,
                address,
                make_urn(deployment, address),
                template,
                tuple(sorted(deps)),
                frozenset(ref_deps),
            )
        outputs: dict[str, JSON] = {}
        everywhere: _Where = (None, None)
        for key, value in self.spec.outputs.items():
            outputs[key] = self.bind_value(value, None, everywhere, f"outputs.{key}", set())
        return BoundDeployment(
            name=self.spec.name,
            source=self.spec.source,
            resources=resources,
            outputs=outputs,
            variables=self.variables,
            secrets=frozenset(self.secrets),
            ref_targets=self.ref_targets,
        )

    def _explicit_deps(self, r: ResourceSpec, ref_deps: set[str]) -> set[str]:
        """``ref_deps`` and the addresses ``dependsOn`` names."""
        deps = set(ref_deps)
        for idx, dep in enumerate(r.depends_on):
            dloc = Location(file=self.spec.source, address=r.address, property=f"dependsOn[{idx}]")
            segments = tuple(dep.split(":"))
            target = self.resolve_target(segments, dep, dloc)
            if target == r.address:
                raise CycleError([target, target])
            deps.add(target)
        return deps


def _canonical_ref(ref: Ref, bound: str) -> Ref:
    """The parse of ``bound``, the canonical text the binder wrote for ``ref``: ``ref`` itself
    when it was written canonically already (most are)."""
    if bound == ref.text:
        return ref
    return Ref(ref.kind, _segments(bound, ref), ref.path, bound)


def _segments(canonical: str, ref: Ref) -> tuple[str, ...]:
    """The target segments of a canonical reference text (``${a:b:c.path}`` -> a, b, c)."""
    if ref.kind == "secret":
        return ref.segments
    return tuple(canonical[2:].split(".", 1)[0].split(":"))


def _location(where: _Where, file: str | None) -> Location:
    """The location ``where`` describes: the resource's address (the root's key) and the
    property path below it."""
    keys: list[str | int] = []
    node = where
    parent = node[0]
    while parent is not None:
        key = node[1]
        if key is not None:
            keys.append(key)
        node = parent
        parent = node[0]
    root = node[1]
    prop = ""
    for key in reversed(keys):
        prop += f"[{key}]" if isinstance(key, int) else (f".{key}" if prop else key)
    return Location(
        file=file, address=root if isinstance(root, str) else None, property=prop or None
    )


def bind(
    spec: DeploymentSpec,
    variables: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    check_secrets: bool = True,
) -> BoundDeployment:
    """Bind ``spec``: substitute variables, canonicalise references, collect edges.

    Raises:
        ConfigError: a bad variable, reference or secret (with file, resource and property).
        UnresolvedReference: a reference that names nothing, with "did you mean".
        CycleError: a resource that references itself.
    """
    return Binder(spec, variables, environ=environ, check_secrets=check_secrets).bind()
