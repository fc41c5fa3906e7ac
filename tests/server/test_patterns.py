"""Patterns through the server: listed with their parameter schemas, read from words by
interpret, planned from a name and parameters, applied once approved. The project's own
pattern writes local files, so no backend is needed here (tests/e2e has the built-in
game-server on the OPNsense emulator and a private Docker engine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest

from .conftest import MODES, Served, document

CARD = """\
apiVersion: iac.mcp/v1
kind: Pattern
metadata:
  name: greeting-card
  description: A card file for someone, in as many copies as there are players.
spec:
  parameters:
    name: {type: string, pattern: "^[a-z][a-z0-9-]*$", description: Who the card is for}
    players: {type: integer, default: 1, minimum: 1, maximum: 9, description: Copies}
  deployment:
    metadata: {name: "card-{{ name }}"}
    spec:
      resources:
        - type: local:file
          name: "{{ name }}"
          properties: {path: "card-{{ name }}.txt", content: "hello {{ name }} x{{ players }}\\n"}
"""


def _with_card(s: Served) -> Served:
    (s.root / "patterns").mkdir()
    (s.root / "patterns" / "card.yaml").write_text(CARD)
    return s


def test_list_patterns_shows_the_built_ins_and_the_projects_own_with_schemas(
    served: Callable[..., Served],
) -> None:
    s = _with_card(served())

    async def scenario() -> dict[str, Any]:
        async with s.client("auto") as client:
            return dict((await client.call_tool("list_patterns", {})).structured_content)

    out = anyio.run(scenario)
    by_name = {p["name"]: p for p in out["patterns"]}
    assert set(by_name) == {
        "load-balanced-web-app",
        "secure-database-cluster",
        "iot-edge",
        "dev-environment",
        "game-server",
        "pci-compliant-ecommerce",
        "greeting-card",
    }
    assert by_name["game-server"]["parameters"]["properties"]["players"]["default"] == 10
    assert by_name["greeting-card"]["parameters"]["required"] == ["name"]


@pytest.mark.parametrize("mode", MODES)
def test_a_request_in_words_becomes_a_pattern_plan_that_applies_once_approved(
    served: Callable[..., Served], mode: str
) -> None:
    s = _with_card(served())

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        async with s.client(mode) as client:
            read = await client.call_tool(
                "interpret", {"request": "Make a greeting card called ann for 3 players"}
            )
            reading = dict(read.structured_content)
            planned = await client.call_tool(
                "plan", {"pattern": reading["pattern"], "parameters": reading["parameters"]}
            )
            assert not planned.is_error, planned.content
            applied = await client.call_tool(
                "apply", {"plan_id": planned.structured_content["plan_id"]}
            )
        return reading, dict(planned.structured_content), dict(applied.structured_content)

    reading, planned, applied = anyio.run(scenario)
    assert reading["kind"] == "pattern"
    assert reading["parameters"] == {"name": "ann", "players": 3}
    assert reading["next"] == (
        'call plan with pattern="greeting-card" and parameters={"name": "ann", "players": 3}, '
        "then show the review to the person"
    )
    assert planned["deployment"] == "card-ann"
    assert "+ local:file:ann  (create: not yet created)" in planned["review"]
    assert applied["status"] == "succeeded"
    assert (s.root / "card-ann.txt").read_text() == "hello ann x3\n"
    events = [e for e in s.project.state.events("card-ann") if e.kind == "mcp.plan"]
    assert events[0].data["arguments"] == {
        "pattern": "greeting-card",
        "parameters": "(object with keys name, players)",
    }


def test_a_pattern_can_be_planned_under_another_deployment_name(
    served: Callable[..., Served],
) -> None:
    s = _with_card(served())

    async def scenario() -> dict[str, Any]:
        async with s.client("auto") as client:
            planned = await client.call_tool(
                "plan",
                {"pattern": "greeting-card", "parameters": {"name": "bo"}, "deployment": "cards"},
            )
        return dict(planned.structured_content)

    assert anyio.run(scenario)["deployment"] == "cards"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"pattern": "greeting-card", "parameters": {"players": 2}},
            "parameter 'name' is required",
        ),
        (
            {"pattern": "greeting-card", "parameters": {"name": "x", "player": 2}},
            "unknown parameter 'player'",
        ),
        ({"pattern": "greeting-crd", "parameters": {}}, "no pattern named 'greeting-crd'"),
        ({}, "give exactly one of document (a deployment) or pattern (a name)"),
        (
            {"pattern": "greeting-card", "document": document()},
            "give exactly one of document (a deployment) or pattern (a name)",
        ),
        (
            {"document": document(), "parameters": {"name": "x"}},
            "parameters and deployment go with a pattern, not with a document",
        ),
    ],
)
def test_a_pattern_plan_with_bad_arguments_says_what_is_wrong(
    served: Callable[..., Served], arguments: dict[str, Any], message: str
) -> None:
    s = _with_card(served())

    async def scenario() -> Any:
        async with s.client("auto") as client:
            return await client.call_tool("plan", arguments)

    result = anyio.run(scenario)
    assert result.is_error
    assert message in result.content[0].text
