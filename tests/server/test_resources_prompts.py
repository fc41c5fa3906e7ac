"""Resources (deployments, each one's state and graph) and prompts (deploy, troubleshoot,
review a plan)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from mcp.shared.exceptions import MCPError

from .conftest import MODES, Served, document


def _chain() -> dict[str, Any]:
    doc = document(files={"base": "base\n"})
    doc["spec"]["resources"].append(
        {
            "type": "local:file",
            "name": "derived",
            "properties": {"path": "derived.txt", "content": "${local:file:base.sha256}"},
        }
    )
    return doc


async def _applied(client: Any, doc: dict[str, Any]) -> None:
    planned = await client.call_tool("plan", {"document": doc})
    result = await client.call_tool("apply", {"plan_id": planned.structured_content["plan_id"]})
    assert result.structured_content["status"] == "succeeded"


@pytest.mark.parametrize("mode", MODES)
def test_resources_list_the_deployments_and_show_state_and_graph(
    served: Callable[..., Served], mode: str
) -> None:
    s = served()

    async def scenario() -> tuple[list[str], list[str], str, str, str]:
        async with s.client(mode) as client:
            await _applied(client, _chain())
            static = [r.uri for r in (await client.list_resources()).resources]
            templates = [
                t.uri_template for t in (await client.list_resource_templates()).resource_templates
            ]
            listed = (await client.read_resource("iac://deployments")).contents[0].text
            state = (await client.read_resource("iac://deployments/hello/state")).contents[0].text
            graph = (await client.read_resource("iac://deployments/hello/graph")).contents[0].text
        return static, templates, listed, state, graph

    static, templates, listed, state, graph = anyio.run(scenario)
    assert static == ["iac://deployments"]
    assert sorted(templates) == [
        "iac://deployments/{name}/graph",
        "iac://deployments/{name}/state",
    ]
    assert [d["name"] for d in json.loads(listed)["deployments"]] == ["hello"]
    assert [r["address"] for r in json.loads(state)["resources"]] == [
        "local:file:base",
        "local:file:derived",
    ]
    assert graph == ('graph LR\n  n0["local:file:base"]\n  n1["local:file:derived"]\n  n0 --> n1\n')


def test_reading_the_state_of_an_unknown_deployment_is_an_error_naming_it(
    served: Callable[..., Served],
) -> None:
    s = served()

    async def scenario() -> MCPError | None:
        async with s.client("auto") as client:
            try:
                await client.read_resource("iac://deployments/nope/state")
            except MCPError as exc:
                return exc
        return None

    error = anyio.run(scenario)
    assert error is not None
    assert "no deployment named 'nope' is recorded" in error.message


@pytest.mark.parametrize("mode", MODES)
def test_the_prompts_guide_deploying_troubleshooting_and_reviewing(
    served: Callable[..., Served], mode: str
) -> None:
    s = served()

    async def scenario() -> tuple[list[str], str, str, str]:
        async with s.client(mode) as client:
            names = [p.name for p in (await client.list_prompts()).prompts]
            deploy = await client.get_prompt("deploy", {"request": "a Minecraft server"})
            trouble = await client.get_prompt("troubleshoot", {"deployment": "hello"})
            planned = await client.call_tool("plan", {"document": document()})
            plan_id = planned.structured_content["plan_id"]
            review = await client.get_prompt("review-plan", {"plan_id": plan_id})
        return (
            names,
            deploy.messages[0].content.text,
            trouble.messages[0].content.text,
            review.messages[0].content.text,
        )

    names, deploy, trouble, review = anyio.run(scenario)
    assert sorted(names) == ["deploy", "review-plan", "troubleshoot"]
    assert 'The person asks: "a Minecraft server"' in deploy
    assert "you cannot approve for them" in deploy
    assert "Troubleshoot the deployment 'hello'" in trouble
    assert "+ local:file:greeting  (create: not yet created)" in review
    assert "made by\n'local' from document" in review
