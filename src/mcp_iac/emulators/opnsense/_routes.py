"""The route table: which ``/api/<module>/<controller>/<command>`` exist on this firewall.

Built per firmware version and plugin set, so an endpoint a real firewall of that version
does not have is simply absent (404 "Endpoint not found"). Commands are looked up
case-insensitively, as PHP looks up methods.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

from mcp_iac.core import JSON

from . import _crud, _system
from ._call import Call, Reply
from ._firewall import Firewall
from ._schema import Component
from ._system import Handler
from ._versions import SAVEPOINT_UNTIL, at_most

Method = Literal["GET", "POST"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One action: where it lives, what implements it, how many path parameters it needs."""

    module: str
    controller: str
    command: str
    handler: Handler
    method: Method
    required: int = 0
    plugin: str | None = None

    @property
    def path(self) -> str:
        return f"/api/{self.module}/{self.controller}/{self.command}"


class Routes:
    """Endpoints by (module, controller, lower-case command)."""

    def __init__(self) -> None:
        self._table: dict[tuple[str, str, str], Endpoint] = {}

    def add(self, endpoint: Endpoint) -> None:
        key = (endpoint.module, endpoint.controller, endpoint.command.lower())
        self._table.setdefault(key, endpoint)

    def find(self, module: str, controller: str, command: str) -> Endpoint | None:
        return self._table.get((module.lower(), controller, command.lower()))

    def endpoints(self) -> list[Endpoint]:
        return sorted(self._table.values(), key=lambda e: e.path)


def _crud_handler(
    action: Callable[[Firewall, Component, Call], JSON], component: Component
) -> Handler:
    def handle(fw: Firewall, call: Call) -> JSON | Reply:
        return action(fw, component, call)

    return handle


def _component_routes(routes: Routes, component: Component) -> None:
    at = partial(Endpoint, component.module, component.controller, plugin=component.plugin)
    c = component.commands
    routes.add(at(c.get_item, _crud_handler(_crud.get_item, component), "GET"))
    routes.add(at(c.add, _crud_handler(_crud.add_item, component), "POST"))
    routes.add(at(c.set, _crud_handler(_crud.set_item, component), "POST", required=1))
    routes.add(at(c.delete, _crud_handler(_crud.del_items, component), "POST", required=1))
    routes.add(at(c.search, _crud_handler(_crud.search, component), "POST"))
    if c.toggle is not None:
        routes.add(at(c.toggle, _crud_handler(_crud.toggle_items, component), "POST", required=1))
    if c.model_get is not None:
        routes.add(at(c.model_get, _crud_handler(_crud.get_model, component), "GET"))


def _alias_uuid(fw: Firewall, call: Call) -> JSON:
    """``getAliasUUID/<name>``: ``{"uuid": …}`` or ``[]``."""
    for uuid, record in fw.records("firewall/alias").items():
        if record.get("name") == call.param(0):
            return {"uuid": uuid}
    return []


def build_routes(fw: Firewall) -> Routes:
    """Every endpoint of a firewall of ``fw.version`` with ``fw.plugins``."""
    routes = Routes()
    for component in fw.components.values():
        _component_routes(routes, component)
    if "interfaces/vlan_settings" in fw.components:
        routes.add(
            Endpoint("interfaces", "vlan_settings", "reconfigure", _system.applier("vlan"), "POST")
        )
    routes.add(Endpoint("firewall", "alias", "getAliasUUID", _alias_uuid, "GET", required=1))
    routes.add(Endpoint("firewall", "alias", "reconfigure", _system.applier("alias"), "POST"))
    for component in fw.components.values():
        if component.model in ("OPNsense.Firewall.Filter", "OPNsense.Firewall.DNat"):
            _filter_routes(routes, fw, component)
    for module in ("unbound", "kea", "haproxy"):
        plugin = "haproxy" if module == "haproxy" else None
        if plugin is not None and plugin not in fw.plugins:
            continue
        at = partial(Endpoint, module, "service", plugin=plugin)
        routes.add(at("reconfigure", _system.applier(module), "POST"))
        routes.add(at("status", _system.service_status, "GET"))
        for action in ("start", "stop", "restart"):
            routes.add(at(action, _system.service_control, "POST"))
        if module == "haproxy":
            routes.add(at("configtest", _system.haproxy_configtest, "GET"))
    _core_routes(routes)
    return routes


def _filter_routes(routes: Routes, fw: Firewall, component: Component) -> None:
    """``FilterBaseController``: apply, and the savepoint actions up to 26.1."""
    at = partial(Endpoint, component.module, component.controller)
    group = component.apply_group or ""
    routes.add(at("apply", _system.filter_apply(group, component.id), "POST"))
    if at_most(fw.version, SAVEPOINT_UNTIL):
        cid = component.id
        routes.add(at("savepoint", _system.savepoint(cid), "POST"))
        routes.add(at("cancelRollback", _system.cancel_rollback(cid), "POST", required=1))
        routes.add(at("revert", _system.revert_savepoint(cid, group), "POST", required=1))


def _core_routes(routes: Routes) -> None:
    core = partial(Endpoint, "core")
    routes.add(core("firmware", "info", _system.firmware_info, "GET"))
    routes.add(core("firmware", "status", _system.firmware_status, "GET"))
    routes.add(core("backup", "providers", _system.backup_providers, "GET"))
    routes.add(core("backup", "backups", _system.backup_list, "GET", required=1))
    routes.add(core("backup", "diff", _system.backup_diff, "GET", required=3))
    routes.add(core("backup", "download", _system.backup_download, "GET", required=1))
    routes.add(core("backup", "revertBackup", _system.backup_revert, "POST", required=1))
    routes.add(core("backup", "deleteBackup", _system.backup_delete, "POST", required=1))
    routes.add(core("service", "search", _system.core_service_search, "GET"))
    for action in ("start", "stop", "restart"):
        routes.add(core("service", action, _system.core_service_control, "POST", required=1))
