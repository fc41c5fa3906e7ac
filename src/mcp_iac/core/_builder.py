"""A Python API that builds the same model as a deployment file (like Pulumi).

::

    with Deployment("portal") as d:
        tag = d.variable("vlanTag", "integer", default=150)
        vlan = d.add("opnsense:network:vlan", "app-network", tag=tag, interface="igc2")
        d.add("opnsense:firewall:rule", "allow", destination=vlan.out.uuid)
        d.output("vlanDevice", vlan.out.device)
    spec = d.spec()
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._errors import ConfigError
from ._loader import load_document
from ._model import DeploymentSpec
from ._refs import Path, format_path

_BUILDING: list[Deployment] = []


class OutputRef:
    """A reference to a resource output or property; becomes ``${address.path}``."""

    __slots__ = ("_address", "_path")

    def __init__(self, address: str, path: Path = ()) -> None:
        self._address = address
        self._path = path

    def __getattr__(self, name: str) -> OutputRef:
        if name.startswith("__"):
            raise AttributeError(name)
        return OutputRef(self._address, (*self._path, name))

    def __getitem__(self, index: int | str) -> OutputRef:
        return OutputRef(self._address, (*self._path, index))

    def __str__(self) -> str:
        if not self._path:
            raise ConfigError(f"reference to '{self._address}' needs an output, e.g. .out.id")
        return "${" + self._address + "." + format_path(self._path) + "}"

    __format__ = lambda self, spec: str(self)  # noqa: E731  # f-strings interpolate the reference

    def __repr__(self) -> str:
        return f"OutputRef({self})"


class VariableRef:
    """A reference to a deployment variable; becomes ``${name}``."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return "${" + self.name + "}"

    def __format__(self, spec: str) -> str:
        return str(self)


class Resource:
    """A resource added to a :class:`Deployment`; ``.out.<path>`` references its outputs."""

    def __init__(self, type_: str, name: str, server: str | None) -> None:
        self.type = type_
        self.name = name
        self.server = server or type_.split(":", 1)[0]
        self.address = ":".join((self.server, *type_.split(":")[1:], name))
        self.out = OutputRef(self.address)

    def __repr__(self) -> str:
        return f"Resource({self.address})"


class Deployment:
    """Builds a :class:`DeploymentSpec` in Python; validation is the same as for files."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._resources: list[dict[str, Any]] = []
        self._variables: dict[str, dict[str, Any]] = {}
        self._outputs: dict[str, Any] = {}
        self._handles: list[Resource] = []

    def __enter__(self) -> Deployment:
        _BUILDING.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _BUILDING.remove(self)

    def variable(
        self, name: str, type_: str = "string", *, default: Any = ..., description: str = ""
    ) -> VariableRef:
        """Declare a typed variable; returns a reference usable in properties."""
        spec: dict[str, Any] = {"type": type_, "description": description}
        if default is not ...:
            spec["default"] = default
        self._variables[name] = spec
        return VariableRef(name)

    def add(
        self,
        type_: str,
        name: str,
        *,
        server: str | None = None,
        depends_on: list[Resource | str] | None = None,
        options: dict[str, Any] | None = None,
        properties: dict[str, Any] | None = None,
        **props: Any,
    ) -> Resource:
        """Add a resource; keyword arguments become its properties."""
        handle = Resource(type_, name, server)
        entry: dict[str, Any] = {
            "type": type_,
            "name": name,
            "properties": {**(properties or {}), **props},
        }
        if server:
            entry["server"] = server
        if depends_on:
            entry["dependsOn"] = [d.address if isinstance(d, Resource) else d for d in depends_on]
        if options:
            entry["options"] = options
        self._resources.append(entry)
        self._handles.append(handle)
        return handle

    def output(self, name: str, value: Any) -> None:
        """Declare a deployment output."""
        self._outputs[name] = value

    def resources(self) -> Iterator[Resource]:
        return iter(self._handles)

    def document(self) -> dict[str, Any]:
        """The canonical document this deployment corresponds to."""
        return {
            "apiVersion": "iac.mcp/v1",
            "kind": "Deployment",
            "metadata": {"name": self.name},
            "spec": {
                "variables": self._variables,
                "resources": _render(self._resources),
                "outputs": _render(self._outputs),
            },
        }

    def spec(self, *, source: str | None = None) -> DeploymentSpec:
        """Validate and return the model; raises ConfigError like the file loader."""
        return load_document(self.document(), source=source or f"<python:{self.name}>")


def _render(value: Any) -> Any:
    if isinstance(value, OutputRef | VariableRef):
        return str(value)
    if isinstance(value, Resource):
        raise ConfigError(
            f"resource '{value.address}' used as a value; reference an output such as "
            f"{value.address}.out.id"
        )
    if isinstance(value, dict):
        return {str(k): _render(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_render(v) for v in value]
    return value


def current() -> Deployment | None:
    """The innermost deployment being built with ``with Deployment(...)``."""
    return _BUILDING[-1] if _BUILDING else None
