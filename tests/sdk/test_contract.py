"""The contract suite: it passes a provider that keeps the iac/1 promises and names each one a
provider breaks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from mcp_types import CallToolResult, ListToolsResult, TextContent, Tool

from mcp_iac.protocol import (
    TOOL_SPECS,
    HealthResult,
    ProviderSchema,
    ResourceTypeSchema,
    envelope_json,
    metadata,
    success_envelope,
)
from mcp_iac.sdk import ContractReport, Sample, run_contract

from .memo import Faults, MemoHandler, memo_provider

pytestmark = pytest.mark.anyio


def statuses(report: ContractReport) -> dict[str, str]:
    return {f"{c.type}: {c.name}" if c.type else c.name: c.status for c in report.checks}


async def run(handler: MemoHandler, mode: str = "auto", **kwargs: Any) -> ContractReport:
    provider, _ = memo_provider(handler)
    async with Client(provider.build(), mode=mode) as client:
        return await run_contract(client, **kwargs)


async def test_a_provider_keeping_its_promises_passes_every_check(mode: str) -> None:
    handler = MemoHandler()
    report = await run(handler, mode)
    assert report.passed, report.render()
    assert statuses(report) == {
        "describe": "passed",
        "tools": "passed",
        "health": "passed",
        "memo:note: validate": "passed",
        "memo:note: invalid-properties": "passed",
        "memo:note: round-trip": "passed",
        "memo:note: idempotent-create": "passed",
        "memo:note: list-by-key": "passed",
        "memo:note: delete-missing": "passed",
    }
    assert (report.provider, report.version, report.protocol) == ("memo", "2.1.0", "iac/1")
    assert handler.objects == {}  # everything the suite made is gone
    assert "update" in handler.calls  # the example's update variant was exercised


async def test_a_create_that_ignores_the_key_fails_idempotency_and_the_checks_after_it() -> None:
    handler = MemoHandler(faults=Faults(create_ignores_key=True))
    report = await run(handler)
    failed = {c.name: c.message for c in report.failures}
    assert set(failed) == {"idempotent-create", "list-by-key", "delete-missing"}
    assert failed["idempotent-create"].startswith("the second create returned '")
    assert failed["list-by-key"].startswith("list by key found ['")
    assert handler.objects == {}  # both objects were cleaned up


async def test_a_read_that_does_not_return_what_was_created_fails_the_round_trip() -> None:
    report = await run(MemoHandler(faults=Faults(read_lies=True)))
    (failure,) = [c for c in report.failures if c.name == "round-trip"]
    assert failure.message == (
        "read after create: property 'text' is 'something else', expected 'hello'"
    )


async def test_a_delete_of_a_missing_object_that_fails_is_reported() -> None:
    report = await run(MemoHandler(faults=Faults(delete_missing_fails=True)))
    assert [c.name for c in report.failures] == ["delete-missing"]
    assert "unexpected error INTERNAL: memo" in report.failures[0].message


async def test_samples_override_examples_and_invalid_samples_are_checked() -> None:
    handler = MemoHandler()
    sample = Sample(
        properties={"text": "from the caller", "labels": {"zone": "x"}},
        invalid={"text": "ok", "labels": {"zone": 5}},
        invalid_path="labels.zone",
    )
    report = await run(handler, samples={"memo:note": sample})
    assert report.passed, report.render()
    round_trip = next(c for c in report.checks if c.name == "round-trip")
    assert round_trip.message == "no update sample: update not exercised"
    assert "update" not in handler.calls


async def test_an_invalid_sample_that_is_accepted_fails_the_check() -> None:
    sample = Sample(properties={"text": "a"}, invalid={"text": "fine"}, invalid_path="text")
    report = await run(MemoHandler(), samples={"memo:note": sample})
    (failure,) = report.failures
    assert failure.name == "invalid-properties"
    assert failure.message == "validate accepted invalid properties {'text': 'fine'}"


async def test_types_can_be_selected_and_unknown_ones_are_failures() -> None:
    report = await run(MemoHandler(), types=["memo:note", "memo:ghost"])
    assert [(c.type, c.message) for c in report.failures] == [
        ("memo:ghost", "type 'memo:ghost' is not offered")
    ]


async def test_the_report_renders_for_people_and_dumps_for_machines() -> None:
    report = await run(MemoHandler(faults=Faults(read_lies=True)))
    text = report.render()
    assert text.splitlines()[0] == "memo 2.1.0 (iac/1): 8 passed, 1 failed, 0 skipped"
    assert "  FAIL  memo:note: round-trip - read after create: property 'text'" in text
    dumped = json.loads(report.model_dump_json())
    assert dumped["checks"][0] == {
        "name": "describe",
        "title": "describe is consistent (protocol, type names, schemas, replace and secret paths)",
        "status": "passed",
        "message": "",
        "type": None,
    }


class ScriptedSession:
    """An MCP session whose tools answer with fixed data: a provider written by someone else."""

    def __init__(self, answers: dict[str, Any], tools: list[str]) -> None:
        self.answers = answers
        self.tool_names = tools

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        read_timeout_seconds: float | None = None,
    ) -> CallToolResult:
        envelope = envelope_json(
            success_envelope(self.answers[name], metadata(server="odd", version="0"))
        )
        text = TextContent(type="text", text=json.dumps(envelope))
        return CallToolResult(content=[text], structured_content=envelope)

    async def list_tools(self) -> ListToolsResult:
        return ListToolsResult(
            tools=[
                Tool(
                    name=n,
                    input_schema={"type": "object"},
                    output_schema=TOOL_SPECS[n].output_schema() if n != "iac_read" else None,
                )
                for n in self.tool_names
            ]
        )


async def test_an_inconsistent_describe_and_missing_tools_are_reported() -> None:
    odd = ProviderSchema(
        name="odd",
        version="0",
        protocol="iac/2",
        types=(
            ResourceTypeSchema(
                type="other:thing",
                properties={"type": "object", "properties": {"a": {"type": "string"}}},
                outputs={"type": "object", "properties": {}, "additionalProperties": False},
                replace_on_changes=("b",),
                secret_paths=("c",),
            ),
        ),
    )
    session = ScriptedSession(
        {"iac_describe": odd, "iac_health": HealthResult(status="ok")},
        tools=["iac_describe", "iac_health", "iac_read", "iac_begin"],
    )
    report = await run_contract(session)
    failed = {c.name: c.message for c in report.failures}
    assert failed["describe"] == (
        "protocol is 'iac/2', expected 'iac/1'; type 'other:thing' does not start with 'odd:'; "
        "other:thing: replaceOnChanges not in the properties: ['b']; "
        "other:thing: secretPaths not in properties or outputs: ['c']"
    )
    assert failed["tools"] == (
        "missing tools: iac_create, iac_delete, iac_list, iac_update, iac_validate"
    )
    assert statuses(report)["other:thing: round-trip"] == "skipped"
