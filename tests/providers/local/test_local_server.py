"""The local provider served by the SDK: the same handlers as ``LocalProvider``, over MCP in
memory, in both protocol eras, through the contract suite."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import Client

from mcp_iac.providers.local import LocalProvider, build_provider, build_server
from mcp_iac.sdk import ProviderClient, Sample, run_contract

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["auto", "legacy"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_the_local_provider_passes_the_contract_suite(tmp_path: Path, mode: str) -> None:
    async with Client(build_server(tmp_path), mode=mode) as client:
        report = await run_contract(client)
    assert report.passed, report.render()
    assert {c.type for c in report.checks if c.type} == {
        "local:command",
        "local:data",
        "local:file",
    }
    assert not [c for c in report.checks if c.status == "skipped"]
    # Cleaned up: no example file, no object and no key records left behind.
    assert not (tmp_path / ".mcp-iac" / "examples" / "hello.txt").exists()
    assert list((tmp_path / ".mcp-iac" / "local" / "keys").iterdir()) == []
    assert list((tmp_path / ".mcp-iac" / "local" / "data").iterdir()) == []


async def test_the_contract_suite_takes_samples_of_its_caller(tmp_path: Path, mode: str) -> None:
    samples = {
        "local:file": Sample(
            properties={"path": "notes/a.txt", "content": "one", "mode": "0600"},
            update={"path": "notes/a.txt", "content": "two", "mode": "0640"},
        ),
        "local:data": Sample(properties={"input": [1, 2, 3]}),
    }
    async with Client(build_server(tmp_path), mode=mode) as client:
        report = await run_contract(client, samples=samples, types=["local:file", "local:data"])
    assert report.passed, report.render()


async def test_describe_over_mcp_matches_the_in_process_provider(tmp_path: Path, mode: str) -> None:
    in_process = await LocalProvider(tmp_path).describe()
    async with Client(build_server(tmp_path), mode=mode) as client:
        over_mcp = await ProviderClient(client).describe()
    assert over_mcp == in_process
    assert [t.type for t in over_mcp.types] == ["local:command", "local:data", "local:file"]
    assert all(t.examples for t in over_mcp.types)


async def test_objects_made_over_mcp_are_the_ones_local_provider_sees(
    tmp_path: Path, mode: str
) -> None:
    """Both paths share the data directory and its key records."""
    async with Client(build_server(tmp_path), mode=mode) as client:
        remote = ProviderClient(client, server="local")
        created = await remote.create(
            "local:file",
            name="hello",
            urn="demo/local:file:hello",
            idempotency_key="demo/local:file:hello@1",
            properties={"path": "hello.txt", "content": "hi"},
        )
        assert (tmp_path / "hello.txt").read_text() == "hi"
        local = LocalProvider(tmp_path)
        again = await local.create(
            "local:file",
            name="hello",
            urn="demo/local:file:hello",
            idempotency_key="demo/local:file:hello@1",
            properties={"path": "hello.txt", "content": "hi"},
        )
        assert again == created
        listed = await remote.list("local:file", {"idempotency_key": "demo/local:file:hello@1"})
        assert [i.id for i in listed] == [created.id]
        await remote.delete("local:file", created.id, {})
    assert not (tmp_path / "hello.txt").exists()


async def test_a_relative_data_dir_is_taken_from_the_root(tmp_path: Path) -> None:
    service = build_provider(tmp_path, Path("state")).service()
    envelope = await service.call(
        "iac_create",
        {
            "type": "local:data",
            "name": "d",
            "urn": "demo/local:data:d",
            "idempotency_key": "k",
            "properties": {"input": 1},
        },
    )
    assert envelope.success
    assert len(list((tmp_path / "state" / "data").iterdir())) == 1
