"""The tools in memory (``Client(server)``): schemas, planning, reading, progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest
import yaml

from .conftest import MODES, Served, document

ALL_TOOLS = {
    "list_servers",
    "list_resource_types",
    "list_deployments",
    "list_patterns",
    "state",
    "outputs",
    "history",
    "drift",
    "interpret",
    "plan",
    "apply",
    "destroy",
    "restore",
}


@pytest.mark.parametrize("mode", MODES)
def test_every_tool_publishes_an_input_and_an_output_schema(
    served: Callable[..., Served], mode: str
) -> None:
    s = served()

    async def scenario() -> list[Any]:
        async with s.client(mode) as client:
            return list((await client.list_tools()).tools)

    tools = anyio.run(scenario)
    assert {t.name for t in tools} == ALL_TOOLS
    for tool in tools:
        assert tool.input_schema["type"] == "object", tool.name
        assert tool.output_schema is not None, tool.name
        assert tool.output_schema["type"] == "object", tool.name
        assert tool.description, tool.name
    by_name = {t.name: t for t in tools}
    assert by_name["state"].annotations.read_only_hint is True
    assert by_name["apply"].annotations.destructive_hint is True
    assert set(by_name["plan"].output_schema["required"]) >= {
        "plan_id",
        "summary",
        "review",
        "policies",
    }


def test_plan_returns_an_id_counts_a_readable_diff_and_policy_results(
    served: Callable[..., Served],
) -> None:
    s = served()

    async def scenario() -> dict[str, Any]:
        async with s.client("auto") as client:
            result = await client.call_tool("plan", {"document": document()})
        assert not result.is_error, result.content
        return dict(result.structured_content)

    out = anyio.run(scenario)
    assert out["plan_id"].startswith("plan-")
    assert out["deployment"] == "hello"
    assert out["has_changes"] is True
    assert out["summary"] == {
        "create": 1,
        "update": 0,
        "replace": 0,
        "delete": 0,
        "no-op": 0,
        "read": 0,
    }
    assert out["review"] == (
        "Plan for deployment 'hello'\n"
        "\n"
        "  + local:file:greeting  (create: not yet created)\n"
        '      path    = "greeting.txt"\n'
        '      content = "hi\\n"\n'
        "\n"
        "Plan: 1 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged."
    )
    assert out["steps"] == [
        {
            "address": "local:file:greeting",
            "action": "create",
            "reason": "not yet created",
            "changed_paths": [],
        }
    ]
    assert out["policies"]["checked"] is True
    assert out["policies"]["passed"] is True
    assert out["policies"]["evaluated"]  # the default packs ran
    assert f'plan_id="{out["plan_id"]}"' in out["next"]
    assert not (s.root / "greeting.txt").exists()  # planning changes nothing


def test_plan_takes_the_document_as_yaml_text_and_variables(
    served: Callable[..., Served],
) -> None:
    s = served()
    doc = document(files={"greeting": "${word}\n"})
    doc["spec"]["variables"] = {"word": {"type": "string"}}

    async def scenario() -> dict[str, Any]:
        async with s.client("auto") as client:
            result = await client.call_tool(
                "plan", {"document": yaml.safe_dump(doc), "variables": {"word": "hey"}}
            )
        assert not result.is_error, result.content
        return dict(result.structured_content)

    out = anyio.run(scenario)
    assert 'content = "hey\\n"' in out["review"]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("kind: [", "the deployment document is not valid YAML or JSON"),
        ({"kind": "Deployment"}, "the plan request"),
        (
            {
                **document(),
                "spec": {"resources": [{"type": "local:fil", "name": "x", "properties": {}}]},
            },
            "server 'local' offers no resource type 'local:fil'",
        ),
    ],
)
def test_a_bad_document_is_a_tool_error_saying_what_is_wrong(
    served: Callable[..., Served], doc: Any, message: str
) -> None:
    s = served()

    async def scenario() -> Any:
        async with s.client("auto") as client:
            return await client.call_tool("plan", {"document": doc})

    result = anyio.run(scenario)
    assert result.is_error
    assert message in result.content[0].text


def test_an_unchanged_deployment_plans_no_changes_and_runs_no_policy(
    served: Callable[..., Served],
) -> None:
    s = served()

    async def scenario() -> dict[str, Any]:
        async with s.client("auto") as client:
            first = await client.call_tool("plan", {"document": document()})
            await client.call_tool("apply", {"plan_id": first.structured_content["plan_id"]})
            again = await client.call_tool("plan", {"document": document()})
        return dict(again.structured_content)

    out = anyio.run(scenario)
    assert out["has_changes"] is False
    assert out["review"] == "Plan for deployment 'hello'\nNo changes. 1 resource(s) up to date."
    assert out["policies"] == {
        "checked": False,
        "passed": True,
        "evaluated": [],
        "summary": {},
        "results": [],
        "note": "nothing changes, so no policy ran",
    }
    assert out["next"] == "nothing to do: the infrastructure already matches"


def test_state_outputs_history_and_deployments_after_an_apply(
    served: Callable[..., Served],
) -> None:
    s = served()
    doc = document()
    doc["spec"]["outputs"] = {"where": "${local:file:greeting.path}"}

    async def scenario() -> dict[str, Any]:
        async with s.client("auto") as client:
            planned = await client.call_tool("plan", {"document": doc})
            await client.call_tool("apply", {"plan_id": planned.structured_content["plan_id"]})
            return {
                name: (await client.call_tool(name, args)).structured_content
                for name, args in [
                    ("list_deployments", {}),
                    ("state", {"deployment": "hello"}),
                    ("outputs", {"deployment": "hello"}),
                    ("history", {"deployment": "hello"}),
                ]
            }

    out = anyio.run(scenario)
    [deployment] = out["list_deployments"]["deployments"]
    assert (deployment["name"], deployment["version"], deployment["resources"]) == ("hello", 1, 1)
    [resource] = out["state"]["resources"]
    assert resource["address"] == "local:file:greeting"
    assert resource["id"] == str(s.root / "greeting.txt")
    assert resource["properties"] == {"path": "greeting.txt", "content": "hi\n"}
    assert out["outputs"] == {
        "deployment": "hello",
        "outputs": {"where": str(s.root / "greeting.txt")},
    }
    [run] = out["history"]["runs"]
    assert (run["kind"], run["status"], run["version"]) == ("apply", "succeeded", 1)
    assert run["intent"].startswith("mcp apply plan-")
    assert run["intent"].endswith(" by local")


def test_drift_reports_a_file_changed_outside_mcp_iac(served: Callable[..., Served]) -> None:
    s = served()

    async def scenario() -> dict[str, Any]:
        async with s.client("auto") as client:
            planned = await client.call_tool("plan", {"document": document()})
            await client.call_tool("apply", {"plan_id": planned.structured_content["plan_id"]})
            (s.root / "greeting.txt").write_text("changed by hand\n")
            return dict(
                (await client.call_tool("drift", {"deployment": "hello"})).structured_content
            )

    out = anyio.run(scenario)
    assert out["drifted"] is True
    assert out["resources"] == [
        {
            "address": "local:file:greeting",
            "status": "drifted",
            "error": None,
            "changes": [{"path": "content", "recorded": "hi\n", "actual": "changed by hand\n"}],
        }
    ]


def test_an_unknown_deployment_is_a_tool_error_listing_the_recorded_ones(
    served: Callable[..., Served],
) -> None:
    s = served()

    async def scenario() -> Any:
        async with s.client("auto") as client:
            return await client.call_tool("state", {"deployment": "nope"})

    result = anyio.run(scenario)
    assert result.is_error
    assert "no deployment named 'nope' is recorded" in result.content[0].text
    assert "hint: recorded: none" in result.content[0].text


def test_servers_and_resource_types_describe_the_local_provider(
    served: Callable[..., Served],
) -> None:
    s = served()

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], Any]:
        async with s.client("auto") as client:
            servers = await client.call_tool("list_servers", {})
            types = await client.call_tool("list_resource_types", {"server": "local"})
            unknown = await client.call_tool("list_resource_types", {"server": "nope"})
        return dict(servers.structured_content), dict(types.structured_content), unknown

    servers, types, unknown = anyio.run(scenario)
    assert servers["servers"] == [
        {"name": "local", "transport": "builtin", "target": "built-in local", "source": "built in"}
    ]
    by_type = {t["type"]: t for t in types["types"]}
    assert set(by_type) == {"local:file", "local:data", "local:command"}
    assert "path" in by_type["local:file"]["replace_on_changes"]
    assert by_type["local:file"]["properties"]["required"] == ["path"]
    assert unknown.is_error
    assert "no server named 'nope' is configured" in unknown.content[0].text


@pytest.mark.parametrize("mode", MODES)
def test_apply_reports_progress_for_every_step(served: Callable[..., Served], mode: str) -> None:
    s = served()
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async def scenario() -> None:
        async with s.client(mode) as client:
            planned = await client.call_tool(
                "plan", {"document": document(files={"a": "1", "b": "2"})}
            )
            plan_id = planned.structured_content["plan_id"]
            result = await client.call_tool(
                "apply", {"plan_id": plan_id}, progress_callback=on_progress
            )
        assert result.structured_content["status"] == "succeeded"

    anyio.run(scenario)
    done = [(p, t) for p, t, m in seen if m and m.endswith("create done")]
    assert sorted(done) == [(1, 2), (2, 2)]
    assert {m for _, _, m in seen} >= {
        "local:file:a: create…",
        "local:file:b: create…",
        "local:file:a: create done",
        "local:file:b: create done",
    }


def test_interpret_reads_a_restore_and_says_which_call_acts_on_it(
    served: Callable[..., Served],
) -> None:
    s = served()

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with s.client("auto") as client:
            planned = await client.call_tool("plan", {"document": document()})
            await client.call_tool("apply", {"plan_id": planned.structured_content["plan_id"]})
            known = await client.call_tool(
                "interpret", {"request": "Restore hello from last Tuesday"}
            )
            unknown = await client.call_tool(
                "interpret", {"request": "Restore production from last Tuesday"}
            )
        return dict(known.structured_content), dict(unknown.structured_content)

    known, unknown = anyio.run(scenario)
    assert known["kind"] == "restore"
    assert known["deployment"] == "hello"
    assert known["restore_at"] == "2026-11-17T23:59:59Z"  # the Tuesday before Thursday 19th
    assert known["next"] == 'call restore with deployment="hello" and at="2026-11-17T23:59:59Z"'
    assert unknown["deployment"] == "production"
    assert unknown["next"] == (
        "no deployment named 'production' is recorded (recorded: hello); ask the person which "
        "one they mean"
    )
