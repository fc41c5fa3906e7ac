"""Load deployment documents (YAML or JSON) in all three accepted forms into the model.

1. canonical: ``apiVersion: iac.mcp/v1``, ``kind: Deployment``, ``metadata.name``, ``spec``;
2. seed form: ``{name, resources: [{server, type: "network:vlan", ...}]}`` (type without provider);
3. seed form: ``{name, serverResources: {opnsense: [...], aws: [...]}}``.

Every error names the file, the resource address (or index) and the property.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from ._address import NAME_RE, split_type, valid_name
from ._errors import ConfigError, Location
from ._model import DeploymentSpec, ResourceOptions, ResourceSpec, VariableSpec
from ._values import JSON

API_VERSION = "iac.mcp/v1"
_RESOURCE_KEYS = ("type", "name", "server", "properties", "dependsOn", "options")
_RESOURCE_KEY_SET = frozenset(_RESOURCE_KEYS)
_SEED_ALIASES = {"dependencies": "dependsOn", "depends_on": "dependsOn"}
_DEFAULT_OPTIONS = ResourceOptions()
_VARIABLE_KEYS = {"type", "default", "description", "sensitive"}
_PLAIN_DEPTH = 200
"""Properties nested deeper are validated by pydantic, which refuses more than 255 levels."""
_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})
_STR = frozenset({str})
_valid_name = NAME_RE.match
"""valid_name, without its call (a truthy match or None)."""
_OPTION_KEYS = ("protect", "ignoreChanges", "deleteBeforeReplace", "timeoutSeconds", "retries")


_Entry = tuple[str, int]
"""Where a resource is declared: its list's property and its index there, ``("spec.resources",
3)``; spelled ``spec.resources[3]`` (by :func:`_place`) only when an error names it."""


def _place(where: _Entry) -> str:
    return f"{where[0]}[{where[1]}]"


def _label(where: _Entry, name: object) -> str:
    """How an error names a resource: its place in the document, and its name when it has one."""
    return f"{_place(where)} ({name})" if isinstance(name, str) else _place(where)


def _suggest(word: str, choices: tuple[str, ...] | list[str]) -> str | None:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else None


def read_document(path: str | Path) -> Any:
    """Parse a YAML or JSON file; raises ConfigError with the line of a syntax error."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"deployment file '{p}' does not exist",
            hint="pass the file with -f/--file, or create deployment.yaml",
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read '{p}': {exc.strerror}") from None
    if p.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                location=Location(file=str(p)),
            ) from None
    import yaml  # noqa: PLC0415  # only when a YAML document is read: JSON ones never load it

    try:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"invalid YAML{where}: {problem}", location=Location(file=str(p))
        ) from None


def load_file(path: str | Path) -> DeploymentSpec:
    """Load a deployment from a YAML or JSON file (any of the three forms)."""
    return load_document(
        read_document(path), source=str(path), json_types=Path(path).suffix == ".json"
    )


def load_document(
    doc: Any, *, source: str | None = None, json_types: bool = False
) -> DeploymentSpec:
    """Build a :class:`DeploymentSpec` from a parsed document; raises ConfigError.

    ``json_types`` says the document came from JSON, so its values need no conversion and are
    used as they are, not copied (otherwise they are copied, and YAML dates, Python tuples and
    the like are turned into JSON).
    """
    return _Loader(source, json_types=json_types).load(doc)


class _Loader:
    def __init__(self, source: str | None, *, json_types: bool = False) -> None:
        self.source = source
        self.json_types = json_types
        self._types: dict[str, tuple[str, str]] = {}

    def error(
        self,
        message: str,
        *,
        address: str | None = None,
        prop: str | None = None,
        hint: str | None = None,
    ) -> ConfigError:
        return ConfigError(
            message, location=Location(file=self.source, address=address, property=prop), hint=hint
        )

    def load(self, doc: Any) -> DeploymentSpec:
        if not isinstance(doc, dict):
            raise self.error(
                "a deployment must be a mapping with 'apiVersion', 'kind', 'metadata' and 'spec'",
                hint="see docs/deployments.md for the format",
            )
        if "apiVersion" in doc or "kind" in doc or "spec" in doc:
            return self._canonical(doc)
        return self._seed(doc)

    def _canonical(self, doc: dict[str, Any]) -> DeploymentSpec:
        self._check_keys(doc, ("apiVersion", "kind", "metadata", "spec"), "")
        if doc.get("apiVersion") != API_VERSION:
            raise self.error(
                f"apiVersion must be '{API_VERSION}', got {doc.get('apiVersion')!r}",
                prop="apiVersion",
            )
        if doc.get("kind") != "Deployment":
            raise self.error(f"kind must be 'Deployment', got {doc.get('kind')!r}", prop="kind")
        meta = doc.get("metadata")
        if not isinstance(meta, dict) or not meta.get("name"):
            raise self.error("metadata.name is required", prop="metadata.name")
        spec = doc.get("spec") or {}
        if not isinstance(spec, dict):
            raise self.error("spec must be a mapping", prop="spec")
        self._check_keys(spec, ("variables", "resources", "outputs"), "spec")
        raw = spec.get("resources")
        raw = [] if raw is None else raw
        if not isinstance(raw, list):
            raise self.error("spec.resources must be a list", prop="spec.resources")
        resources = [self._resource(r, ("spec.resources", i), None) for i, r in enumerate(raw)]
        return self._finish(
            str(meta["name"]), spec.get("variables"), resources, spec.get("outputs"), "spec"
        )

    def _seed(self, doc: dict[str, Any]) -> DeploymentSpec:
        self._check_keys(doc, ("name", "variables", "resources", "serverResources", "outputs"), "")
        name = doc.get("name")
        if not name:
            raise self.error(
                "a deployment needs a name",
                prop="name",
                hint="add 'name: my-deployment' (or use the canonical form with metadata.name)",
            )
        resources: list[ResourceSpec] = []
        raw = doc.get("resources")
        if raw is not None:
            if not isinstance(raw, list):
                raise self.error("resources must be a list", prop="resources")
            resources.extend(
                self._resource(r, ("resources", i), None, seed=True) for i, r in enumerate(raw)
            )
        by_server = doc.get("serverResources")
        if by_server is not None:
            if not isinstance(by_server, dict):
                raise self.error(
                    "serverResources must map server names to lists", prop="serverResources"
                )
            for server, items in by_server.items():
                where = f"serverResources.{server}"
                if not isinstance(items, list):
                    raise self.error("must be a list of resources", prop=where)
                resources.extend(
                    self._resource(r, (where, i), str(server), seed=True)
                    for i, r in enumerate(items)
                )
        return self._finish(str(name), doc.get("variables"), resources, doc.get("outputs"), "")

    def _check_keys(self, obj: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key in obj:
            if key not in allowed:
                prop = f"{where}.{key}" if where else str(key)
                raise self.error(
                    f"unknown field '{key}'",
                    prop=prop,
                    hint=_suggest(str(key), allowed) or "allowed: " + ", ".join(allowed),
                )

    def _resource(
        self, raw: Any, where: _Entry, group_server: str | None, *, seed: bool = False
    ) -> ResourceSpec:
        if not isinstance(raw, dict):
            raise self.error(
                "a resource must be a mapping with type, name and properties",
                prop=_place(where),
            )
        if "dependencies" in raw or "depends_on" in raw:
            raw = {_SEED_ALIASES.get(k, k): v for k, v in raw.items()}
        rtype = raw.get("type")
        name = raw.get("name")
        if not _RESOURCE_KEY_SET.issuperset(raw):
            self._unknown_field(raw, where, name)
        if not isinstance(rtype, str) or not rtype:
            raise self.error(
                "'type' is required, e.g. 'local:file'", prop=f"{_label(where, name)}.type"
            )
        if not isinstance(name, str) or not _valid_name(name):
            raise self.error(
                f"name {name!r} is invalid: use letters, digits, '-' and '_' (no dots or colons)",
                prop=f"{_place(where)}.name",
            )
        server = raw.get("server", group_server)
        if server is not None and (not isinstance(server, str) or not _valid_name(server)):
            raise self.error(
                f"server {server!r} is not a valid server name",
                prop=f"{_label(where, name)}.server",
            )
        full_type = rtype
        if seed and server is not None and not rtype.startswith(f"{server}:"):
            # seed forms: the type is relative to its server (opnsense + network:vlan)
            full_type = f"{server}:{rtype}"
        provider, path = self._types.get(full_type) or self._split_type(full_type, where, name)
        server = server or provider
        address = f"{server}:{path}:{name}"
        props = raw.get("properties")
        if props is None:
            props = {}
        elif not isinstance(props, dict):
            raise self.error("properties must be a mapping", address=address, prop="properties")
        depends_on = self._depends_on(raw["dependsOn"], address) if "dependsOn" in raw else ()
        given_options = raw.get("options")
        options = (
            _DEFAULT_OPTIONS if given_options is None else self._options(given_options, address)
        )
        properties = self._plain_json(props)
        if properties is None:
            return self._validated(
                type_=full_type,
                name=name,
                server=server,
                props=props,
                depends_on=depends_on,
                options=options,
                address=address,
            )
        # every field is checked, and the properties are plain JSON: validating them again
        # would only repeat the work
        return ResourceSpec.checked(
            type=full_type,
            name=name,
            server=server,
            properties=properties,
            depends_on=depends_on,
            options=options,
            address=address,
        )

    def _unknown_field(self, raw: dict[Any, Any], where: _Entry, name: object) -> NoReturn:
        key = next(k for k in raw if k not in _RESOURCE_KEY_SET)
        raise self.error(
            f"unknown field '{key}'",
            prop=f"{_label(where, name)}.{key}",
            hint=_suggest(str(key), _RESOURCE_KEYS) or "allowed: " + ", ".join(_RESOURCE_KEYS),
        )

    def _depends_on(self, deps: Any, address: str) -> tuple[str, ...]:
        if isinstance(deps, str):
            return (deps,)
        if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
            raise self.error(
                "dependsOn must be a list of addresses or names", address=address, prop="dependsOn"
            )
        return tuple(deps)

    def _validated(
        self,
        *,
        type_: str,
        name: str,
        server: str,
        props: dict[Any, Any],
        depends_on: tuple[str, ...],
        options: ResourceOptions,
        address: str,
    ) -> ResourceSpec:
        """The general path, for properties that are not plain JSON: converted (unless the
        document is JSON) and validated by the model."""
        try:
            return ResourceSpec(
                type=type_,
                name=name,
                server=server,
                properties=props if self.json_types else _plain(props),
                depends_on=depends_on,
                options=options,
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"][1:])
            raise self.error(
                f"not a JSON value: {first['msg']}", address=address, prop=field or "properties"
            ) from None

    def _plain_json(self, props: dict[Any, Any]) -> dict[str, JSON] | None:
        """The properties to keep when they are plain JSON nested at most _PLAIN_DEPTH deep,
        as nearly all are: they need neither conversion nor validation. ``None`` otherwise (YAML
        dates and the like, or deep nesting, which pydantic limits): the general path then
        converts and validates them.

        A JSON document is used as it is; any other is copied (as conversion did).
        """
        if self.json_types:
            return props if _is_plain(props, _PLAIN_DEPTH) else None
        try:
            return _plain_copy(props, _PLAIN_DEPTH)  # type: ignore[return-value]  # a dict
        except _NotPlain:
            return None

    def _split_type(self, full_type: str, where: _Entry, name: str) -> tuple[str, str]:
        """The provider and the rest of the type, ``:``-joined as in an address (split_type,
        checked), remembered in ``_types``: once per distinct type of the document (most
        resources share a few)."""
        try:
            provider, path = split_type(full_type)
        except ValueError as exc:
            raise self.error(str(exc), prop=f"{_label(where, name)}.type") from None
        split = self._types[full_type] = (provider, ":".join(path))
        return split

    def _options(self, raw: Any, address: str) -> ResourceOptions:
        if not isinstance(raw, dict):
            raise self.error("options must be a mapping", address=address, prop="options")
        for key in raw:
            if key not in _OPTION_KEYS:
                raise self.error(
                    f"unknown option '{key}'",
                    address=address,
                    prop=f"options.{key}",
                    hint=_suggest(str(key), _OPTION_KEYS) or "allowed: " + ", ".join(_OPTION_KEYS),
                )
        try:
            return ResourceOptions.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise self.error(first["msg"], address=address, prop=f"options.{field}") from None

    def _finish(
        self, name: str, variables: Any, resources: list[ResourceSpec], outputs: Any, where: str
    ) -> DeploymentSpec:
        pre = f"{where}." if where else ""
        if not valid_name(name):
            raise self.error(
                f"deployment name {name!r} is invalid: use letters, digits, '-' and '_'",
                prop="metadata.name" if where else "name",
            )
        vars_out: dict[str, VariableSpec] = {}
        if variables is not None:
            if not isinstance(variables, dict):
                raise self.error("variables must be a mapping", prop=f"{pre}variables")
            for vname, given in variables.items():
                prop = f"{pre}variables.{vname}"
                declared = given
                if not isinstance(given, dict) or not set(given) & _VARIABLE_KEYS:
                    # shorthand: `name: value` declares a variable of the value's type
                    declared = {"default": given, "type": _infer_type(given)}
                if isinstance(declared, dict) and "sensitive" in declared:
                    raise self.error(
                        "variables cannot be sensitive",
                        prop=f"{prop}.sensitive",
                        hint="put secret values in the environment and reference them as "
                        "${secret:NAME} (never printed, encrypted in state)",
                    )
                try:
                    vars_out[str(vname)] = VariableSpec.model_validate(declared)
                except ValidationError as exc:
                    first = exc.errors()[0]
                    field = ".".join(str(p) for p in first["loc"])
                    raise self.error(first["msg"], prop=f"{prop}.{field}") from None
        if outputs is not None and not isinstance(outputs, dict):
            raise self.error("outputs must be a mapping of name to value", prop=f"{pre}outputs")
        if len({r.address for r in resources}) < len(resources):
            self._duplicate(resources)
        return DeploymentSpec(
            name=name,
            variables=vars_out,
            resources=tuple(resources),
            outputs=(outputs or {}) if self.json_types else _plain(outputs or {}),
            source=self.source,
        )

    def _duplicate(self, resources: list[ResourceSpec]) -> NoReturn:
        """Raise the error for the first address declared twice (there is one)."""
        seen: dict[str, int] = {}
        for idx, r in enumerate(resources):
            if r.address in seen:
                raise self.error(
                    f"duplicate resource: '{r.address}' is declared twice "
                    f"(entries {seen[r.address]} and {idx})",
                    address=r.address,
                    hint="names must be unique per server and type",
                )
            seen[r.address] = idx
        raise AssertionError("no address is declared twice")


def _infer_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "string"


def _plain(value: Any) -> dict[str, JSON]:
    """YAML may produce dates and other non-JSON scalars; make everything JSON."""
    return json.loads(json.dumps(value, default=str))  # type: ignore[no-any-return]  # a dict in, a dict out


class _NotPlain(Exception):
    """A value that is not plain JSON, or nests deeper than asked."""


def _is_plain(value: Any, depth: int) -> bool:
    """Whether ``value`` is plain JSON nesting at most ``depth`` deep (what _plain_copy copies)."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return True
    if depth == 0:
        return False
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (
                type(item) not in _JSON_SCALARS and not _is_plain(item, depth - 1)
            ):
                return False
        return True
    if kind is list:
        for item in value:
            if type(item) not in _JSON_SCALARS and not _is_plain(item, depth - 1):
                return False
        return True
    return False


def _plain_copy(value: Any, depth: int) -> JSON:
    """A copy of ``value`` if it is plain JSON (exactly dict, list, str, int, float, bool and
    None) whose lists and objects nest at most ``depth`` deep; raises _NotPlain otherwise."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value  # type: ignore[no-any-return]  # one of the JSON scalars
    if depth == 0:
        raise _NotPlain
    if kind is list:
        return [v if type(v) in _JSON_SCALARS else _plain_copy(v, depth - 1) for v in value]
    if kind is dict and _STR.issuperset(map(type, value)):
        return {
            k: v if type(v) in _JSON_SCALARS else _plain_copy(v, depth - 1)
            for k, v in value.items()
        }
    raise _NotPlain
