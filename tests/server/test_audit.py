"""Every call is recorded in the audit events, with the caller's token id (``local`` when
there is no token) and the outcome; values of object arguments never reach the log."""

from __future__ import annotations

import json
from collections.abc import Callable

import anyio

from mcp_iac.server._orchestrator import NO_DEPLOYMENT

from .conftest import Served, document


def test_every_tool_call_is_recorded_with_caller_arguments_and_outcome(
    served: Callable[..., Served],
) -> None:
    s = served()
    doc = document()
    doc["spec"]["variables"] = {"password": {"type": "string", "default": "x"}}

    async def scenario() -> None:
        async with s.client("auto") as client:
            await client.call_tool("list_deployments", {})
            planned = await client.call_tool(
                "plan", {"document": doc, "variables": {"password": "hunter2"}}
            )
            plan_id = planned.structured_content["plan_id"]
            await client.call_tool("apply", {"plan_id": plan_id})
            await client.call_tool("state", {"deployment": "nope"})
            await client.read_resource("iac://deployments/hello/state")

    anyio.run(scenario)
    events = [e for e in s.project.state.events("hello") if e.kind.startswith("mcp.")]
    apply_rounds = [e for e in events if e.kind == "mcp.apply"]
    assert [e.kind for e in events[:1]] == ["mcp.plan"]
    plan_event = events[0]
    assert plan_event.message == "tool plan by 'local': ok"
    assert plan_event.data["token"] == "local"
    assert plan_event.data["arguments"] == {
        "document": "(object with keys apiVersion, kind, metadata, spec)",
        "variables": "(object with keys password)",
    }
    assert plan_event.data["plan_id"].startswith("plan-")
    assert "hunter2" not in str([e.data for e in events])

    # the 2026-07-28 round trip: the first call asks, the second applies
    assert [e.data["outcome"] for e in apply_rounds] == ["asked the user", "ok"]
    assert apply_rounds[-1].data["decision"] == "approved"
    assert apply_rounds[-1].data["approved_by"] == "the user"
    assert apply_rounds[-1].data["status"] == "succeeded"
    others = [e for e in s.project.state.events(NO_DEPLOYMENT) if e.kind.startswith("mcp.")]
    assert [e.kind for e in others] == ["mcp.list_deployments"]
    [read] = [e for e in s.project.state.events("hello") if e.kind == "mcp.resource"]
    assert read.message == "resource iac://deployments/hello/state by 'local': ok"
    failed = [e for e in s.project.state.events("nope") if e.kind == "mcp.state"]
    assert failed[0].data["outcome"] == "error"
    assert "no deployment named 'nope' is recorded" in failed[0].data["error"]


def test_a_document_given_as_text_is_summarised_in_the_log(served: Callable[..., Served]) -> None:
    s = served()
    text = json.dumps(document(files={"greeting": "password=hunter2"}))

    async def scenario() -> None:
        async with s.client("auto") as client:
            await client.call_tool("plan", {"document": text})

    anyio.run(scenario)
    [event] = [e for e in s.project.state.events("hello") if e.kind == "mcp.plan"]
    assert event.data["arguments"] == {"document": f"(text, {len(text)} characters)"}
    assert "hunter2" not in str(event.data)
