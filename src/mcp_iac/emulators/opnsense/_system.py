"""Firmware, configuration history and service actions (what is not generic CRUD)."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import threading
import time
from collections.abc import Callable
from typing import Final, TypeAlias

from mcp_iac.core import JSON

from ._call import Call, Reply
from ._config import Savepoint
from ._firewall import Firewall
from ._versions import PATCH_LEVEL

Handler: TypeAlias = Callable[[Firewall, Call], "JSON | Reply"]
"""An endpoint's implementation."""

CONFIGD_OK: Final = "OK\n\n"
ROLLBACK_SECONDS: Final = 60.0
"""How long ``apply/<revision>`` waits for ``cancelRollback`` before reverting (as on OPNsense)."""

SERVICES: Final = {
    "unbound": ("unbound", "Unbound DNS"),
    "kea": ("kea-dhcpv4", "KEA DHCPv4 server"),
    "haproxy": ("haproxy", "HAProxy load balancer"),
}
"""Service modules: module -> (service name, description)."""


# Firmware ---------------------------------------------------------------------------------


def _product(fw: Firewall) -> dict[str, JSON]:
    version = f"{fw.version}.{PATCH_LEVEL[fw.version]}"
    return {
        "product_abi": fw.version,
        "product_arch": "amd64",
        "product_copyright_owner": "Deciso B.V.",
        "product_id": "opnsense",
        "product_name": "OPNsense",
        "product_series": fw.version,
        "product_version": version,
        "product_website": "https://opnsense.org/",
    }


def firmware_info(fw: Firewall, call: Call) -> JSON:
    """``core/firmware/info``: product, packages and plugins (HAProxy when installed)."""
    product = _product(fw)
    installed = "1" if "haproxy" in fw.plugins else "0"
    plugin: JSON = [
        {
            "name": "os-haproxy",
            "version": "4.6",
            "comment": "Reliable, high performance TCP/HTTP load balancer",
            "installed": installed,
            "provided": "1",
            "locked": "0",
            "automatic": "0",
            "repository": "OPNsense",
            "origin": "opnsense/os-haproxy",
        }
    ]
    package: JSON = [
        {
            "name": "opnsense",
            "version": product["product_version"],
            "comment": "OPNsense firewall and routing platform",
            "installed": "1",
            "provided": "1",
            "locked": "0",
            "automatic": "0",
            "repository": "OPNsense",
            "origin": "opnsense/opnsense",
        }
    ]
    return {
        "product_id": "opnsense",
        "product_version": product["product_version"],
        "package": package,
        "plugin": plugin,
        "changelog": [],
        "product": product,
    }


def firmware_status(fw: Firewall, call: Call) -> JSON:
    """``core/firmware/status``: no updates pending, and the product."""
    return {
        "status": "none",
        "status_msg": "There are no updates available on the selected mirror.",
        "product": _product(fw),
    }


# Configuration history --------------------------------------------------------------------


def backup_providers(fw: Firewall, call: Call) -> JSON:
    return {"items": {"this": {"description": "This Firewall", "dirname": "/conf/backup"}}}


def _dump(records: object) -> str:
    return json.dumps(records, indent=1, sort_keys=True)


def backup_list(fw: Firewall, call: Call) -> JSON:
    """``backups/this``: revisions, newest first."""
    if call.param(0) != "this":
        return {"items": []}
    items: list[JSON] = [
        {
            "time": r.stamp,
            "time_iso": dt.datetime.fromtimestamp(r.time, dt.UTC).isoformat(),
            "description": r.description,
            "username": r.username,
            "filesize": len(_dump(r.records)),
            "id": r.id,
        }
        for r in reversed(fw.config.revisions)
    ]
    return {"items": items}


def backup_diff(fw: Firewall, call: Call) -> JSON:
    """``diff/this/<id1>/<id2>``: a unified diff of the two configurations (JSON dumps)."""
    first, second = fw.config.revision(call.param(1) or ""), fw.config.revision(call.param(2) or "")
    if call.param(0) != "this" or first is None or second is None:
        return {"items": []}
    lines = difflib.unified_diff(
        _dump(first.records).splitlines(),
        _dump(second.records).splitlines(),
        first.id,
        second.id,
        lineterm="",
    )
    return {"items": list(lines)}


def backup_download(fw: Firewall, call: Call) -> JSON | Reply:
    """``download/this[/<id>]``: the configuration as a file (a JSON dump, not config.xml)."""
    wanted = call.param(1)
    revision = fw.config.revision(wanted) if wanted else fw.config.revisions[-1]
    if call.param(0) != "this" or revision is None:
        return []
    return Reply(
        _dump(revision.records).encode(),
        content_type="application/octet-stream",
        headers=(("Content-Disposition", f'attachment; filename="{revision.id}"'),),
    )


def backup_revert(fw: Firewall, call: Call) -> JSON:
    """``revertBackup/<id>``: restore the whole configuration, save it as a new revision."""
    if not call.is_post:
        return {"status": "failed"}
    revision = fw.config.revision(call.param(0) or "")
    if revision is None:
        return {"status": "not_found"}
    changed = fw.config.restore(revision.records)
    fw.commit(changed, description=f"Reverted to {revision.id}", username=call.user)
    return {"status": "reverted"}


def backup_delete(fw: Firewall, call: Call) -> JSON:
    """``deleteBackup/<id>``: forget one revision."""
    if not call.is_post:
        return {"status": "failed"}
    revision = fw.config.revision(call.param(0) or "")
    if revision is None:
        return {"status": "not_found"}
    fw.config.revisions.remove(revision)
    fw.persist()
    return {"status": "deleted"}


# Applying ---------------------------------------------------------------------------------


def applier(group: str) -> Handler:
    """A reconfigure action: marks ``group`` applied and answers ``ok`` on POST."""

    def handle(fw: Firewall, call: Call) -> JSON:
        if not call.is_post:
            return {"status": "failed"}
        fw.mark_applied(group)
        return {"status": "ok"}

    return handle


def filter_apply(group: str, component: str) -> Handler:
    """``apply[/<revision>]``: reload the filter; with a savepoint, arm the rollback timer."""

    def handle(fw: Firewall, call: Call) -> JSON:
        if not call.is_post:
            return {"status": "failed"}
        revision = call.param(0)
        if revision:
            _arm_rollback(fw, component, revision)
        fw.mark_applied(group)
        return {"status": CONFIGD_OK}

    return handle


def _arm_rollback(fw: Firewall, component: str, revision: str) -> None:
    key = f"{component}@{revision}"
    if key not in fw.config.savepoints:
        return

    def fire() -> None:
        with fw.lock:
            if fw.timers.pop(key, None) is not None:
                _restore_savepoint(fw, key, "rollback timer expired")

    timer = threading.Timer(ROLLBACK_SECONDS, fire)
    timer.daemon = True
    previous = fw.timers.pop(key, None)
    if previous is not None:
        previous.cancel()
    fw.timers[key] = timer
    timer.start()


def _restore_savepoint(fw: Firewall, key: str, why: str) -> None:
    savepoint = fw.config.savepoints[key]
    fw.config.records[savepoint.component] = copy.deepcopy(savepoint.records)
    fw.commit(set(), description=f"{why}: reverted to savepoint {key}", username="root")


def savepoint(component: str) -> Handler:
    """``savepoint``: remember this component's rules; answers the revision to roll back to."""

    def handle(fw: Firewall, call: Call) -> JSON:
        if not call.is_post:
            return {"status": "failed"}
        revision = f"{max(time.time(), fw.config.revisions[-1].time + 0.0001):.4f}"
        records = copy.deepcopy(fw.config.table(component))
        fw.config.savepoints[f"{component}@{revision}"] = Savepoint(component, records)
        fw.persist()
        return {"status": "ok", "retention": "60", "revision": revision}

    return handle


def cancel_rollback(component: str) -> Handler:
    def handle(fw: Firewall, call: Call) -> JSON:
        if not call.is_post:
            return {"status": "failed"}
        timer = fw.timers.pop(f"{component}@{call.param(0)}", None)
        if timer is not None:
            timer.cancel()
        return {"status": CONFIGD_OK}

    return handle


def revert_savepoint(component: str, group: str) -> Handler:
    def handle(fw: Firewall, call: Call) -> JSON:
        if not call.is_post:
            return {"status": "failed"}
        key = f"{component}@{call.param(0)}"
        if key not in fw.config.savepoints:
            return {"status": "unknown (or removed) savepoint"}
        timer = fw.timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        _restore_savepoint(fw, key, "revert")
        fw.mark_applied(group)
        return {"status": "ok"}

    return handle


# Services ---------------------------------------------------------------------------------


def service_status(fw: Firewall, call: Call) -> JSON:
    return {
        "status": "running",
        "widget": {
            "caption_stop": "stop service",
            "caption_start": "start service",
            "caption_restart": "restart service",
        },
    }


def service_control(fw: Firewall, call: Call) -> JSON:
    """``service/{start,stop,restart}``: the configd output on POST."""
    return {"response": CONFIGD_OK} if call.is_post else {"response": []}


def haproxy_configtest(fw: Firewall, call: Call) -> JSON:
    return {"result": "Configuration file is valid\n\n\n"}


def _known_services(fw: Firewall) -> dict[str, tuple[str, str]]:
    return {
        module: entry
        for module, entry in SERVICES.items()
        if module != "haproxy" or "haproxy" in fw.plugins
    }


def core_service_search(fw: Firewall, call: Call) -> JSON:
    """``core/service/search``: the services of the emulated firewall, all running."""
    rows: list[JSON] = [
        {"id": name, "locked": 0, "running": 1, "description": descr, "name": name}
        for name, descr in sorted(_known_services(fw).values())
    ]
    return {"rows": rows, "rowCount": len(rows), "total": len(rows), "current": 1}


def core_service_control(fw: Firewall, call: Call) -> JSON:
    """``core/service/{start,stop,restart}/<name>``."""
    names = {name for name, _ in _known_services(fw).values()}
    ok = call.is_post and call.param(0) in names
    return {"result": "ok" if ok else "failed"}
