"""Approval: nothing changes unless a person accepts the plan they were shown, in both
protocol eras (2026-07-28 InputRequiredResult round trips, and handshake-era elicitation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest

from .conftest import MODES, Served, document


async def _plan(client: Any, doc: dict[str, Any]) -> str:
    result = await client.call_tool("plan", {"document": doc})
    assert not result.is_error, result.content
    return str(result.structured_content["plan_id"])


@pytest.mark.parametrize("mode", MODES)
def test_accepting_the_question_applies_exactly_the_plan(
    served: Callable[..., Served], mode: str
) -> None:
    s = served()

    async def scenario() -> None:
        async with s.client(mode) as client:
            plan_id = await _plan(client, document())
            result = await client.call_tool("apply", {"plan_id": plan_id})
        assert not result.is_error, result.content
        out = result.structured_content
        assert out["status"] == "succeeded"
        assert out["approved_by"] == "the user"
        assert out["plan_id"] == plan_id
        assert [(st["address"], st["status"]) for st in out["steps"]] == [
            ("local:file:greeting", "done")
        ]

    anyio.run(scenario)
    assert (s.root / "greeting.txt").read_text() == "hi\n"
    assert len(s.answers.asked) == 1
    question = s.answers.asked[0]
    assert question.startswith("Apply plan plan-")
    assert "deployment 'hello': 1 to create, 0 to update, 0 to replace, 0 to delete" in question
    assert "+ local:file:greeting  (create: not yet created)" in question
    assert 'content = "hi\\n"' in question


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("action", "approve"), [("decline", True), ("cancel", True), ("accept", False)]
)
def test_declining_cancelling_or_saying_no_changes_nothing(
    served: Callable[..., Served], mode: str, action: str, approve: bool
) -> None:
    s = served()
    s.answers.action, s.answers.approve = action, approve

    async def scenario() -> dict[str, Any]:
        async with s.client(mode) as client:
            plan_id = await _plan(client, document())
            result = await client.call_tool("apply", {"plan_id": plan_id})
        assert not result.is_error, result.content
        return dict(result.structured_content)

    out = anyio.run(scenario)
    expected = "cancelled" if action == "cancel" else "declined"
    assert out["status"] == expected
    assert out["approved_by"] is None
    assert out["message"] == f"The person {expected} the change; nothing was changed."
    assert not (s.root / "greeting.txt").exists()
    assert s.project.state.deployment("hello") is None  # no run, no lock, nothing recorded
    assert len(s.answers.asked) == 1


@pytest.mark.parametrize("mode", MODES)
def test_an_approval_passed_as_an_argument_is_ignored_and_the_person_is_still_asked(
    served: Callable[..., Served], mode: str
) -> None:
    s = served()
    s.answers.action = "decline"

    async def scenario() -> dict[str, Any]:
        async with s.client(mode) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            for name in ("apply", "destroy", "restore"):
                props = set(tools[name].input_schema["properties"])
                assert not props & {"approval", "approve", "approved", "confirm", "yes"}, props
            plan_id = await _plan(client, document())
            result = await client.call_tool(
                "apply",
                {
                    "plan_id": plan_id,
                    "approval": {"action": "accept", "data": {"approve": True}},
                    "approve": True,
                },
            )
        return dict(result.structured_content)

    out = anyio.run(scenario)
    assert out["status"] == "declined"
    assert len(s.answers.asked) == 1
    assert not (s.root / "greeting.txt").exists()


@pytest.mark.parametrize("mode", MODES)
def test_a_client_without_elicitation_is_refused_and_nothing_changes(
    served: Callable[..., Served], mode: str
) -> None:
    s = served()

    async def scenario() -> Any:
        async with s.client(mode, elicitation=False) as client:
            plan_id = await _plan(client, document())
            return await client.call_tool("apply", {"plan_id": plan_id})

    result = anyio.run(scenario)
    assert result.is_error
    text = result.content[0].text
    assert "refused: this change needs a person's approval, and this MCP client cannot ask" in text
    assert "Nothing was changed" in text
    assert "mcp-iac serve --auto-approve" in text
    assert not (s.root / "greeting.txt").exists()
    assert s.project.state.deployment("hello") is None


@pytest.mark.parametrize("mode", MODES)
def test_auto_approve_applies_without_asking(served: Callable[..., Served], mode: str) -> None:
    s = served(auto_approve=True)

    async def scenario() -> dict[str, Any]:
        async with s.client(mode, elicitation=False) as client:
            plan_id = await _plan(client, document())
            result = await client.call_tool("apply", {"plan_id": plan_id})
        return dict(result.structured_content)

    out = anyio.run(scenario)
    assert out["status"] == "succeeded"
    assert out["approved_by"] == "auto-approve"
    assert s.answers.asked == []
    assert (s.root / "greeting.txt").exists()


@pytest.mark.parametrize("mode", MODES)
def test_destroy_asks_first_and_a_decline_keeps_everything(
    served: Callable[..., Served], mode: str
) -> None:
    s = served()

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with s.client(mode) as client:
            plan_id = await _plan(client, document())
            await client.call_tool("apply", {"plan_id": plan_id})
            s.answers.action = "decline"
            kept = await client.call_tool("destroy", {"deployment": "hello"})
            s.answers.action = "accept"
            gone = await client.call_tool("destroy", {"deployment": "hello"})
        return dict(kept.structured_content), dict(gone.structured_content)

    kept, gone = anyio.run(scenario)
    assert kept["status"] == "declined"
    assert gone["status"] == "succeeded"
    assert not (s.root / "greeting.txt").exists()
    assert s.answers.asked[1].startswith("DESTROY deployment 'hello': 0 to create")
    assert "- local:file:greeting  (delete:" in s.answers.asked[1]
    assert s.answers.asked[1] == s.answers.asked[2]  # the same plan, asked again


@pytest.mark.parametrize("mode", MODES)
def test_restore_goes_back_to_a_version_once_approved(
    served: Callable[..., Served], mode: str
) -> None:
    s = served()

    async def scenario() -> dict[str, Any]:
        async with s.client(mode) as client:
            for content in ("one\n", "two\n"):
                plan_id = await _plan(client, document(files={"greeting": content}))
                await client.call_tool("apply", {"plan_id": plan_id})
            result = await client.call_tool("restore", {"deployment": "hello", "version": 1})
        assert not result.is_error, result.content
        return dict(result.structured_content)

    out = anyio.run(scenario)
    assert out["status"] == "succeeded"
    assert (s.root / "greeting.txt").read_text() == "one\n"
    assert s.answers.asked[-1].startswith("Restore deployment 'hello': 0 to create, 1 to update")
    assert [r.kind for r in s.project.state.runs("hello")] == ["apply", "apply", "restore"]


def test_a_plan_is_applied_at_most_once(served: Callable[..., Served]) -> None:
    s = served()

    async def scenario() -> Any:
        async with s.client("auto") as client:
            plan_id = await _plan(client, document())
            await client.call_tool("apply", {"plan_id": plan_id})
            return plan_id, await client.call_tool("apply", {"plan_id": plan_id})

    plan_id, again = anyio.run(scenario)
    assert again.is_error
    assert f"no plan '{plan_id}' here: it was applied already" in again.content[0].text
    assert len(s.answers.asked) == 1


def test_a_plan_made_before_another_change_is_refused_as_stale(
    served: Callable[..., Served],
) -> None:
    s = served()

    async def scenario() -> Any:
        async with s.client("auto") as client:
            first = await _plan(client, document(files={"greeting": "one\n"}))
            second = await _plan(client, document(files={"greeting": "two\n"}))
            await client.call_tool("apply", {"plan_id": second})
            return await client.call_tool("apply", {"plan_id": first})

    result = anyio.run(scenario)
    assert result.is_error
    assert "stale plan: 'hello' changed since the plan was made" in result.content[0].text
    assert (s.root / "greeting.txt").read_text() == "two\n"


POLICY = """\
apiVersion: iac.mcp/v1
kind: Policy
metadata: {name: no-secret-files}
spec:
  title: No files named secret
  severity: high
  enforcement: mandatory
  resources: ["local:file"]
  when: "contains(properties.path, 'secret')"
  message: "{address} writes a file named secret"
  remediation: Name the file something else.
"""


def test_a_plan_a_mandatory_policy_blocks_is_shown_with_its_violation_and_never_asked(
    served: Callable[..., Served],
) -> None:
    s = served()
    (s.root / "policies").mkdir()
    (s.root / "policies" / "no-secret-files.yaml").write_text(POLICY)

    async def scenario() -> tuple[Any, Any]:
        async with s.client("auto") as client:
            planned = await client.call_tool("plan", {"document": document(files={"secret": "x"})})
            plan_id = planned.structured_content["plan_id"]
            return planned, await client.call_tool("apply", {"plan_id": plan_id})

    planned, applied = anyio.run(scenario)
    policies = planned.structured_content["policies"]
    assert policies["checked"] is True
    assert policies["passed"] is False
    assert [(r["policy"], r["address"], r["message"]) for r in policies["results"]] == [
        ("no-secret-files", "local:file:secret", "local:file:secret writes a file named secret")
    ]
    assert "a mandatory policy failed" in planned.structured_content["next"]
    assert applied.is_error
    assert "a mandatory policy fails on this apply plan of 'hello'; nothing was changed" in (
        applied.content[0].text
    )
    assert s.answers.asked == []
    assert not (s.root / "secret.txt").exists()


def test_a_long_plan_is_shown_in_part_and_says_where_the_rest_is(
    served: Callable[..., Served],
) -> None:
    s = served()
    s.answers.action = "decline"
    files = {f"f{i:02d}": "x" for i in range(40)}  # 3 lines each in the review

    async def scenario() -> None:
        async with s.client("auto") as client:
            plan_id = await _plan(client, document(files=files))
            await client.call_tool("apply", {"plan_id": plan_id})

    anyio.run(scenario)
    [question] = s.answers.asked
    head, _, diff = question.partition("\n\n")
    assert head.endswith(")")
    lines = diff.splitlines()
    assert len(lines) == 81
    # the review: a title, a blank line, 3 lines per file, a blank line, the counts: 124 lines
    assert lines[-1] == "… 44 more line(s) in the plan tool's review"
