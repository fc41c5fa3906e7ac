"""examples/providers/notes.py, the provider of docs/writing-a-provider.md, actually works."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from mcp import Client, StdioServerParameters

from mcp_iac.sdk import ProviderClient, run_contract

pytestmark = pytest.mark.anyio

EXAMPLE = Path(__file__).parents[2] / "examples" / "providers" / "notes.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notes_example", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_notes_provider_passes_the_contract_suite(tmp_path: Path, mode: str) -> None:
    notes = load_example()
    server = notes.build_provider(tmp_path / "notes").build()
    async with Client(server, mode=mode) as client:
        report = await run_contract(client)
        health = await ProviderClient(client).health()
    assert report.passed, report.render()
    assert health.backend_version == "files"
    assert list((tmp_path / "notes").glob("*/*.json")) == []


async def test_notes_live_in_folder_files_and_a_folder_change_is_a_replace(tmp_path: Path) -> None:
    notes = load_example()
    async with Client(notes.build_provider(tmp_path).build()) as session:
        client = ProviderClient(session)
        created = await client.create(
            "notes:note",
            name="todo",
            urn="demo/notes:note:todo",
            idempotency_key="demo/notes:note:todo@1",
            properties={"title": "Todo", "body": "one two three", "folder": "work"},
        )
        diff = await client.diff(
            "notes:note",
            created.id,
            old={"title": "Todo", "folder": "work"},
            new={"title": "Todo", "folder": "home"},
        )
    assert created.outputs["words"] == 3
    assert Path(str(created.outputs["path"])) == tmp_path / "work" / f"{created.id}.json"
    assert diff.replace
    assert diff.replace_paths == ("folder",)


async def test_the_notes_provider_runs_as_a_stdio_server(tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable, args=[str(EXAMPLE), "--dir", str(tmp_path / "notes")]
    )
    async with Client(params) as client:
        report = await run_contract(client, timeout=30)
    assert report.passed, report.render()
