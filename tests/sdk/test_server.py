"""The MCP server the SDK builds, driven through ``mcp.Client`` in memory, in both protocol
eras: tools and schemas, envelopes, validation, error translation, metadata, hooks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import pytest
from mcp import Client

from mcp_iac.core import ProviderError
from mcp_iac.protocol import (
    PROTOCOL_VERSION,
    REQUIRED_TOOLS,
    TOOL_SPECS,
    TRANSACTION_TOOLS,
    HealthResult,
)
from mcp_iac.sdk import IacProvider

from .memo import MemoHandler, memo_provider

pytestmark = pytest.mark.anyio

CREATE = {
    "type": "memo:note",
    "name": "first",
    "urn": "dep/memo:note:first",
    "idempotency_key": "dep/memo:note:first@1",
    "properties": {"text": "hello"},
}


async def call(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    envelope = result.structured_content
    assert envelope is not None
    assert result.is_error is (not envelope["success"])
    # The text content mirrors the envelope for clients that read only text.
    assert json.loads(result.content[0].text) == envelope  # type: ignore[union-attr]  # the first block is text
    return envelope


async def test_the_server_lists_every_iac_tool_with_the_protocol_schemas(mode: str) -> None:
    provider, _ = memo_provider()
    async with Client(provider.build(), mode=mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert client.server_info is not None
        assert (client.server_info.name, client.server_info.version) == ("memo", "2.1.0")
    assert set(tools) == REQUIRED_TOOLS | {"iac_diff"}  # the SDK always offers diff
    for name, tool in tools.items():
        spec = TOOL_SPECS[name]
        assert tool.input_schema == spec.input_schema()
        assert tool.output_schema == spec.output_schema()
        assert tool.description == spec.description
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is spec.read_only
    assert tools["iac_delete"].annotations.destructive_hint is True  # type: ignore[union-attr]  # checked above


async def test_describe_publishes_the_types_with_schemas_paths_and_examples(mode: str) -> None:
    provider, _ = memo_provider()
    async with Client(provider.build(), mode=mode) as client:
        envelope = await call(client, "iac_describe", {})
    assert envelope["success"] is True
    assert envelope["error"] is None
    data = envelope["data"]
    assert (data["name"], data["version"], data["protocol"]) == ("memo", "2.1.0", PROTOCOL_VERSION)
    assert data["transactions"] is False
    (memo,) = data["types"]
    assert memo["type"] == "memo:note"
    assert memo["replaceOnChanges"] == ["shelf"]
    assert memo["secretPaths"] == ["token", "receipt"]
    assert memo["properties"]["required"] == ["text"]
    assert memo["properties"]["additionalProperties"] is False
    assert set(memo["outputs"]["properties"]) == {"length", "receipt"}
    assert memo["capabilities"] == {"update": True, "list": True, "import": True}
    assert memo["examples"] == [
        {"properties": {"text": "hello"}, "update": {"text": "hello, world"}, "description": ""}
    ]


async def test_a_call_is_answered_with_metadata_naming_the_provider(mode: str) -> None:
    provider, _ = memo_provider()
    before = datetime.now(UTC)
    async with Client(provider.build(), mode=mode) as client:
        envelope = await call(client, "iac_create", CREATE)
    meta = envelope["metadata"]
    assert (meta["server"], meta["version"]) == ("memo", "2.1.0")
    assert meta["duration_ms"] >= 0
    stamp = datetime.fromisoformat(meta["timestamp"])
    assert stamp.tzinfo is not None
    assert before - timedelta(seconds=1) <= stamp <= datetime.now(UTC)


async def test_create_read_update_list_delete_through_mcp(mode: str) -> None:
    provider, handler = memo_provider()
    async with Client(provider.build(), mode=mode) as client:
        created = await call(client, "iac_create", CREATE)
        id_ = created["data"]["id"]
        assert created["data"]["outputs"] == {"length": 5, "receipt": "r-hel"}
        again = await call(client, "iac_create", CREATE)
        assert again["data"]["id"] == id_

        read = await call(client, "iac_read", {"type": "memo:note", "id": id_})
        assert read["data"] == {
            "exists": True,
            "properties": {"text": "hello", "shelf": "a", "token": None, "labels": {}},
            "outputs": {"length": 5, "receipt": "r-hel"},
        }
        updated = await call(
            client,
            "iac_update",
            {"type": "memo:note", "id": id_, "old": {"text": "hello"}, "new": {"text": "bye"}},
        )
        assert updated["data"] == {"outputs": {"length": 3, "receipt": "r-bye"}}

        key = {"idempotency_key": CREATE["idempotency_key"]}
        listed = await call(client, "iac_list", {"type": "memo:note", "filter": key})
        assert [i["id"] for i in listed["data"]["items"]] == [id_]
        assert listed["data"]["items"][0]["name"] == "first"
        other = await call(
            client, "iac_list", {"type": "memo:note", "filter": {"idempotency_key": "x"}}
        )
        assert other["data"]["items"] == []

        deleted = await call(client, "iac_delete", {"type": "memo:note", "id": id_})
        assert deleted["success"] is True
        assert deleted["data"] == {}
        gone = await call(client, "iac_read", {"type": "memo:note", "id": id_})
        assert gone["data"] == {"exists": False, "properties": {}, "outputs": {}}
    assert handler.objects == {}


async def test_bad_properties_are_rejected_naming_each_path_before_the_handler_runs(
    mode: str,
) -> None:
    provider, handler = memo_provider()
    bad = {**CREATE, "properties": {"text": "", "colour": "red", "labels": {"a": 1}}}
    async with Client(provider.build(), mode=mode) as client:
        envelope = await call(client, "iac_create", bad)
    assert envelope["success"] is False
    assert envelope["data"] is None
    error = envelope["error"]
    assert error["code"] == "VALIDATION"
    assert error["retryable"] is False
    assert {d["path"] for d in error["details"]} == {"text", "colour", "labels.a"}
    assert "invalid properties for memo:note" in error["message"]
    assert "property 'labels.a'" in error["message"]
    assert "known properties: labels, shelf, text, token" in error["message"]
    assert handler.calls == []


async def test_malformed_arguments_get_a_validation_envelope_too(mode: str) -> None:
    provider, handler = memo_provider()
    async with Client(provider.build(), mode=mode) as client:
        missing = await call(client, "iac_create", {"type": "memo:note", "properties": {}})
        extra = await call(client, "iac_read", {"type": "memo:note", "id": "x", "bogus": 1})
        empty_key = await call(client, "iac_create", {**CREATE, "idempotency_key": ""})
        bad_filter = await call(client, "iac_list", {"type": "memo:note", "filter": {"name": "x"}})
    assert missing["error"]["code"] == "VALIDATION"
    assert {d["path"] for d in missing["error"]["details"]} == {"name", "urn", "idempotency_key"}
    assert "invalid arguments for iac_create: argument 'name'" in missing["error"]["message"]
    assert [d["path"] for d in extra["error"]["details"]] == ["bogus"]
    assert [d["path"] for d in empty_key["error"]["details"]] == ["idempotency_key"]
    assert [d["path"] for d in bad_filter["error"]["details"]] == ["filter.name"]
    assert handler.calls == []


async def test_an_unknown_type_is_a_validation_error_listing_the_offered_types(mode: str) -> None:
    provider, _ = memo_provider()
    async with Client(provider.build(), mode=mode) as client:
        envelope = await call(client, "iac_validate", {"type": "memo:nope", "properties": {}})
    assert envelope["error"]["code"] == "VALIDATION"
    assert envelope["error"]["message"] == (
        "unknown resource type 'memo:nope'; this provider offers: memo:note"
    )


async def test_validate_reports_issues_as_data_not_as_an_error(mode: str) -> None:
    provider, _ = memo_provider()
    async with Client(provider.build(), mode=mode) as client:
        good = await call(
            client, "iac_validate", {"type": "memo:note", "properties": {"text": "x"}}
        )
        bad = await call(client, "iac_validate", {"type": "memo:note", "properties": {}})
    assert good["data"] == {"valid": True, "errors": []}
    assert bad["success"] is True
    assert bad["data"] == {
        "valid": False,
        "errors": [{"path": "text", "message": "Field required"}],
    }


async def test_a_provider_error_keeps_its_code_retryability_and_details(mode: str) -> None:
    handler = MemoHandler()
    handler.faults.create_raises = ProviderError(
        "CONFLICT", "shelf is full", retryable=True, details={"shelf": "a", "free": 0}
    )
    provider, _ = memo_provider(handler)
    async with Client(provider.build(), mode=mode) as client:
        envelope = await call(client, "iac_create", CREATE)
    assert envelope["error"] == {
        "code": "CONFLICT",
        "message": "shelf is full",
        "details": {"shelf": "a", "free": 0},
        "retryable": True,
    }


async def test_a_retryable_code_is_marked_retryable_by_default(mode: str) -> None:
    handler = MemoHandler()
    handler.faults.update_raises = ProviderError("RATE_LIMITED", "slow down")
    provider, _ = memo_provider(handler)
    args = {"type": "memo:note", "id": "x", "old": {"text": "a"}, "new": {"text": "b"}}
    async with Client(provider.build(), mode=mode) as client:
        envelope = await call(client, "iac_update", args)
    assert (envelope["error"]["code"], envelope["error"]["retryable"]) == ("RATE_LIMITED", True)


async def test_any_other_exception_becomes_internal_with_its_message(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    handler = MemoHandler()
    handler.faults.create_raises = RuntimeError("disk on fire")
    provider, _ = memo_provider(handler)
    async with Client(provider.build(), mode=mode) as client:
        envelope = await call(client, "iac_create", CREATE)
    assert envelope["error"] == {
        "code": "INTERNAL",
        "message": "disk on fire",
        "details": {"exception": "RuntimeError"},
        "retryable": False,
    }
    assert "memo" in caplog.text  # logged on the provider's side, with the traceback
    assert "disk on fire" in caplog.text


async def test_delete_of_a_missing_object_succeeds_even_when_the_handler_says_not_found(
    mode: str,
) -> None:
    class Strict(MemoHandler):
        async def delete(self, id_: str, props: object) -> None:
            raise ProviderError("NOT_FOUND", f"'{id_}' is not there")

    provider, _ = memo_provider(Strict())
    async with Client(provider.build(), mode=mode) as client:
        envelope = await call(client, "iac_delete", {"type": "memo:note", "id": "gone"})
    assert envelope["success"] is True


async def test_read_and_delete_pass_none_when_the_properties_do_not_fit(mode: str) -> None:
    seen: list[object] = []

    class Spy(MemoHandler):
        async def read(self, id_: str, props: Any) -> None:
            seen.append(props)

    provider, _ = memo_provider(Spy())
    async with Client(provider.build(), mode=mode) as client:
        await call(client, "iac_read", {"type": "memo:note", "id": "x", "properties": {"a": 1}})
        await call(
            client, "iac_read", {"type": "memo:note", "id": "x", "properties": {"text": "t"}}
        )
    assert seen[0] is None
    assert getattr(seen[1], "text", None) == "t"


async def test_diff_reports_changed_paths_and_replace_on_change(mode: str) -> None:
    provider, _ = memo_provider()
    async with Client(provider.build(), mode=mode) as client:
        text = await call(
            client,
            "iac_diff",
            {"type": "memo:note", "old": {"text": "a"}, "new": {"text": "b", "shelf": "a"}},
        )
        shelf = await call(
            client,
            "iac_diff",
            {"type": "memo:note", "old": {"text": "a"}, "new": {"text": "a", "shelf": "b"}},
        )
    # Defaults count as given: shelf "a" is no change.
    assert text["data"] == {"changed": ["text"], "replace": False, "replace_paths": []}
    assert shelf["data"] == {"changed": ["shelf"], "replace": True, "replace_paths": ["shelf"]}


async def test_health_answers_ok_without_a_hook_and_uses_the_hook_when_given(mode: str) -> None:
    provider, _ = memo_provider()
    async with Client(provider.build(), mode=mode) as client:
        plain = await call(client, "iac_health", {})
    assert plain["data"]["status"] == "ok"
    assert plain["data"]["latency_ms"] >= 0

    provider, _ = memo_provider()

    @provider.health_check
    async def check() -> HealthResult:
        return HealthResult(status="degraded", backend_version="memo-db 9")

    async with Client(provider.build(), mode=mode) as client:
        hooked = await call(client, "iac_health", {})
    assert hooked["data"]["status"] == "degraded"
    assert hooked["data"]["backend_version"] == "memo-db 9"
    assert hooked["data"]["latency_ms"] > 0  # measured by the SDK


async def test_a_failing_health_hook_is_the_answer(mode: str) -> None:
    provider, _ = memo_provider()

    @provider.health_check
    async def check() -> HealthResult:
        raise ProviderError("UNAVAILABLE", "backend unreachable")

    async with Client(provider.build(), mode=mode) as client:
        envelope = await call(client, "iac_health", {})
    assert envelope["error"]["code"] == "UNAVAILABLE"
    assert envelope["error"]["retryable"] is True


class Savepoints:
    def __init__(self) -> None:
        self.log: list[str] = []

    async def begin(self) -> str:
        self.log.append("begin")
        return "rev-1"

    async def commit(self, transaction_id: str) -> None:
        self.log.append(f"commit {transaction_id}")

    async def rollback(self, transaction_id: str) -> None:
        self.log.append(f"rollback {transaction_id}")


async def test_transactions_are_offered_when_the_provider_supplies_them(mode: str) -> None:
    provider, _ = memo_provider()
    tx = Savepoints()
    provider.transactions(tx)
    async with Client(provider.build(), mode=mode) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        described = await call(client, "iac_describe", {})
        begun = await call(client, "iac_begin", {})
        committed = await call(client, "iac_commit", {"transaction_id": "rev-1"})
        rolled = await call(client, "iac_rollback", {"transaction_id": "rev-1"})
        missing = await call(client, "iac_commit", {})
    assert set(TRANSACTION_TOOLS) <= tools
    assert described["data"]["transactions"] is True
    assert begun["data"] == {"transaction_id": "rev-1"}
    assert committed["data"] == rolled["data"] == {"transaction_id": "rev-1"}
    assert missing["error"]["code"] == "VALIDATION"
    assert tx.log == ["begin", "commit rev-1", "rollback rev-1"]


async def test_a_handler_returning_the_wrong_shape_is_an_internal_error(mode: str) -> None:
    class Sloppy(MemoHandler):
        async def update(self, id_: str, old: Any, new: Any) -> Any:
            return {"length": 1}

    provider, _ = memo_provider(Sloppy())
    args = {"type": "memo:note", "id": "x", "old": {"text": "a"}, "new": {"text": "b"}}
    async with Client(provider.build(), mode=mode) as client:
        envelope = await call(client, "iac_update", args)
    assert envelope["error"]["code"] == "INTERNAL"
    assert envelope["error"]["message"] == (
        "handler of memo:note: update returned outputs of type dict, expected MemoOutputs"
    )


async def test_calls_run_concurrently(mode: str) -> None:
    """A slow call does not hold up another one on the same connection."""
    release = anyio.Event()
    order: list[str] = []

    class Slow(MemoHandler):
        async def read(self, id_: str, props: Any) -> None:
            if id_ == "slow":
                await release.wait()
            order.append(id_)

    provider, _ = memo_provider(Slow())
    async with Client(provider.build(), mode=mode) as client, anyio.create_task_group() as tg:
        tg.start_soon(call, client, "iac_read", {"type": "memo:note", "id": "slow"})
        await call(client, "iac_read", {"type": "memo:note", "id": "fast"})
        release.set()
    assert order == ["fast", "slow"]


def test_the_service_answers_without_mcp() -> None:
    provider, _ = memo_provider()
    envelope = anyio.run(provider.service().call, "iac_create", CREATE)
    assert envelope.success
    assert envelope.data is not None
    unknown = anyio.run(provider.service().call, "iac_nope", {})
    assert unknown.error is not None
    assert unknown.error.code == "VALIDATION"
    assert "unknown tool 'iac_nope'" in unknown.error.message


def test_an_empty_provider_cannot_be_built() -> None:
    with pytest.raises(ValueError, match="has no resource types"):
        IacProvider("empty", version="1").build()


async def test_objects_sent_as_json_text_are_accepted_like_the_mcp_sdk_does(mode: str) -> None:
    provider, handler = memo_provider()
    async with Client(provider.build(), mode=mode) as client:
        created = await call(client, "iac_create", {**CREATE, "properties": '{"text": "hi"}'})
    assert [p.text for _, _, p in handler.objects.values()] == ["hi"]
    async with Client(provider.build(), mode=mode) as client:
        not_json = await call(client, "iac_create", {**CREATE, "properties": "{text: hi}"})
    assert created["success"] is True
    assert not_json["error"]["code"] == "VALIDATION"
    assert [d["path"] for d in not_json["error"]["details"]] == ["properties"]
