"""A project with the built-in ``local`` provider, served in memory; clients that answer the
approval question as told."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.context import ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult

from mcp_iac.app import Project
from mcp_iac.registry import McpProviders, discover
from mcp_iac.server import build_server
from mcp_iac.state import SqliteStateStore

NOW = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)  # a Thursday
MODES = ["auto", "legacy"]


def document(name: str = "hello", files: dict[str, str] | None = None) -> dict[str, Any]:
    """A deployment of local:file resources, name → content (path: <name>.txt)."""
    files = {"greeting": "hi\n"} if files is None else files
    return {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "resources": [
                {
                    "type": "local:file",
                    "name": n,
                    "properties": {"path": f"{n}.txt", "content": c},
                }
                for n, c in files.items()
            ]
        },
    }


@dataclass
class Answers:
    """How the person answers the approval question, and what they were asked."""

    action: str = "accept"
    approve: bool = True
    asked: list[str] = field(default_factory=list)

    async def __call__(
        self, context: ClientRequestContext, params: ElicitRequestParams
    ) -> ElicitResult:
        self.asked.append(params.message)
        if self.action == "accept":
            return ElicitResult(action="accept", content={"approve": self.approve})
        return ElicitResult(action=self.action)  # type: ignore[arg-type]  # decline | cancel


@dataclass
class Served:
    root: Path
    project: Project
    answers: Answers

    def client(self, mode: str, *, elicitation: bool = True, **kwargs: Any) -> Client:
        return Client(
            self.server,
            mode=mode,  # type: ignore[arg-type]  # auto | legacy
            elicitation_callback=self.answers if elicitation else None,
            cache=None,
            **kwargs,
        )

    server: Any = None


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """``served(auto_approve=False)``: the MCP server of a fresh project in ``tmp_path``."""
    stores: list[SqliteStateStore] = []

    def make(*, auto_approve: bool = False) -> Served:
        store = SqliteStateStore(tmp_path / "state.db")
        stores.append(store)
        project = Project(
            root=tmp_path,
            state=store,
            providers=McpProviders(lambda: discover(tmp_path), root=tmp_path),
        )
        result = Served(tmp_path, project, Answers())
        result.server = build_server(project, auto_approve=auto_approve, clock=lambda: NOW)
        return result

    yield make
    for store in stores:
        store.close()
