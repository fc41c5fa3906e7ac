"""``ProviderClient``: typed iac/1 calls over ``mcp.Client``, errors as ``ProviderError``."""

from __future__ import annotations

import inspect
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp_types import CallToolResult, ListToolsResult, TextContent

from mcp_iac.core import ProviderError
from mcp_iac.engine.ports import Provider
from mcp_iac.sdk import ProviderClient

from .memo import MemoHandler, memo_provider

pytestmark = pytest.mark.anyio


def test_a_provider_client_has_the_methods_of_the_engines_provider_port() -> None:
    port_methods = [n for n, v in vars(Provider).items() if inspect.iscoroutinefunction(v)]
    assert port_methods
    for name in port_methods:
        port = inspect.signature(getattr(Provider, name))
        ours = inspect.signature(getattr(ProviderClient, name))
        assert list(ours.parameters.values()) == list(port.parameters.values()), name
        returns = str(ours.return_annotation).replace("builtins.", "")
        assert returns == str(port.return_annotation), name


async def test_the_client_round_trips_typed_results(mode: str) -> None:
    provider, _ = memo_provider()
    async with Client(provider.build(), mode=mode) as session:
        client = ProviderClient(session, server="memo-1", timeout=10)
        schema = await client.describe()
        assert schema.type_schema("memo:note") is not None
        assert await client.validate("memo:note", {"text": "x"}) == []
        assert [i.path for i in await client.validate("memo:note", {})] == ["text"]
        created = await client.create(
            "memo:note",
            name="n",
            urn="d/memo:note:n",
            idempotency_key="k",
            properties={"text": "x"},
        )
        read = await client.read("memo:note", created.id, {})
        assert read.exists
        assert read.properties["text"] == "x"
        updated = await client.update(
            "memo:note", created.id, old={"text": "x"}, new={"text": "yz"}
        )
        assert updated.outputs["length"] == 2
        diff = await client.diff(
            "memo:note", created.id, old={"text": "x"}, new={"text": "x", "shelf": "b"}
        )
        assert diff.replace
        assert [i.id for i in await client.list("memo:note", {"idempotency_key": "k"})] == [
            created.id
        ]
        await client.delete("memo:note", created.id, {})
        await client.delete("memo:note", created.id, {})
        assert not (await client.read("memo:note", created.id, {})).exists
        assert (await client.health()).status == "ok"
        assert {t.name for t in await client.tools()} >= {"iac_create", "iac_diff"}


async def test_an_error_envelope_raises_the_provider_error_it_describes(mode: str) -> None:
    handler = MemoHandler()
    handler.faults.create_raises = ProviderError(
        "UNAVAILABLE", "backend down", details={"retry_after": 3}
    )
    provider, _ = memo_provider(handler)
    async with Client(provider.build(), mode=mode) as session:
        client = ProviderClient(session, server="memo-1")
        with pytest.raises(ProviderError) as info:
            await client.create(
                "memo:note", name="n", urn="u", idempotency_key="k", properties={"text": "x"}
            )
        envelope = await client.envelope("iac_create", {"type": "memo:note"}, dict)
    error = info.value
    assert (error.code, error.reason, error.retryable) == ("UNAVAILABLE", "backend down", True)
    assert error.details == {"retry_after": 3}
    assert error.server == "memo-1"
    assert str(error) == "server 'memo-1': UNAVAILABLE: backend down"
    assert envelope.success is False
    assert envelope.metadata.server == "memo"


async def test_delete_counts_not_found_as_deleted(mode: str) -> None:
    class Strict(MemoHandler):
        async def delete(self, id_: str, props: object) -> None:
            raise ProviderError("NOT_FOUND", "gone")

    class Broken(MemoHandler):
        async def delete(self, id_: str, props: object) -> None:
            raise ProviderError("CONFLICT", "in use")

    for handler, fails in ((Strict(), False), (Broken(), True)):
        provider, _ = memo_provider(handler)
        async with Client(provider.build(), mode=mode) as session:
            client = ProviderClient(session)
            if fails:
                with pytest.raises(ProviderError, match="CONFLICT: in use"):
                    await client.delete("memo:note", "x", {})
            else:
                await client.delete("memo:note", "x", {})


async def test_a_call_that_does_not_answer_in_time_is_a_retryable_timeout(mode: str) -> None:
    class Stuck(MemoHandler):
        async def read(self, id_: str, props: object) -> None:
            await anyio.Event().wait()

    provider, _ = memo_provider(Stuck())
    async with Client(provider.build(), mode=mode) as session:
        client = ProviderClient(session, server="memo-1", timeout=0.2)
        with pytest.raises(ProviderError) as info:
            await client.read("memo:note", "x", {})
    assert info.value.code == "TIMEOUT"
    assert info.value.retryable


class FakeSession:
    """A session that answers with whatever result it is given."""

    def __init__(self, result: CallToolResult | Exception) -> None:
        self.result = result

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        read_timeout_seconds: float | None = None,
    ) -> CallToolResult:
        if isinstance(self.result, Exception):
            raise self.result
        return self.result

    async def list_tools(self) -> ListToolsResult:
        return ListToolsResult(tools=[])


async def test_a_result_without_an_envelope_is_an_internal_error() -> None:
    plain = CallToolResult(
        content=[TextContent(type="text", text="Unknown tool: iac_diff")], is_error=True
    )
    client = ProviderClient(FakeSession(plain), server="s")
    with pytest.raises(
        ProviderError, match="iac_diff answered without an iac/1 envelope: Unknown tool"
    ) as info:
        await client.diff("t:x", "1", old={}, new={})
    assert info.value.code == "INTERNAL"


async def test_an_envelope_in_text_content_is_enough() -> None:
    text = (
        '{"success": false, "error": {"code": "CONFLICT", "message": "taken"},'
        ' "metadata": {"timestamp": "2026-01-01T00:00:00Z", "duration_ms": 1,'
        ' "server": "s", "version": "1"}}'
    )
    result = CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)
    with pytest.raises(ProviderError, match="CONFLICT: taken") as info:
        await ProviderClient(FakeSession(result)).health()
    assert info.value.retryable is False


async def test_a_malformed_envelope_is_an_internal_error() -> None:
    result = CallToolResult(content=[], structured_content={"success": True, "data": {}})
    with pytest.raises(
        ProviderError,
        match=r"malformed iac/1 envelope: data\.status: Field required; metadata: Field required",
    ):
        await ProviderClient(FakeSession(result)).health()


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (anyio.ClosedResourceError(), "UNAVAILABLE"),
        (anyio.BrokenResourceError(), "UNAVAILABLE"),
        (ConnectionRefusedError("refused"), "UNAVAILABLE"),
        (RuntimeError("Invalid structured content returned by tool iac_health"), "INTERNAL"),
    ],
)
async def test_transport_failures_become_provider_errors(failure: Exception, code: str) -> None:
    with pytest.raises(ProviderError) as info:
        await ProviderClient(FakeSession(failure), server="s").health()
    assert info.value.code == code
    assert info.value.server == "s"
