"""``mcp-iac serve`` over real stdio (the client starts it, as Claude Desktop does), in both
protocol eras: plan, approval, apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from ._process import CLI, env
from .conftest import MODES, Answers, document


@pytest.mark.parametrize("mode", MODES)
def test_over_stdio_a_plan_is_applied_once_the_person_accepts(tmp_path: Path, mode: str) -> None:
    answers = Answers()
    params = StdioServerParameters(
        command=CLI[0], args=[*CLI[1:], "serve"], cwd=str(tmp_path), env=env()
    )

    async def scenario() -> tuple[list[str], dict[str, Any]]:
        client = Client(params, mode=mode, elicitation_callback=answers, cache=None)  # type: ignore[arg-type]  # auto | legacy
        async with client:
            names = [t.name for t in (await client.list_tools()).tools]
            planned = await client.call_tool("plan", {"document": document()})
            applied = await client.call_tool(
                "apply", {"plan_id": planned.structured_content["plan_id"]}
            )
        assert not applied.is_error, applied.content
        return names, dict(applied.structured_content)

    names, out = anyio.run(scenario)
    assert {"plan", "apply", "destroy", "interpret"} <= set(names)
    assert out["status"] == "succeeded"
    assert (tmp_path / "greeting.txt").read_text() == "hi\n"
    assert len(answers.asked) == 1
    assert (tmp_path / ".mcp-iac" / "state.db").exists()


def test_the_project_option_serves_a_directory_other_than_the_current_one(tmp_path: Path) -> None:
    project, elsewhere = tmp_path / "infra", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    params = StdioServerParameters(
        command=CLI[0],
        args=[*CLI[1:], "serve", "--project", str(project), "--auto-approve"],
        cwd=str(elsewhere),
        env=env(),
    )

    async def scenario() -> dict[str, Any]:
        async with Client(params, cache=None) as client:
            planned = await client.call_tool("plan", {"document": document()})
            applied = await client.call_tool(
                "apply", {"plan_id": planned.structured_content["plan_id"]}
            )
        return dict(applied.structured_content)

    out = anyio.run(scenario)
    assert out["approved_by"] == "auto-approve"
    assert (project / "greeting.txt").read_text() == "hi\n"
    assert (project / ".mcp-iac" / "state.db").exists()
    assert list(elsewhere.iterdir()) == []
