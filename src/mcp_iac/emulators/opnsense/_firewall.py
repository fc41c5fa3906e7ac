"""The emulated firewall: its version, plugins, components and configuration, behind one lock."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from ._catalog import CATALOG
from ._config import SEED_INTERFACES, Configuration, load_state, write_state
from ._fields import Record
from ._schema import Component
from ._tables_auth import factory_records


class Firewall:
    """State shared by all request handlers. Callers hold :attr:`lock` around each request."""

    def __init__(
        self, *, version: str, plugins: frozenset[str], state_file: Path | None = None
    ) -> None:
        self.version = version
        self.plugins = plugins
        self.state_file = state_file
        self.lock = threading.RLock()
        self.timers: dict[str, threading.Timer] = {}
        self.components: dict[str, Component] = {
            c.id: c for c in CATALOG if c.available(version, plugins)
        }
        loaded = load_state(state_file) if state_file is not None else None
        self.config = loaded if loaded is not None else self.fresh()
        if loaded is None:
            self.persist()

    def close(self) -> None:
        """Cancel pending rollback timers."""
        with self.lock:
            for timer in self.timers.values():
                timer.cancel()
            self.timers.clear()

    def fresh(self) -> Configuration:
        """A factory-new configuration (the factory's root user and admins group, where the
        firmware has the user manager's API) with its first revision."""
        config = Configuration(records=factory_records(self.components))
        config.save("initial configuration", "root@localhost")
        return config

    def reset(self) -> None:
        """Back to the factory-new configuration (history and pending changes included)."""
        self.close()
        with self.lock:
            self.config = self.fresh()
            self.persist()

    # Lookup (what fields consult)
    def interfaces(self) -> Mapping[str, tuple[str, str]]:
        return SEED_INTERFACES

    def records(self, component: str) -> Mapping[str, Record]:
        return self.config.records.get(component, {})

    def table(self, component: str) -> dict[str, dict[str, str]]:
        return self.config.table(component)

    def scan(self) -> Iterator[tuple[Component, str, Record]]:
        for component in self.components.values():
            for uuid, record in self.records(component.id).items():
                yield component, uuid, record

    def component_group(self, model: str) -> list[Component]:
        """The available components of one model (rendered together by ``get``)."""
        return [c for c in self.components.values() if c.model == model]

    def commit(self, touched: set[str], *, description: str, username: str) -> None:
        """Save a revision after a successful write and mark the components unapplied."""
        self.config.save(description, username)
        self.config.pending |= {
            cid for cid in touched if cid in self.components and self.components[cid].apply_group
        }
        self.persist()

    def mark_applied(self, group: str) -> None:
        """The service of ``group`` was reconfigured: its components are applied."""
        self.config.pending -= {c.id for c in self.components.values() if c.apply_group == group}
        self.persist()

    def persist(self) -> None:
        if self.state_file is not None:
            write_state(self.state_file, self.config)
