"""The CLI as a user runs it: exit codes, messages without tracebacks, JSON, saved plans."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import Result, deployment, write

Cli = Callable[..., Result]


def files_doc(
    content: str = "hello", *, extra: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return deployment(
        [
            {"type": "local:data", "name": "cfg", "properties": {"input": {"text": content}}},
            {
                "type": "local:file",
                "name": "a",
                "properties": {"path": "out/a.txt", "content": "${cfg.output.text}"},
            },
            {
                "type": "local:file",
                "name": "b",
                "properties": {"path": "out/b.txt", "content": "sha=${local:file:a.sha256}"},
            },
            *(extra or []),
        ],
        outputs={"aPath": "${local:file:a.path}"},
    )


def test_up_applies_and_a_second_plan_shows_no_changes(cli: Cli, tmp_path: Path) -> None:
    f = write(tmp_path / "d.json", files_doc())
    r = cli("up", "-f", f, "--yes")
    assert r.code == 0, r.err
    assert (tmp_path / "out/a.txt").read_text() == "hello"
    assert (tmp_path / "out/b.txt").read_text().startswith("sha=")
    assert "Apply complete" in r.out
    assert "aPath" in r.out
    again = cli("plan", "-f", f)
    assert again.code == 0
    assert "No changes." in again.out


def test_changing_a_value_updates_only_what_depends_on_it(cli: Cli, tmp_path: Path) -> None:
    f = write(tmp_path / "d.json", files_doc())
    assert cli("up", "-f", f, "--yes").code == 0
    f = write(tmp_path / "d.json", files_doc("bye"))
    plan = cli("plan", "-f", f, "--json").json()
    assert isinstance(plan, dict)
    actions = {s["address"]: s["action"] for s in plan["steps"]}
    assert actions == {
        "local:data:cfg": "update",
        "local:file:a": "update",
        "local:file:b": "update",
    }
    cfg = next(s for s in plan["steps"] if s["address"] == "local:data:cfg")
    assert cfg["changed_paths"] == ["input.text"]
    assert "a" not in cfg["depends_on"]
    assert cli("up", "-f", f, "--yes").code == 0
    assert (tmp_path / "out/a.txt").read_text() == "bye"


def test_plan_json_has_the_documented_stable_fields(cli: Cli, tmp_path: Path) -> None:
    f = write(tmp_path / "d.json", files_doc())
    data = cli("plan", "-f", f, "--json").json()
    assert isinstance(data, dict)
    for key in (
        "format",
        "deployment",
        "mode",
        "serial",
        "lineage",
        "created_at",
        "summary",
        "steps",
        "outputs",
        "variables",
        "targets",
        "warnings",
    ):
        assert key in data
    step = data["steps"][2]
    for key in (
        "address",
        "urn",
        "type",
        "server",
        "name",
        "action",
        "reason",
        "changed_paths",
        "replace_paths",
        "depends_on",
        "dependencies",
        "before",
        "after",
        "unknown_paths",
        "options",
    ):
        assert key in step
    assert step["address"] == "local:file:b"
    assert step["depends_on"] == ["local:file:a"]
    assert step["unknown_paths"] == ["content"]
    assert data["summary"]["create"] == 3


def test_a_missing_file_is_exit_2_with_a_hint_and_no_traceback(cli: Cli) -> None:
    r = cli("plan", "-f", "nope.yaml")
    assert r.code == 2
    assert "does not exist" in r.err
    assert "Traceback" not in r.err + r.out


def test_an_unknown_reference_names_file_resource_property_and_suggests(
    cli: Cli, tmp_path: Path
) -> None:
    doc = files_doc()
    doc["spec"]["resources"][2]["properties"]["content"] = "${local:file:aa.sha256}"  # type: ignore[index]
    f = write(tmp_path / "d.json", doc)
    r = cli("plan", "-f", f)
    assert r.code == 2
    assert "d.json" in r.err
    assert "local:file:b" in r.err
    assert "property 'content'" in r.err
    assert "did you mean 'local:file:a'" in r.err
    assert "Traceback" not in r.err


def test_a_cycle_is_reported_as_its_path(cli: Cli, tmp_path: Path) -> None:
    doc = deployment(
        [
            {"type": "local:data", "name": "x", "properties": {"input": "${y.id}"}},
            {"type": "local:data", "name": "y", "properties": {"input": "${x.id}"}},
        ]
    )
    r = cli("plan", "-f", write(tmp_path / "d.json", doc))
    assert r.code == 2
    assert "dependency cycle" in r.err
    assert (
        "local:data:x -> local:data:y -> local:data:x" in r.err
        or "local:data:y -> local:data:x -> local:data:y" in r.err
    )


def test_a_badly_typed_variable_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    doc = deployment(
        [{"type": "local:data", "name": "x", "properties": {"input": "${n}"}}],
        variables={"n": {"type": "integer", "default": 1}},
    )
    f = write(tmp_path / "d.json", doc)
    r = cli("plan", "-f", f, "--var", "n=abc")
    assert r.code == 2
    assert "not a valid integer" in r.err
    ok = cli("plan", "-f", f, "--var", "n=42", "--json").json()
    assert ok["steps"][0]["after"] == {"input": 42}  # type: ignore[index]


def test_up_refuses_without_confirmation_when_not_interactive(cli: Cli, tmp_path: Path) -> None:
    f = write(tmp_path / "d.json", files_doc())
    r = cli("up", "-f", f)
    assert r.code == 2
    assert "--yes" in r.err
    assert not (tmp_path / "out").exists()


def test_a_saved_plan_applies_exactly_and_is_refused_once_stale(cli: Cli, tmp_path: Path) -> None:
    f = write(tmp_path / "d.json", files_doc())
    assert cli("plan", "-f", f, "--out", "p1.json").code == 0
    assert cli("plan", "-f", f, "--out", "p2.json").code == 0
    r = cli("up", "p1.json")
    assert r.code == 0, r.err
    assert (tmp_path / "out/a.txt").exists()
    stale = cli("up", "p2.json")
    assert stale.code == 1
    assert "stale plan" in stale.err


def test_protect_refuses_a_delete(cli: Cli, tmp_path: Path) -> None:
    doc = files_doc()
    doc["spec"]["resources"][1]["options"] = {"protect": True}  # type: ignore[index]
    f = write(tmp_path / "d.json", doc)
    assert cli("up", "-f", f, "--yes").code == 0
    r = cli("destroy", "app", "--yes")
    assert r.code == 1
    assert "protect: true" in r.err
    assert (tmp_path / "out/a.txt").exists()


def test_drift_exit_code_5_and_up_refresh_puts_it_back(cli: Cli, tmp_path: Path) -> None:
    f = write(tmp_path / "d.json", files_doc())
    assert cli("up", "-f", f, "--yes").code == 0
    assert cli("drift", "-f", f, "--exit-code").code == 0
    (tmp_path / "out/a.txt").write_text("edited")
    r = cli("drift", "-f", f, "--exit-code", "--json")
    assert r.code == 5
    data = r.json()
    assert isinstance(data, dict)
    item = next(i for i in data["resources"] if i["address"] == "local:file:a")
    assert item["changes"] == [{"path": "content", "recorded": "hello", "actual": "edited"}]
    assert cli("up", "-f", f, "--yes", "--refresh").code == 0
    assert (tmp_path / "out/a.txt").read_text() == "hello"


def test_a_failing_step_rolls_back_everything_by_default(cli: Cli, tmp_path: Path) -> None:
    f = write(
        tmp_path / "d.json",
        files_doc(
            extra=[
                {
                    "type": "local:command",
                    "name": "boom",
                    "dependsOn": ["local:file:b"],
                    "properties": {"create": ["false"]},
                },
            ]
        ),
    )
    r = cli("up", "-f", f, "--yes")
    assert r.code == 1
    assert "rolled-back" in r.out
    assert not list((tmp_path / "out").glob("*"))
    listing = cli("state", "list", "app", "--json").json()
    assert listing == []


def test_continue_keeps_independent_work_and_reports_skipped(cli: Cli, tmp_path: Path) -> None:
    f = write(
        tmp_path / "d.json",
        files_doc(
            extra=[
                {"type": "local:command", "name": "boom", "properties": {"create": ["false"]}},
                {"type": "local:data", "name": "after", "properties": {"input": "${boom.stdout}"}},
            ]
        ),
    )
    r = cli("up", "-f", f, "--yes", "--on-failure", "continue", "--json")
    assert r.code == 1
    data = r.json()
    assert isinstance(data, dict)
    status = {s["address"]: s["status"] for s in data["steps"]}
    assert status["local:command:boom"] == "failed"
    assert status["local:data:after"] == "skipped"
    assert status["local:file:b"] == "done"


def test_target_plans_only_the_resource_and_its_dependencies(cli: Cli, tmp_path: Path) -> None:
    f = write(tmp_path / "d.json", files_doc())
    data = cli("plan", "-f", f, "--target", "local:file:a", "--json").json()
    assert isinstance(data, dict)
    assert [s["address"] for s in data["steps"]] == ["local:data:cfg", "local:file:a"]
    bad = cli("plan", "-f", f, "--target", "local:file:c")
    assert bad.code == 2
    assert "did you mean" in bad.err


def test_history_and_restore_to_a_past_version(cli: Cli, tmp_path: Path) -> None:
    f = write(tmp_path / "d.json", files_doc("one"))
    assert cli("up", "-f", f, "--yes").code == 0
    f = write(tmp_path / "d.json", files_doc("two"))
    assert cli("up", "-f", f, "--yes").code == 0
    history = cli("state", "history", "app", "--json").json()
    assert [h["version"] for h in history] == [1, 2]  # type: ignore[index]
    r = cli("state", "restore", "app", "--version", "1", "--yes")
    assert r.code == 0, r.err
    assert (tmp_path / "out/a.txt").read_text() == "one"
    assert cli("state", "restore", "app", "--version", "9", "--yes").code == 2


def test_secrets_never_reach_output_plan_files_or_state_in_plaintext(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MCP_IAC_SECRET_TOKEN", "s3cr3t-value")
    doc = deployment(
        [
            {
                "type": "local:file",
                "name": "token",
                "properties": {
                    "path": "out/token",
                    "content": "token=${secret:TOKEN}",
                    "mode": "0600",
                },
            },
            {"type": "local:data", "name": "echo", "properties": {"input": "${secret:TOKEN}"}},
        ]
    )
    f = write(tmp_path / "d.json", doc)
    plan = cli("plan", "-f", f, "--out", "p.json")
    assert "s3cr3t-value" not in plan.out + plan.err
    assert "s3cr3t-value" not in (tmp_path / "p.json").read_text()
    up = cli("up", "-f", f, "--yes", "--json")
    assert up.code == 0, up.err
    assert "s3cr3t-value" not in up.out
    assert (tmp_path / "out/token").read_text() == "token=s3cr3t-value"
    db = sqlite3.connect(tmp_path / ".mcp-iac/state.db")
    dump = "\n".join(db.iterdump())
    db.close()
    assert "s3cr3t-value" not in dump
    show = cli("state", "show", "local:data:echo", "-d", "app", "--json")
    assert "s3cr3t-value" not in show.out
    assert cli("plan", "-f", f).out.count("No changes") == 1


def test_a_missing_secret_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    doc = deployment(
        [{"type": "local:data", "name": "x", "properties": {"input": "${secret:NOPE}"}}]
    )
    r = cli("plan", "-f", write(tmp_path / "d.json", doc))
    assert r.code == 2
    assert "secret 'NOPE' is not set" in r.err
    assert "MCP_IAC_SECRET_NOPE" in r.err


def test_graph_prints_mermaid_and_dot(cli: Cli, tmp_path: Path) -> None:
    f = write(tmp_path / "d.json", files_doc())
    mermaid = cli("graph", "-f", f)
    assert mermaid.out.startswith("graph LR")
    assert '["local:file:a"]' in mermaid.out
    dot = cli("graph", "-f", f, "--format", "dot")
    assert '"local:file:a" -> "local:file:b";' in dot.out


def test_seed_document_forms_load_like_the_canonical_one(cli: Cli, tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        "name: app\n"
        "serverResources:\n"
        "  local:\n"
        "    - {type: data, name: cfg, properties: {input: {text: hi}}}\n"
        "    - {type: 'local:file', name: a, properties: {path: out/a.txt,"
        " content: '${cfg.output.text}'}}\n"
    )
    r = cli("up", "-f", str(seed), "--yes")
    assert r.code == 0, r.err
    assert (tmp_path / "out/a.txt").read_text() == "hi"


def test_python_deployments_work_like_files(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "infra.py").write_text(
        "from mcp_iac import Deployment\n"
        "d = Deployment('py')\n"
        "cfg = d.add('local:data', 'cfg', input={'text': 'from python'})\n"
        "d.add('local:file', 'a', path='out/py.txt', content=cfg.out.output.text)\n"
    )
    r = cli("up", "-f", str(tmp_path / "infra.py"), "--yes")
    assert r.code == 0, r.err
    assert (tmp_path / "out/py.txt").read_text() == "from python"


def test_init_writes_a_deployment_that_plans_and_refuses_to_overwrite(
    cli: Cli, tmp_path: Path
) -> None:
    r = cli("init", "shop")
    assert r.code == 0, r.err
    plan = cli("plan", "--json").json()
    assert isinstance(plan, dict)
    assert plan["deployment"] == "shop"
    assert plan["summary"]["create"] == 2
    again = cli("init", "shop")
    assert again.code == 2
    assert "already exists" in again.err


def test_properties_a_provider_declares_secret_are_redacted_and_encrypted(
    cli: Cli, tmp_path: Path
) -> None:
    doc = deployment(
        [
            {
                "type": "local:command",
                "name": "c",
                "properties": {
                    "create": ["sh", "-c", 'test -n "$TOKEN"'],
                    "env": {"TOKEN": "plain-token-value"},
                },
            },
        ]
    )
    f = write(tmp_path / "d.json", doc)
    plan = cli("plan", "-f", f)
    assert "plain-token-value" not in plan.out
    assert "(sensitive)" in plan.out
    up = cli("up", "-f", f, "--yes")
    assert up.code == 0, up.out + up.err
    db = sqlite3.connect(tmp_path / ".mcp-iac/state.db")
    dump = "\n".join(db.iterdump())
    db.close()
    assert "plain-token-value" not in dump
    assert "No changes" in cli("plan", "-f", f).out


def test_ctrl_c_handling_is_armed_only_when_changes_begin() -> None:
    import anyio

    from mcp_iac.engine import StopSignal

    async def scenario() -> list[str]:
        stop = StopSignal()
        seen: list[str] = []

        async def waiter() -> None:
            await stop.wait_armed()
            seen.append("armed")

        async with anyio.create_task_group() as tg:
            tg.start_soon(waiter)
            await anyio.wait_all_tasks_blocked()
            seen.append("prompt")
            stop.arm()
        return seen

    assert anyio.run(scenario) == ["prompt", "armed"]


def test_plan_reports_what_the_provider_rejects_with_file_resource_and_property(
    cli: Cli, tmp_path: Path
) -> None:
    doc = deployment(
        [{"type": "local:file", "name": "a", "properties": {"path": "x", "mode": "99z"}}]
    )
    r = cli("plan", "-f", write(tmp_path / "d.json", doc))
    assert r.code == 2
    assert "d.json: resource 'local:file:a', property 'mode'" in r.err
    assert 'got "99z"' in r.err


@pytest.mark.parametrize(
    "args",
    [
        ("validate",),
        ("plan",),
        ("plan", "--json"),
        ("graph",),
        ("state", "list"),
        ("policy", "check"),
    ],
)
def test_commands_that_only_read_never_create_a_state_file(
    cli: Cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    write(tmp_path / "deployment.json", files_doc())
    r = cli(*args)
    assert r.code == 0, r.err
    assert not (tmp_path / ".mcp-iac" / "state.db").exists()
    other = tmp_path / "elsewhere.db"
    assert cli(*args, "--state", str(other)).code == 0
    assert not other.exists()


def test_a_read_only_command_reads_an_existing_state_file(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path / "deployment.json", files_doc())
    assert cli("up", "--yes").code == 0
    r = cli("plan")
    assert "No changes" in r.out
    assert "local:data:cfg" in cli("state", "list", "app").out


def test_drift_without_any_state_file_says_nothing_is_recorded_and_creates_none(
    cli: Cli, tmp_path: Path
) -> None:
    write(tmp_path / "deployment.json", files_doc())
    r = cli("drift")
    assert r.code != 0
    assert "Traceback" not in r.err
    assert not (tmp_path / ".mcp-iac" / "state.db").exists()
