"""Who refers to a record: the checks behind "Item in use by" and "Alias in use" errors."""

from __future__ import annotations

from ._fields import Lines, NetworkAlias, Port
from ._schema import Site, Usage, UserError


def token_usages(site: Site, token: str, *, skip: str | None = None) -> list[Usage]:
    """Records with a stored value containing ``token`` (``checkAndThrowValueInUse``).

    OPNsense searches config.xml for text containing the uuid; the emulator does the same over
    every stored field, skipping the record ``skip`` itself.
    """
    found = []
    for component, uuid, record in site.scan():
        if uuid == skip:
            continue
        if any(token in value for value in record.values()):
            found.append(
                Usage(
                    module=component.mount,
                    description=component.describe(record, ""),
                    reference=f"{component.mount}.{component.path}.{uuid}",
                )
            )
    return found


def in_use_error(path: str, name: str, usages: list[Usage]) -> UserError:
    """The UserException ``delBase`` raises for a referenced record."""
    message = "".join(f"{u.module} - {u.description} {{{u.reference}}}\n" for u in usages)
    return UserError(message, f"Item {path} {{{name}}} in use by:")


def alias_usages(site: Site, name: str, *, skip: str | None = None) -> list[Usage]:
    """Rules and aliases naming alias ``name`` in an address, port or content field."""
    found = []
    for component, uuid, record in site.scan():
        if uuid == skip:
            continue
        for field_name, field in component.fields:
            value = record.get(field_name, "")
            if isinstance(field, Lines):
                items = value.split("\n")
            elif isinstance(field, NetworkAlias | Port):
                items = value.split(",")
            else:
                continue
            if name in items:
                found.append(Usage(component.mount, component.describe(record, uuid), component.id))
                break
    return found


def alias_in_use_error(usages: list[Usage]) -> UserError:
    """The UserException ``AliasController::delItemAction`` raises."""
    where = "".join(f"\n[{u.module}] {u.description}" for u in usages)
    return UserError(f"Cannot delete alias. Currently in use by {where}", "Alias in use")
