"""Mapping files and MappedProvider, against a fake tool session (no MCP server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp_types import CallToolResult, ListToolsResult, TextContent

from mcp_iac.core import ConfigError, ProviderError
from mcp_iac.registry import McpProviders, ServerConfig
from mcp_iac.registry._mapped import MappedProvider
from mcp_iac.registry._mapping import MappingFile, load_mapping, render
from mcp_iac.sdk import ProviderClient

REPO = Path(__file__).resolve().parents[2]


class FakeSession:
    """Answers tool calls from a function; records them."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        read_timeout_seconds: float | None = None,
    ) -> CallToolResult:
        self.calls.append((name, dict(arguments or {})))
        out = self.answer(name, arguments or {})
        if isinstance(out, str):
            return CallToolResult(content=[TextContent(type="text", text=out)], is_error=True)
        return CallToolResult(
            content=[TextContent(type="text", text=json.dumps(out))], structured_content=None
        )

    async def list_tools(self) -> ListToolsResult:
        return ListToolsResult(tools=[])


def provider(doc: dict[str, Any], answer: Any) -> tuple[MappedProvider, FakeSession]:
    session = FakeSession(answer)
    client = ProviderClient(session, server="fake", timeout=5)

    async def get() -> ProviderClient:
        return client

    return MappedProvider(MappingFile.model_validate(doc), get, server="fake"), session


THING = {
    "provider": {"name": "fake"},
    "errors": [{"match": "no such", "code": "NOT_FOUND"}, {"match": "bad", "code": "VALIDATION"}],
    "types": {
        "fake:thing": {
            "properties": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},
            },
            "create": {
                "tool": "make",
                "args": {"label": "thing {{ properties.name }}", "size": "{{ properties.size }}"},
                "id": "result.uid",
                "outputs": "{uid: result.uid}",
                "poll": {
                    "tool": "status",
                    "args": {"uid": "{{ result.uid }}"},
                    "until": "result.state == 'ready'",
                    "intervalSeconds": 0.01,
                },
            },
            "read": {
                "tool": "get",
                "args": {"uid": "{{ id }}"},
                "properties": "result.{name: name, size: size}",
            },
            "delete": {"tool": "remove", "args": {"uid": "{{ id }}"}},
        }
    },
}


def test_templates_keep_types_whole_and_interpolate_text() -> None:
    ctx = {"properties": {"n": 3, "tags": ["a"], "s": "x"}, "id": "i"}
    assert render({"a": "{{ properties.tags }}", "b": "{{properties.n}}"}, ctx) == {
        "a": ["a"],
        "b": 3,
    }
    assert render("{{ properties.s }}-{{ properties.n }}-{{ missing }}", ctx) == "x-3-"
    assert render(["{{ properties.tags[?@ == root().properties.s] }}"], ctx) == [[]]


def test_create_polls_until_ready_and_reads_id_and_outputs() -> None:
    polls = iter(["pending", "pending", "ready"])

    def answer(tool: str, args: dict[str, Any]) -> Any:
        if tool == "make":
            return {"uid": "u1"}
        if tool == "get":
            return {"name": "a", "size": 2}
        return {"uid": args["uid"], "state": next(polls)}

    p, session = provider(THING, answer)
    made = anyio.run(
        lambda: p.create(
            "fake:thing",
            name="t",
            urn="d/t",
            idempotency_key="k1",
            properties={"name": "a", "size": 2},
        )
    )
    assert (made.id, made.outputs) == ("u1", {"uid": "u1"})
    assert session.calls[0] == ("make", {"label": "thing a", "size": 2})
    assert [c[0] for c in session.calls] == ["make", "status", "status", "status"]
    # the same key again: the same object, no call
    again = anyio.run(
        lambda: p.create(
            "fake:thing", name="t", urn="d/t", idempotency_key="k1", properties={"name": "a"}
        )
    )
    assert again.id == "u1"
    assert len(session.calls) == 4
    found = anyio.run(lambda: p.list("fake:thing", {"idempotency_key": "k1"}))
    assert [i.id for i in found] == ["u1"]
    assert anyio.run(lambda: p.list("fake:thing", {"idempotency_key": "other"})) == []


def test_error_results_get_the_codes_of_the_rules() -> None:
    def answer(tool: str, args: dict[str, Any]) -> Any:
        return {"get": "No such thing u9", "remove": "no such thing", "make": "bad size"}.get(
            tool, "boom"
        )

    p, _ = provider(THING, answer)
    assert anyio.run(lambda: p.read("fake:thing", "u9", {})).exists is False
    anyio.run(lambda: p.delete("fake:thing", "u9", {}))  # NOT_FOUND counts as deleted
    with pytest.raises(ProviderError) as err:
        anyio.run(
            lambda: p.create(
                "fake:thing", name="t", urn="d/t", idempotency_key="k", properties={"name": "a"}
            )
        )
    assert err.value.code == "VALIDATION"
    assert "make: bad size" in str(err.value)
    with pytest.raises(ProviderError) as unknown:
        anyio.run(lambda: p.read("fake:other", "x", {}))
    assert unknown.value.code == "VALIDATION"


def test_validate_uses_the_json_schema() -> None:
    p, _ = provider(THING, lambda t, a: {})
    issues = anyio.run(lambda: p.validate("fake:thing", {"size": "big"}))
    assert {i.path for i in issues} == {"", "size"}
    assert anyio.run(lambda: p.validate("fake:thing", {"name": "a"})) == []


def test_natural_key_create_adopts_an_existing_object() -> None:
    doc = json.loads(json.dumps(THING))
    doc["types"]["fake:thing"]["naturalId"] = "{{ properties.name }}"
    del doc["types"]["fake:thing"]["create"]["id"]
    p, session = provider(doc, lambda t, a: {"name": "a", "size": 1})
    made = anyio.run(
        lambda: p.create(
            "fake:thing", name="t", urn="d/t", idempotency_key="k", properties={"name": "a"}
        )
    )
    assert made.id == "a"
    assert [c[0] for c in session.calls] == ["get"]  # found: nothing made


def test_the_memory_mapping_loads_and_names_its_tools() -> None:
    m = load_mapping(REPO / "examples/mappings/memory.yaml")
    assert {t.type for t in m.provider_schema().types} == {"memory:entity", "memory:relation"}
    assert "create_entities" in m.tools()
    assert m.types["memory:entity"].idempotency == "natural-key"


def test_an_invalid_mapping_names_file_and_key(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(THING))
    bad["types"]["fake:thing"]["read"]["exists"] = "length(result"
    path = tmp_path / "m.yaml"
    path.write_text(json.dumps(bad))
    with pytest.raises(ConfigError) as err:
        load_mapping(path)
    assert str(path) in str(err.value)
    assert "types.fake:thing.read.exists" in str(err.value)
    assert "invalid JMESPath" in str(err.value)


def test_mcp_providers_refuses_a_missing_mapping_file_before_starting(tmp_path: Path) -> None:
    cfg = ServerConfig(command="does-not-matter", mapping="nope.yaml")

    async def go() -> None:
        async with McpProviders({"m": cfg}, root=tmp_path) as source:
            await source.get("m")

    with pytest.raises(ConfigError) as err:
        anyio.run(go)
    assert "nope.yaml" in str(err.value)
