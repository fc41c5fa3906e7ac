"""Remembered answers of built-in providers: a plan that knows a built-in's schema and has seen
its properties validated before starts no server (and never imports the MCP SDK); one that
does not asks the built-in's own service in-process (tests/registry/test_inline.py), and starts
no server either."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from mcp_iac.protocol import ProviderSchema, ResourceTypeSchema
from mcp_iac.registry import Answers, McpProviders, ServerConfig, builtin_fingerprint

SCHEMA = ProviderSchema(name="local", version="1", types=(ResourceTypeSchema(type="local:data"),))
LOCAL = {"local": ServerConfig(builtin="local")}


def _package(root: Path) -> Path:
    for folder in ("providers/local", "sdk", "protocol", "core"):
        (root / folder).mkdir(parents=True)
        (root / folder / "_a.py").write_text("x = 1\n")
    return root


def test_the_fingerprint_changes_when_a_source_the_answers_depend_on_changes(
    tmp_path: Path,
) -> None:
    package = _package(tmp_path / "pkg")
    before = builtin_fingerprint("local", package=package)
    assert builtin_fingerprint("local", package=package) == before
    (package / "sdk" / "_a.py").write_text("x = 22\n")
    assert builtin_fingerprint("local", package=package) != before
    changed = builtin_fingerprint("local", package=package)
    (package / "providers" / "local" / "_b.py").write_text("")
    assert builtin_fingerprint("local", package=package) != changed


def test_the_fingerprint_differs_per_builtin_and_ignores_other_providers(tmp_path: Path) -> None:
    package = _package(tmp_path / "pkg")
    (package / "providers" / "aws").mkdir()
    local = builtin_fingerprint("local", package=package)
    assert builtin_fingerprint("aws", package=package) != local
    (package / "providers" / "aws" / "_x.py").write_text("y = 2\n")
    assert builtin_fingerprint("local", package=package) == local


def test_answers_round_trip_under_the_same_fingerprint_only(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "local.json"
    answers = Answers(path, "f1")
    assert answers.schema is None
    answers.remember_schema(SCHEMA)
    answers.remember_valid("local:data", {"input": {"b": 1, "a": [1, 2]}})
    answers.save()

    again = Answers(path, "f1")
    assert again.schema == SCHEMA
    assert again.known_valid("local:data", {"input": {"a": [1, 2], "b": 1}})  # key order free
    assert not again.known_valid("local:data", {"input": {"a": [2, 1], "b": 1}})
    assert not again.known_valid("local:file", {"input": {"a": [1, 2], "b": 1}})

    other = Answers(path, "f2")
    assert other.schema is None
    assert not other.known_valid("local:data", {"input": {"b": 1, "a": [1, 2]}})


def test_a_new_schema_forgets_earlier_validations(tmp_path: Path) -> None:
    answers = Answers(tmp_path / "local.json", "f")
    answers.remember_schema(SCHEMA)
    answers.remember_valid("local:data", {"input": 1})
    answers.remember_schema(SCHEMA.model_copy(update={"version": "2"}))
    assert not answers.known_valid("local:data", {"input": 1})


def test_nothing_is_remembered_without_a_schema_and_nothing_is_written_unchanged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "local.json"
    answers = Answers(path, "f")
    answers.remember_valid("local:data", {"input": 1})
    assert not answers.known_valid("local:data", {"input": 1})
    answers.save()
    assert not path.exists()
    answers.remember_schema(SCHEMA)
    answers.save()
    stamp = path.stat().st_mtime_ns
    Answers(path, "f").save()
    assert path.stat().st_mtime_ns == stamp


@pytest.mark.parametrize("content", ["", "{not json", "[]", '{"fingerprint": "f", "schema": 3}'])
def test_an_unreadable_cache_file_is_an_empty_cache(tmp_path: Path, content: str) -> None:
    path = tmp_path / "local.json"
    path.write_text(content)
    answers = Answers(path, "f")
    assert answers.schema is None
    answers.remember_schema(SCHEMA)
    answers.save()
    assert json.loads(path.read_text())["fingerprint"] == "f"


def test_the_oldest_validations_are_forgotten_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mcp_iac.registry._answers.MAX_VALID", 2)
    answers = Answers(tmp_path / "local.json", "f")
    answers.remember_schema(SCHEMA)
    for i in range(3):
        answers.remember_valid("local:data", {"input": i})
    assert [answers.known_valid("local:data", {"input": i}) for i in range(3)] == [
        False,
        True,
        True,
    ]


def test_a_builtin_with_remembered_answers_is_not_started_until_a_call_needs_it(
    tmp_path: Path,
) -> None:
    anyio.run(
        _test_a_builtin_with_remembered_answers_is_not_started_until_a_call_needs_it, tmp_path
    )


async def _test_a_builtin_with_remembered_answers_is_not_started_until_a_call_needs_it(
    tmp_path: Path,
) -> None:
    cache = tmp_path / ".mcp-iac" / "cache"
    good = {"input": {"v": 1}}
    async with McpProviders(LOCAL, root=tmp_path, cache_dir=cache) as source:
        provider = await source.get("local")
        described = await provider.describe()
        assert await provider.validate("local:data", good) == []
        # the first run asked the built-in's own service in-process: no server either
        assert not source._connections
        assert source.inline("local") is not None
    assert (cache / "local.json").is_file()

    async with McpProviders(LOCAL, root=tmp_path, cache_dir=cache) as source:
        provider = await source.get("local")
        assert await provider.describe() == described
        assert await provider.validate("local:data", good) == []
        assert not source._connections  # answered from the cache: no server started
        assert "local" not in source._inline  # nor the service built

        # a question the cache cannot answer goes to the provider's service, and its answer,
        # the provider's own, is never remembered when it is a rejection
        bad = await provider.validate("local:data", {"inptu": 1})
        assert bad
        assert "inptu" in bad[0].path
        assert not source._connections
        remembered = source.answers("local")
        assert remembered is not None
        assert not remembered.known_valid("local:data", {"inptu": 1})

        # a call that changes infrastructure starts the server
        created = await provider.create(
            "local:data", name="d", urn="t/local:data:d", idempotency_key="k1", properties=good
        )
        assert created.outputs["output"] == {"v": 1}
        assert source._connections


def test_without_a_cache_folder_or_with_own_builtins_nothing_is_remembered(tmp_path: Path) -> None:
    anyio.run(_test_without_a_cache_folder_or_with_own_builtins_nothing_is_remembered, tmp_path)


async def _test_without_a_cache_folder_or_with_own_builtins_nothing_is_remembered(
    tmp_path: Path,
) -> None:
    async with McpProviders(LOCAL, root=tmp_path) as source:
        await (await source.get("local")).describe()
        assert source.answers("local") is None
    from mcp_iac.registry import builtin_factories

    cache = tmp_path / "cache"
    async with McpProviders(
        LOCAL, root=tmp_path, builtins=builtin_factories(tmp_path), cache_dir=cache
    ) as source:
        await (await source.get("local")).describe()
    assert not cache.exists()


def test_a_deferred_builtin_that_cannot_start_fails_on_its_first_real_call(tmp_path: Path) -> None:
    anyio.run(_test_a_deferred_builtin_that_cannot_start_fails_on_its_first_real_call, tmp_path)


async def _test_a_deferred_builtin_that_cannot_start_fails_on_its_first_real_call(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    answers = Answers(cache / "local.json", builtin_fingerprint("local"))
    answers.remember_schema(SCHEMA)
    answers.save()
    servers = {"local": ServerConfig(builtin="local", env={"X": "${env:MCP_IAC_TEST_UNSET}"})}
    async with McpProviders(servers, root=tmp_path, cache_dir=cache, environ={}) as source:
        provider = await source.get("local")
        assert await provider.describe() == SCHEMA
        with pytest.raises(Exception, match="MCP_IAC_TEST_UNSET"):
            await provider.validate("local:data", {"input": 1})


def test_no_cli_plan_of_builtins_imports_the_mcp_sdk_not_even_the_first(
    tmp_path: Path,
) -> None:
    # the first plan's answers come from the provider's own service, in-process; the second
    # plan's from the cache
    (tmp_path / "deployment.yaml").write_text(
        "name: demo\nresources:\n"
        "  - {type: 'local:data', name: a, properties: {input: {v: 1}}}\n"
        "  - {type: 'local:data', name: b, properties: {input: '${local:data:a.output.v}'}}\n"
    )
    probe = (
        "import sys\nfrom mcp_iac.cli import main\ncode = main(['plan'])\n"
        "print('MCP-LOADED' if 'mcp' in sys.modules else 'MCP-NOT-LOADED', code)\n"
    )
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("MCP_IAC_STATE", None)
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe],
            check=False,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        for _ in range(2)
    ]
    assert all("2 to create" in r.stdout for r in runs), [r.stdout + r.stderr for r in runs]
    assert runs[0].stdout.strip().endswith("MCP-NOT-LOADED 0")
    assert runs[1].stdout.strip().endswith("MCP-NOT-LOADED 0")


def test_up_starts_a_deferred_builtin_before_any_change_and_fails_cleanly_if_it_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mcp_iac.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("MCP_IAC_STATE", raising=False)
    (tmp_path / "mcp-iac.yaml").write_text(
        "servers:\n  other: {builtin: local, env: {X: '${env:MCP_IAC_TEST_X}'}}\n"
    )
    (tmp_path / "deployment.yaml").write_text(
        "apiVersion: iac.mcp/v1\nkind: Deployment\nmetadata: {name: demo}\nspec:\n"
        "  resources:\n"
        "    - {type: 'local:data', name: a, properties: {input: 1}}\n"
        "    - {type: 'local:data', name: b, server: other, properties: {input: 2}}\n"
    )
    monkeypatch.setenv("MCP_IAC_TEST_X", "set")
    assert main(["plan"]) == 0  # remembers both servers' answers
    monkeypatch.delenv("MCP_IAC_TEST_X")
    assert main(["plan"]) == 0  # answered from the cache: 'other' is never started
    capsys.readouterr()

    code = main(["up", "--yes"])
    err = capsys.readouterr().err
    assert code != 0
    assert "MCP_IAC_TEST_X" in err
    assert "Traceback" not in err
    main(["state", "history", "demo"])
    assert "apply" not in capsys.readouterr().out  # no run began: nothing changed anywhere
