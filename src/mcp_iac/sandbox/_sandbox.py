"""``mcp-iac sandbox up|down|status``: local stand-ins for the built-in providers' backends.

``up`` starts what is missing (moto for AWS, the OPNsense emulator, a private Docker engine when
no engine is reachable), writes the servers that point the built-in providers at them into
``mcp-iac.yaml``, and remembers each process it started in ``.mcp-iac/sandbox/sandbox.json``.
``down`` stops exactly those processes (PID and start time must match) and removes those servers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp_iac.registry import PROJECT_FILE, ServerConfig, merge_servers, remove_servers

from ._image import load_base_image
from ._process import ProcessRecord, SandboxError, alive, stop
from ._services import STARTERS, Context, Started, unmount_under

SERVICES = tuple(STARTERS)
_REMEMBERED = ("port", "key", "secret")
"""The stand-ins, in the order they start: opnsense, aws, docker."""


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    """One stand-in as ``status`` reports it."""

    service: str
    running: bool
    pid: int | None
    detail: str


class Sandbox:
    """The sandbox of the project at ``root``."""

    def __init__(self, root: Path, *, environ: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.home = root / ".mcp-iac" / "sandbox"
        self.record_file = self.home / "sandbox.json"
        self.environ = dict(os.environ if environ is None else environ)

    # -- the record of what runs --------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.record_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise SandboxError(
                f"cannot read {self.record_file}: {exc}",
                hint="stop the processes it lists by hand, then delete the file",
            ) from None
        return data if isinstance(data, dict) else {}

    def _save(self, data: Mapping[str, Any]) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        tmp = self.record_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        tmp.replace(self.record_file)

    # -- commands -----------------------------------------------------------------------------

    def up(
        self,
        services: Iterable[str] = SERVICES,
        *,
        on_progress: Callable[[str], None] = lambda _msg: None,
        base_image: Callable[[str], str] | None = load_base_image,
    ) -> list[Started]:
        """Start each stand-in in ``services`` that is not running and point its server at it.

        ``base_image`` loads the demo's base image into a Docker engine the sandbox starts
        (None: leave the new engine empty).

        A failure stops what this call started and raises SandboxError naming the stand-in
        and why; stand-ins already running are left alone.
        """
        wanted = list(services)
        unknown = [s for s in wanted if s not in STARTERS]
        if unknown:
            raise SandboxError(
                f"no stand-in called {', '.join(unknown)}",
                hint="choose from " + ", ".join(SERVICES),
            )
        self.home.mkdir(parents=True, exist_ok=True)
        data = self._load()
        running: dict[str, Any] = data.setdefault("services", {})
        remembered = {**data.get("previous", {}), **running}
        ctx = Context(self.root, self.home, remembered, self.environ, base_image)
        started: list[Started] = []
        try:
            for name in wanted:
                entry = running.get(name)
                if entry and (entry.get("process") is None or alive(_record(entry))):
                    on_progress(f"{name}: already running ({entry.get('note', '')})")
                    continue
                on_progress(f"{name}: starting...")
                done = STARTERS[name](ctx)
                started.append(done)
                running[name] = {
                    "process": done.process.model_dump(mode="json") if done.process else None,
                    "port": done.port,
                    "env": done.env,
                    "note": done.note,
                    **done.extra,
                }
                self._save(data)
                on_progress(f"{name}: {done.note}")
        except BaseException:
            for done in started:
                if done.process is not None:
                    stop(done.process)
                    running.pop(done.service, None)
            self._save(data)
            raise
        servers = {
            name: ServerConfig(builtin=name, env=running[name]["env"], source="sandbox")
            for name in wanted
            if name in running
        }
        merge_servers(self.root / PROJECT_FILE, servers, replace=True)
        data["servers"] = sorted(set(data.get("servers", [])) | set(servers))
        self._save(data)
        return started

    def down(self, *, on_progress: Callable[[str], None] = lambda _msg: None) -> list[str]:
        """Stop every process the sandbox started and remove its servers from mcp-iac.yaml."""
        data = self._load()
        stopped: list[str] = []
        for name, entry in list(data.get("services", {}).items()):
            proc = entry.get("process")
            if proc is None:
                on_progress(f"{name}: not ours ({entry.get('note', '')}), left running")
            elif stop(_record(entry)):
                stopped.append(name)
                on_progress(f"{name}: stopped (pid {proc['pid']})")
            else:
                on_progress(f"{name}: was not running")
            for root in entry.get("roots", []) if proc is not None else []:
                unmount_under(Path(root))
        removed = remove_servers(self.root / PROJECT_FILE, data.get("servers", []))
        if removed:
            on_progress(f"removed from {PROJECT_FILE}: {', '.join(removed)}")
        if data:
            # ports and credentials are offered again to the next `up`
            previous = data.get("previous", {})
            for name, entry in data.get("services", {}).items():
                previous[name] = {k: entry[k] for k in _REMEMBERED if k in entry}
            self._save({"previous": previous})
        return stopped

    def status(self) -> list[ServiceStatus]:
        """Each stand-in the sandbox knows of, and whether it is running."""
        data = self._load()
        rows = []
        for name in SERVICES:
            entry = data.get("services", {}).get(name)
            if entry is None:
                rows.append(ServiceStatus(name, False, None, "not started"))
                continue
            proc = entry.get("process")
            if proc is None:
                rows.append(ServiceStatus(name, True, None, entry.get("note", "")))
                continue
            up = alive(_record(entry))
            detail = entry.get("note", "") if up else f"exited (log: {proc['log']})"
            rows.append(ServiceStatus(name, up, proc["pid"], detail))
        return rows


def _record(entry: Mapping[str, Any]) -> ProcessRecord:
    return ProcessRecord.model_validate(entry["process"])
