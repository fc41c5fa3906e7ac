"""How a component is declared: one table per MVC array (model path, post key, fields, commands).

The generic CRUD code (``_crud``) reads these tables; nothing else is per component except the
few behaviours a real controller adds on top of ``ApiMutableModelControllerBase`` (a device
name the VLAN controller generates, the trust store's certificate import, alias usage checks).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from mcp_iac.core import JSON

from ._fields import Field, Lookup, Record, Unique
from ._versions import at_least, at_most


@dataclass(frozen=True, slots=True)
class Commands:
    """The controller's action names for one component (PHP ``…Action`` methods)."""

    get_item: str
    add: str
    set: str
    delete: str
    search: str
    toggle: str | None = None
    model_get: str | None = "get"


@dataclass(frozen=True, slots=True)
class Usage:
    """One place that refers to a record (for the "in use" error of a delete)."""

    module: str
    description: str
    reference: str


class UserError(Exception):
    """OPNsense's ``UserException``: HTTP 500 with ``errorMessage`` and ``errorTitle``."""

    def __init__(self, message: str, title: str) -> None:
        super().__init__(message)
        self.message = message
        self.title = title


class Site(Lookup, Protocol):
    """The firewall as behaviours see it: lookups plus a walk over every stored record."""

    def scan(self) -> Iterator[tuple[Component, str, Record]]:
        """Every (component, uuid, record) of the configuration."""
        ...

    def table(self, component: str) -> dict[str, dict[str, str]]:
        """The stored records of ``component``, to change (a controller's hook writing to
        another model, as the user controller does to group members)."""
        ...


class Behaviour:
    """What a controller adds to the generic contract. The defaults add nothing."""

    def overlay(
        self, posted: Mapping[str, str], current: Record | None, look: Lookup
    ) -> dict[str, str]:
        """Values the controller sets itself after the client's (``addBase`` ``$overlay``)."""
        return {}

    def check(self, record: Record, uuid: str, look: Site) -> dict[str, list[str]]:
        """Model-level validations (``BaseModel::performValidation`` overrides)."""
        return {}

    def finish(self, record: dict[str, str], current: Record | None, look: Site) -> None:
        """Adjust a validated record before it is stored (e.g. keep an imported PEM);
        ``current`` is the stored one (None for a new record). ``setBaseHook``."""

    def derived(self, uuid: str, record: Record, look: Site) -> dict[str, str]:
        """Volatile fields computed for display."""
        return {}

    def item_extras(self, record: Record | None, look: Site) -> dict[str, JSON] | None:
        """Keys the controller's get action adds to its answer; None adds nothing. Not None,
        they are answered also for an unknown uuid (``{"<postKey>": extras}`` instead of
        ``[]``), as PHP auto-creates the array the controller writes into."""
        return None

    def refuse_delete(self, uuid: str, record: Record, look: Site) -> UserError | None:
        """An error when the record must not be deleted; None lets the generic checks run."""
        return None


@dataclass(frozen=True, kw_only=True, slots=True)
class Component:
    """One array of records behind a controller, e.g. firewall aliases or HAProxy servers.

    ``id`` is the emulator's name for it (``records("firewall/alias")``); ``model`` and
    ``model_name`` group components that ``get`` renders together (``{"filter": {...}}``);
    ``mount`` the model's root tag (the module named in "in use" messages);
    ``path`` is the dotted model path of the array (``rules.rule``); ``post_key`` the key of
    the request body and of validation messages (``rule``).
    """

    id: str
    module: str
    controller: str
    model: str
    model_name: str
    mount: str
    path: str
    post_key: str
    fields: tuple[tuple[str, Field], ...]
    commands: Commands
    apply_group: str | None
    uniques: tuple[Unique, ...] = ()
    since: str | None = None
    until: str | None = None
    plugin: str | None = None
    toggle_field: str = "enabled"
    safe_delete: bool = False
    default_sort: str | None = None
    search_fields: tuple[str, ...] | None = None
    search_filters: tuple[tuple[str, str], ...] = ()
    behaviour: Behaviour = field(default_factory=Behaviour)

    def field_map(self) -> dict[str, Field]:
        return dict(self.fields)

    def available(self, version: str, plugins: frozenset[str]) -> bool:
        """True when a firewall of ``version`` with ``plugins`` has this component."""
        if self.plugin is not None and self.plugin not in plugins:
            return False
        if self.since is not None and not at_least(version, self.since):
            return False
        return self.until is None or at_most(version, self.until)

    def row_fields(self) -> tuple[str, ...]:
        """Fields of a ``search*`` row: the listed ones, else every stored top-level field."""
        if self.search_fields is not None:
            return self.search_fields
        return tuple(name for name, f in self.fields if "." not in name and not f.volatile)

    def template(self, *, volatile: bool = True) -> dict[str, str]:
        """A new record holding the defaults (what ``getItem`` without uuid shows)."""
        return {name: f.default for name, f in self.fields if volatile or not f.volatile}

    def describe(self, record: Record, uuid: str) -> str:
        """How OPNsense names a record in messages: description, descr or name, else uuid."""
        for key in ("description", "descr", "name"):
            if record.get(key):
                return record[key]
        return uuid
