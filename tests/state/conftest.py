"""Fixtures for the state stores: every contract test runs against each store in ``STORES``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mcp_iac.engine import OperationIntent, OperationKind, ResourceRecord, StateStore
from mcp_iac.state import MemoryStateStore, SqliteStateStore

STORES = ["memory", "sqlite"]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MCP_IAC_SECRET_KEY", "MCP_IAC_STATE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MCP_IAC_USER", "tester")


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    opened: StateStore
    if request.param == "memory":
        opened = MemoryStateStore()
    else:
        opened = SqliteStateStore(tmp_path / "state.db")
    yield opened
    opened.close()


def _resource(
    address: str = "local:file:a", *, deployment: str = "web", **fields: Any
) -> ResourceRecord:
    server, type_, name = address.split(":", 2)
    values: dict[str, Any] = {
        "urn": f"{deployment}/{address}",
        "address": address,
        "server": server,
        "type": type_,
        "name": name,
        "id": f"id-{name}",
        "properties": {"path": f"/tmp/{name}", "mode": 420},
        "outputs": {"size": 3},
    }
    values.update(fields)
    return ResourceRecord(**values)


def _intent(
    address: str = "local:file:a",
    *,
    kind: OperationKind = "create",
    deployment: str = "web",
    **fields: Any,
) -> OperationIntent:
    record = _resource(address, deployment=deployment)
    values: dict[str, Any] = {
        "deployment": deployment,
        "urn": record.urn,
        "address": address,
        "server": record.server,
        "type": record.type,
        "name": record.name,
        "kind": kind,
        "idempotency_key": f"key-{record.name}",
        "resource_id": None,
        "inputs": dict(record.properties),
        "prior": None,
    }
    values.update(fields)
    return OperationIntent(**values)


@pytest.fixture
def resource() -> Callable[..., ResourceRecord]:
    """Build a ResourceRecord: ``resource("local:file:a", properties={...})``."""
    return _resource


@pytest.fixture
def intent() -> Callable[..., OperationIntent]:
    """Build an OperationIntent: ``intent("local:file:a", kind="update", prior=...)``."""
    return _intent
