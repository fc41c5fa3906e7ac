"""What a pattern is: a name, a description, a parameter model and a generator of deployments.

Parameters are a pydantic model: its JSON Schema is what ``pattern show`` prints and what an MCP
client sees, its defaults fill what the user leaves out, and its validation errors are turned
into messages that name the pattern and the parameter.
"""

from __future__ import annotations

import difflib
import inspect
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError

from mcp_iac.core import (
    ConfigError,
    Deployment,
    DeploymentSpec,
    Location,
    VariableSpec,
    load_document,
)


class Params(BaseModel):
    """Base of a pattern's parameter model: frozen, unknown parameters are errors, camelCase
    names (``Field(alias="appName")``) accepted as well as the Python names."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


Generated = Deployment | DeploymentSpec | dict[str, Any]
"""What a generator may return: a Python :class:`Deployment`, a spec, or a document."""


class Pattern(ABC):
    """A named, parameterised generator of deployments."""

    name: str
    description: str
    params: type[BaseModel]
    source: str | None = None
    """Where a user pattern was loaded from; None for a built-in."""

    @abstractmethod
    def generate(self, params: Any) -> Generated:
        """The deployment for validated ``params``."""

    def schema(self) -> dict[str, Any]:
        """The parameters' JSON Schema (names as users write them)."""
        return self.params.model_json_schema(by_alias=True)

    def parameter_names(self) -> list[str]:
        return [f.alias or n for n, f in self.params.model_fields.items()]

    def parse_params(self, raw: Mapping[str, Any]) -> BaseModel:
        """Validate raw parameters; raises ConfigError naming the pattern and parameter."""
        try:
            return self.params.model_validate(dict(raw))
        except ValidationError as exc:
            raise self._params_error(exc) from None

    def _params_error(self, exc: ValidationError) -> ConfigError:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        names = self.parameter_names()
        where = Location(file=self.source, property=f"parameter '{loc}'" if loc else None)
        prefix = f"pattern '{self.name}'"
        if first["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(first["loc"][0]), names, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "parameters: " + ", ".join(names)
            return ConfigError(f"{prefix}: unknown parameter '{loc}'", hint=hint)
        if first["type"] == "missing":
            return ConfigError(
                f"{prefix}: parameter '{loc}' is required", hint=f"pass --param {loc}=VALUE"
            )
        given = first.get("input")
        shown = "" if isinstance(given, dict) else f" (got {json.dumps(given, default=str)})"
        message = first["msg"].removeprefix("Value error, ")
        return ConfigError(
            f"{prefix}, parameter '{loc}': {message}{shown}",
            location=Location(file=where.file),
            hint=f"see mcp-iac pattern show {self.name}",
        )

    def render(self, raw: Mapping[str, Any], *, name: str | None = None) -> DeploymentSpec:
        """Validate ``raw`` and generate the deployment (renamed to ``name`` if given).

        Raises:
            ConfigError: invalid parameters, or the generated deployment is invalid.
        """
        params = self.parse_params(raw)
        made = self.generate(params)
        source = self.source or f"<pattern {self.name}>"
        if isinstance(made, Deployment):
            doc = made.document()
        elif isinstance(made, DeploymentSpec):
            doc = to_document(made)
        else:
            doc = made
        if name is not None:
            doc = rename(doc, name)
        return load_document(doc, source=source)

    def __repr__(self) -> str:
        return f"<pattern {self.name}>"


def rename(doc: dict[str, Any], name: str) -> dict[str, Any]:
    if "metadata" in doc or "spec" in doc:
        return {**doc, "metadata": {**(doc.get("metadata") or {}), "name": name}}
    return {**doc, "name": name}


def to_document(spec: DeploymentSpec) -> dict[str, Any]:
    """The canonical document of a spec (what ``pattern render`` prints)."""
    resources = []
    for r in spec.resources:
        entry: dict[str, Any] = {"type": r.type, "name": r.name}
        if r.server != r.provider:
            entry["server"] = r.server
        entry["properties"] = r.properties
        if r.depends_on:
            entry["dependsOn"] = list(r.depends_on)
        options = r.options.model_dump(by_alias=True, exclude_defaults=True)
        if options:
            entry["options"] = options
        resources.append(entry)
    body: dict[str, Any] = {}
    if spec.variables:
        body["variables"] = {k: _variable(v) for k, v in spec.variables.items()}
    body["resources"] = resources
    if spec.outputs:
        body["outputs"] = spec.outputs
    return {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": spec.name},
        "spec": body,
    }


def _variable(v: VariableSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"type": v.type}
    if v.description:
        out["description"] = v.description
    if not v.required:
        out["default"] = v.default
    return out


class _FunctionPattern(Pattern):
    def __init__(
        self, name: str, description: str, params: type[BaseModel], fn: Callable[[Any], Generated]
    ) -> None:
        self.name = name
        self.description = description
        self.params = params
        self._fn = fn

    def generate(self, params: Any) -> Generated:
        return self._fn(params)


def pattern(
    name: str, description: str | None = None
) -> Callable[[Callable[[Any], Generated]], Pattern]:
    """Make a pattern from a function whose one argument is annotated with its parameter
    model (a :class:`Params` subclass)::

        class SiteParams(Params):
            site: str
            replicas: int = Field(2, ge=1, le=10)

        @pattern("static-site", "A static site behind nginx")
        def static_site(p: SiteParams) -> Deployment: ...

    Raises:
        TypeError: the function does not take exactly one annotated parameter model.
    """

    def wrap(fn: Callable[[Any], Generated]) -> Pattern:
        args = list(inspect.signature(fn).parameters)
        hints = get_type_hints(fn)
        model = hints.get(args[0]) if len(args) == 1 else None
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(
                f"pattern '{name}': the generator takes one argument annotated with its "
                "parameter model (a mcp_iac.patterns.Params subclass)"
            )
        return _FunctionPattern(name, description or inspect.getdoc(fn) or "", model, fn)

    return wrap
