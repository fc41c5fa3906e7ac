"""How records look on the wire: ``get``/``getItem`` nodes and flat ``search*`` rows."""

from __future__ import annotations

from mcp_iac.core import JSON

from ._fields import Lines, Record
from ._schema import Component, Site


def _put(tree: dict[str, JSON], path: list[str], value: JSON) -> None:
    for step in path[:-1]:
        child = tree.setdefault(step, {})
        assert isinstance(child, dict)
        tree = child
    tree[path[-1]] = value


def _value(name: str, record: Record, derived: dict[str, str]) -> str:
    return derived[name] if name in derived else record.get(name, "")


def render_node(component: Component, uuid: str | None, record: Record, site: Site) -> JSON:
    """A record as ``getItem`` returns it (``BaseField::getNodes``)."""
    derived = component.behaviour.derived(uuid, record, site) if uuid is not None else {}
    node: dict[str, JSON] = {}
    for name, field in component.fields:
        _put(node, name.split("."), field.render(_value(name, record, derived), site))
    return node


def render_model(components: list[Component], site: Site) -> JSON:
    """The arrays of one model as ``get`` returns them, nested by model path."""
    tree: dict[str, JSON] = {}
    for component in components:
        items: dict[str, JSON] = {
            uuid: render_node(component, uuid, record, site)
            for uuid, record in site.records(component.id).items()
        }
        _put(tree, component.path.split("."), items)
    return tree


def search_row(
    component: Component, uuid: str, record: Record, site: Site, *, percent: bool
) -> dict[str, str]:
    """One flat ``search*`` row.

    ``percent`` (26.1 and later): raw keys in the field, descriptions in ``%field`` (where
    they differ from the keys). Before,
    list fields held the labels of the selected options joined with ``,`` (the blank option's
    label when nothing is selected, as ``UIModelGrid`` did).
    """
    derived = component.behaviour.derived(uuid, record, site)
    fields = component.field_map()
    row = {"uuid": uuid}
    for name in component.row_fields():
        field = fields[name]
        value = _value(name, record, derived)
        listed = field.is_list() or isinstance(field, Lines)
        if not listed:
            row[name] = field.as_string(value)
        elif percent:
            row[name] = value
            described = ", ".join(field.labels(value, site))
            if described != value:
                row[f"%{name}"] = described
        elif value == "" and field.is_list() and not field.required and not field.multiple:
            row[name] = field.blank_label()
        else:
            row[name] = ",".join(field.labels(value, site))
    return row
