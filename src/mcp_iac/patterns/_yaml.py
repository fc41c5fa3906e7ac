"""Patterns written in YAML (``kind: Pattern``): a parameter schema and a templated deployment.

::

    apiVersion: iac.mcp/v1
    kind: Pattern
    metadata: {name: static-site, description: A static site in a container}
    spec:
      parameters:
        site: {type: string, pattern: "^[a-z][a-z0-9-]*$", description: Site name}
        port: {type: integer, default: 8080, minimum: 1024, maximum: 65535}
        monitoring: {type: boolean, default: false}
      deployment:
        metadata: {name: "{{ site }}"}
        spec:
          resources:
            - type: docker:container
              name: "{{ site }}-web"
              properties: {image: "nginx:1", ports: [{containerPort: 80, hostPort: "{{ port }}"}]}
            - type: docker:container
              name: "{{ site }}-exporter"
              when: "{{ monitoring }}"
              properties: {image: "nginx/nginx-prometheus-exporter:1"}

``{{ expr }}`` is a JMESPath expression over the parameters, evaluated when the pattern is
rendered: a string that is exactly one ``{{ }}`` takes the value's type, one inside a longer
string is interpolated (scalars only). ``${...}`` references are left for planning. A resource
with ``when`` is kept only when it renders truthy.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import jmespath
from jmespath import exceptions as jmes_errors
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from mcp_iac.core import ConfigError, Location

from ._pattern import Params, Pattern

API_VERSION = "iac.mcp/v1"
_EXPR = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "array": list[Any],
    "list": list[Any],
    "object": dict[str, Any],
    "any": Any,
}


class ParameterSpec(BaseModel):
    """One parameter of a YAML pattern (a small JSON-Schema subset)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    type: Literal["string", "integer", "number", "boolean", "array", "list", "object", "any"] = (
        "string"
    )
    description: str = ""
    default: Any = None
    enum: list[Any] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    min_length: int | None = Field(default=None, alias="minLength")
    max_length: int | None = Field(default=None, alias="maxLength")


class PatternSpec(BaseModel):
    """The ``spec`` of a ``kind: Pattern`` document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    deployment: dict[str, Any]


def _model(name: str, params: dict[str, ParameterSpec], given: dict[str, Any]) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for pname, p in params.items():
        annotation = _TYPES[p.type]
        if p.enum is not None:
            annotation = Literal[tuple(p.enum)]
        constraints: dict[str, Any] = {"description": p.description or None}
        if p.minimum is not None:
            constraints["ge"] = p.minimum
        if p.maximum is not None:
            constraints["le"] = p.maximum
        if p.pattern is not None:
            constraints["pattern"] = p.pattern
        if p.min_length is not None:
            constraints["min_length"] = p.min_length
        if p.max_length is not None:
            constraints["max_length"] = p.max_length
        required = "default" not in given.get(pname, {})
        default = ... if required else p.default
        fields[pname] = (
            annotation | None if default is None and not required else annotation,
            Field(default, **constraints),
        )
    model: type[BaseModel] = create_model(
        f"Params_{re.sub(r'[^A-Za-z0-9_]', '_', name)}", __base__=Params, **fields
    )
    return model


class YamlPattern(Pattern):
    """A ``kind: Pattern`` document."""

    def __init__(
        self,
        name: str,
        description: str,
        spec: PatternSpec,
        model: type[BaseModel],
        source: str | None,
    ) -> None:
        self.name = name
        self.description = description
        self.params = model
        self.source = source
        self._template = spec.deployment

    def generate(self, params: Any) -> dict[str, Any]:
        values = params.model_dump(by_alias=True, mode="json")
        rendered = _render(self._template, values, "deployment")
        if not isinstance(rendered, dict):
            raise ConfigError("the deployment template must render to a mapping")
        return _apply_when(rendered)


def _render(value: Any, params: dict[str, Any], where: str) -> Any:
    if isinstance(value, str):
        return _render_text(value, params, where)
    if isinstance(value, list):
        return [_render(v, params, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _render(v, params, f"{where}.{k}") for k, v in value.items()}
    return value


def _search(expr: str, params: dict[str, Any], where: str) -> Any:
    try:
        return jmespath.search(expr, params)
    except jmes_errors.JMESPathError as exc:
        raise ConfigError(f"template {where}: '{{{{ {expr} }}}}': {exc}") from None


def _render_text(text: str, params: dict[str, Any], where: str) -> Any:
    found = list(_EXPR.finditer(text))
    if len(found) == 1 and found[0].span() == (0, len(text)):
        return _search(found[0].group(1), params, where)

    def one(match: re.Match[str]) -> str:
        value = _search(match.group(1), params, where)
        if isinstance(value, dict | list):
            raise ConfigError(
                f"template {where}: '{match.group(0)}' is a {type(value).__name__} and cannot be "
                "interpolated into a string",
                hint="use it as the whole value",
            )
        if value is None:
            return ""
        return value if isinstance(value, str) else json.dumps(value)

    return _EXPR.sub(one, text)


def _truthy(value: Any) -> bool:
    return value not in (None, False, "", [], {}, 0) and value != "false"


def _apply_when(doc: dict[str, Any]) -> dict[str, Any]:
    def keep(resources: Any) -> Any:
        if not isinstance(resources, list):
            return resources
        out = []
        for item in resources:
            if isinstance(item, dict) and "when" in item:
                if not _truthy(item["when"]):
                    continue
                out.append({k: v for k, v in item.items() if k != "when"})
            else:
                out.append(item)
        return out

    doc = dict(doc)
    if isinstance(doc.get("spec"), dict):
        doc["spec"] = {**doc["spec"], "resources": keep(doc["spec"].get("resources"))}
    if "resources" in doc:
        doc["resources"] = keep(doc["resources"])
    if isinstance(doc.get("serverResources"), dict):
        doc["serverResources"] = {k: keep(v) for k, v in doc["serverResources"].items()}
    if "apiVersion" not in doc and ("metadata" in doc or "spec" in doc):
        doc = {"apiVersion": API_VERSION, "kind": "Deployment", **doc}
    return doc


def is_pattern_document(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("kind") == "Pattern"


def parse_pattern(doc: Any, *, source: str | None = None) -> YamlPattern:
    """Compile one ``kind: Pattern`` document; raises ConfigError naming file and field."""

    def error(message: str, prop: str | None = None, hint: str | None = None) -> ConfigError:
        return ConfigError(message, location=Location(file=source, property=prop), hint=hint)

    if not isinstance(doc, dict):
        raise error("a pattern must be a mapping with apiVersion, kind, metadata and spec")
    if doc.get("apiVersion") != API_VERSION:
        raise error(
            f"apiVersion must be '{API_VERSION}', got {doc.get('apiVersion')!r}", "apiVersion"
        )
    meta = doc.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise error("metadata.name is required: letters, digits, '-' and '_'", "metadata.name")
    raw_spec = doc.get("spec") or {}
    try:
        spec = PatternSpec.model_validate(raw_spec)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise error(f"pattern '{name}': {first['msg']}", f"spec.{field}") from None
    given = raw_spec.get("parameters") or {}
    try:
        model = _model(name, spec.parameters, given)
    except (TypeError, ValueError) as exc:
        raise error(f"pattern '{name}': {exc}", "spec.parameters") from None
    description = str(meta.get("description", "")) if isinstance(meta, dict) else ""
    return YamlPattern(name, description, spec, model, source)
