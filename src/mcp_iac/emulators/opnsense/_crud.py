"""The generic CRUD contract of ``ApiMutableModelControllerBase``, implemented once.

Each function answers one action for one component: ``get``, ``getItem``, ``addItem``,
``setItem``, ``delItem``, ``toggleItem`` and ``searchItem`` (under whatever names the
controller gives them), with OPNsense's bodies, including the failures.
"""

from __future__ import annotations

import re
import time
import uuid as uuidlib
from collections.abc import Mapping

from mcp_iac.core import JSON

from ._call import Call, is_uuid
from ._fields import Generated, Record
from ._firewall import Firewall
from ._render import render_model, render_node, search_row
from ._schema import Component, UserError
from ._usage import in_use_error, token_usages
from ._validate import validate
from ._versions import PERCENT_ROWS_SINCE, at_least

FAILED: dict[str, JSON] = {"result": "failed"}


def get_model(fw: Firewall, component: Component, call: Call) -> JSON:
    """``get``: the whole model on GET, ``[]`` otherwise."""
    if not call.is_get:
        return []
    return {component.model_name: render_model(fw.component_group(component.model), fw)}


def get_item(fw: Firewall, component: Component, call: Call) -> JSON:
    """``getItem[/uuid]``: the record, ``[]`` for an unknown uuid, the template without one."""
    uuid = call.param(0)
    record = fw.records(component.id).get(uuid) if uuid else None
    extras = component.behaviour.item_extras(record, fw)
    if uuid and record is None:
        return [] if extras is None else {component.post_key: extras}
    if record is None:
        node = render_node(component, None, component.template(), fw)
    else:
        node = render_node(component, uuid, record, fw)
    if extras is not None and isinstance(node, dict):
        node.update(extras)
    return {component.post_key: node}


def add_item(fw: Firewall, component: Component, call: Call) -> JSON:
    """``addItem``: a new record with a new uuid, or the validation messages."""
    posted = _posted(component, call)
    if posted is None:
        return FAILED
    uuid = str(uuidlib.uuid4())
    outcome = _write(
        fw, component=component, uuid=uuid, record=component.template(), posted=posted, current=None
    )
    if outcome is not None:
        return outcome
    fw.commit({component.id}, description=_description(call), username=call.user)
    return {"result": "saved", "uuid": uuid}


def set_item(fw: Firewall, component: Component, call: Call) -> JSON:
    """``setItem/uuid``: update, or create under that uuid (upsert) when it is unknown."""
    posted = _posted(component, call)
    uuid = call.param(0)
    if posted is None or not uuid:
        return FAILED
    current = fw.records(component.id).get(uuid)
    if current is None and not is_uuid(uuid):
        return FAILED
    start = dict(current) if current is not None else component.template(volatile=False)
    outcome = _write(
        fw, component=component, uuid=uuid, record=start, posted=posted, current=current
    )
    if outcome is not None:
        return outcome
    fw.commit({component.id}, description=_description(call), username=call.user)
    return {"result": "saved"}


def del_items(fw: Firewall, component: Component, call: Call) -> JSON:
    """``delItem/uuid[,uuid]``: ``deleted``/``not found`` (the last uuid's); refused when in use.

    Raises:
        UserError: when another record refers to one being deleted; nothing is deleted then.
    """
    if not call.is_post:
        return FAILED
    uuids = [u for u in (call.param(0) or "").split(",") if u]
    table = fw.config.table(component.id)
    remaining = dict(table)
    result: dict[str, JSON] = {"result": "failed"}
    for uuid in uuids:
        record = remaining.get(uuid)
        if record is not None:
            refusal = component.behaviour.refuse_delete(uuid, record, fw)
            if refusal is not None:
                raise refusal
        if component.safe_delete:
            usages = token_usages(fw, uuid, skip=uuid)
            if usages:
                name = component.describe(record, uuid) if record is not None else uuid
                raise in_use_error(component.path, name, usages)
        if record is not None:
            del remaining[uuid]
            result["result"] = "deleted"
        else:
            result["result"] = "not found"
    if len(remaining) != len(table):
        fw.config.records[component.id] = remaining
        fw.commit({component.id}, description=_description(call), username=call.user)
    return result


def toggle_items(fw: Firewall, component: Component, call: Call) -> JSON:
    """``toggleItem/uuid[,uuid][/0|1]``: ``Enabled``/``Disabled`` and whether it changed.

    Components with a ``disabled`` field instead of ``enabled`` (port forwards) take the
    new value of ``disabled`` as the optional parameter.

    Raises:
        UserError: several uuids without an explicit 0/1.
    """
    if not call.is_post:
        return FAILED
    uuids = [u for u in (call.param(0) or "").split(",") if u]
    wanted = call.param(1)
    if len(uuids) > 1 and wanted is None:
        raise UserError(
            "Toggle with a list of items in only supported for explicit actions [0,1]", "Toggle"
        )
    name = component.toggle_field
    on, off = ("0", "1") if name == "disabled" else ("1", "0")
    table = fw.config.table(component.id)
    result: dict[str, JSON] = {"result": "failed"}
    for uuid in uuids:
        record = table.get(uuid)
        if record is None:
            continue
        result["changed"] = True
        if wanted in ("0", "1"):
            result["result"] = "Enabled" if wanted == on else "Disabled"
            result["changed"] = record.get(name, "") != wanted
            record[name] = wanted
        elif wanted is not None:
            result["changed"] = False
            break
        elif (record.get(name, "") == "1") == (name == "enabled"):
            result["result"], record[name] = "Disabled", off
        else:
            result["result"], record[name] = "Enabled", on
    if result.get("changed"):
        fw.commit({component.id}, description=_description(call), username=call.user)
    return result


def search(fw: Firewall, component: Component, call: Call) -> JSON:
    """``searchItem``: flat rows, paged (``rowCount=-1`` for all), sorted, filtered by phrase."""
    row_count = _int(call.request("rowCount"), -1)
    current = _int(call.request("current"), 1)
    sort = call.request("sort")
    sort_by = [component.default_sort] if component.default_sort else []
    descending = False
    if isinstance(sort, dict) and sort:
        sort_by = list(sort)
        descending = sort[sort_by[0]] == "desc"
    tokens = [t for t in str(call.request("searchPhrase") or "").split(" ") if t]
    percent = at_least(fw.version, PERCENT_ROWS_SINCE)
    records = sorted(
        fw.records(component.id).items(),
        key=lambda item: [_natural(item[1].get(f, "")) for f in sort_by],
        reverse=descending,
    )
    rows: list[JSON] = []
    index = 0
    for uuid, record in records:
        if not _passes_filters(component, record, call):
            continue
        row = search_row(component, uuid, record, fw, percent=percent)
        if tokens and not all(_matches(token, uuid, row) for token in tokens):
            continue
        if row_count == -1 or (len(rows) < row_count and index >= row_count * (current - 1)):
            rows.append(dict(row))
        index += 1
    return {"rows": rows, "rowCount": len(rows), "total": index, "current": current}


def _posted(component: Component, call: Call) -> dict[str, str] | None:
    """The component's fields in the request body, as stored strings; None: no such body."""
    if not call.is_post or call.post is None:
        return None
    data = call.post.get(component.post_key)
    if data is None:
        return None
    if not isinstance(data, dict):
        raise UserError(
            f"Invalid input type for {component.post_key} (configuration error?)",
            "An API exception occured",
        )
    flat: dict[str, str] = {}
    _flatten(data, "", flat)
    names = component.field_map()
    return {k: v for k, v in flat.items() if k in names}


def _flatten(data: Mapping[str, JSON], prefix: str, into: dict[str, str]) -> None:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, f"{name}.", into)
        elif value is not None:
            into[name] = _php_string(value, name)


def _php_string(value: JSON, name: str) -> str:
    """PHP's string conversion of a posted value (lists join with ``,``, as list fields do)."""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join(_php_string(item, name) for item in value)
    if isinstance(value, dict):
        raise UserError(f"Invalid input type for {name}", "An API exception occured")
    return str(value)


def _write(
    fw: Firewall,
    *,
    component: Component,
    uuid: str,
    record: dict[str, str],
    posted: Mapping[str, str],
    current: Record | None,
) -> JSON | None:
    """Merge, validate and store a record; the failure body, or None once stored."""
    fields = component.field_map()
    for name, value in posted.items():
        field = fields[name]
        if not isinstance(field, Generated) or field.client_writable:
            record[name] = field.normalize(value, record.get(name, ""))
    record.update(component.behaviour.overlay(posted, current, fw))
    for name, field in component.fields:
        if isinstance(field, Generated) and field.kind != "none" and not record.get(name):
            record[name] = _generate(fw, component, name, field)
    validations = validate(component, uuid, record, fw)
    if validations:
        return {"result": "failed", "validations": validations}
    component.behaviour.finish(record, current, fw)
    fw.config.table(component.id)[uuid] = {
        name: record.get(name, "") for name, field in component.fields if not field.volatile
    }
    return None


def _generate(fw: Firewall, component: Component, name: str, field: Generated) -> str:
    if field.kind != "sequence":
        return _uniqid()
    taken = {rec.get(name, "") for rec in fw.records(component.id).values()}
    number = field.start
    while str(number) in taken:
        number += 1
    return str(number)


_last_uniqid = [0]


def _uniqid() -> str:
    """PHP's ``uniqid()``: 13 hex digits from the clock (kept unique within this process)."""
    now = max(time.time_ns() // 1000, _last_uniqid[0] + 1)
    _last_uniqid[0] = now
    return f"{now // 1_000_000:08x}{now % 1_000_000:05x}"


def _description(call: Call) -> str:
    return f"{call.uri} made changes"


def _int(value: JSON, default: int) -> int:
    try:
        return int(str(value)) if value is not None and value != "" else default
    except ValueError:
        return default


def _natural(value: str) -> list[tuple[int, int | str]]:
    """SORT_NATURAL | SORT_FLAG_CASE: numbers by value, text case-insensitively."""
    return [
        (0, int(part)) if part.isdigit() else (1, part.lower())
        for part in re.split(r"(\d+)", value)
        if part
    ]


def _passes_filters(component: Component, record: Record, call: Call) -> bool:
    for parameter, name in component.search_filters:
        wanted = call.request(parameter)
        if wanted is None:
            continue
        have = {v for v in record.get(name, "").split(",") if v}
        asked = {v for v in str(wanted).split(",") if v}
        if (asked and not asked & have) or (not asked and have):
            return False
    return True


def _matches(token: str, uuid: str, row: Mapping[str, str]) -> bool:
    if is_uuid(token):
        return any(token.lower() in value.lower().split(",") for value in (uuid, *row.values()))
    return any(token.lower() in value.lower() for key, value in row.items() if key != "uuid")
