"""A built-in's describe and validate answered in-process by its own ``ProviderService``
(``InlineAnswers``) are exactly its MCP server's answers: the same schema, the same issues, the
same errors. A built-in whose service cannot be built in-process is asked over MCP, as before."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from mcp_iac.core import ProviderError
from mcp_iac.protocol import ValidationIssue
from mcp_iac.registry import McpProviders, ServerConfig, builtin_server, builtin_service
from mcp_iac.registry._inline import InlineAnswers
from mcp_iac.sdk import ProviderClient

ENVS: dict[str, dict[str, str]] = {
    "local": {},
    "docker": {"DOCKER_HOST": "tcp://127.0.0.1:1"},
    "aws": {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    },
    "opnsense": {
        "OPNSENSE_URL": "https://127.0.0.1:1",
        "OPNSENSE_API_KEY": "key",
        "OPNSENSE_API_SECRET": "secret",
    },
}

Answer = list[ValidationIssue] | tuple[str, str, bool, Any, str | None]


async def _answer(asker: ProviderClient | InlineAnswers, type_: str, props: Any) -> Answer:
    try:
        return await asker.validate(type_, props)
    except ProviderError as exc:
        return (exc.code, str(exc), exc.retryable, exc.details, exc.server)


def _questions(name: str, schema_types: list[tuple[str, list[dict[str, Any]]]]) -> list[Any]:
    """Valid, rejected and malformed validations for every type, and an unknown type."""
    questions: list[Any] = [(f"{name}:no-such-type", {}), (schema_types[0][0], [1, 2])]
    for type_, examples in schema_types:
        questions += [(type_, {}), (type_, {"no_such_property": 1}), (type_, {"name": [[]]})]
        for example in examples:
            questions.append((type_, example))
            broken = {k: {"wrong": ["kind"]} for k in example}
            questions.append((type_, broken))
    return questions


@pytest.mark.parametrize("name", sorted(ENVS))
def test_inline_answers_are_the_servers_answers(name: str, tmp_path: Path) -> None:
    anyio.run(_test_inline_answers_are_the_servers_answers, name, tmp_path, ENVS[name])


async def _test_inline_answers_are_the_servers_answers(
    name: str, root: Path, env: Mapping[str, str]
) -> None:
    inline = InlineAnswers(builtin_service(name, root, env), server="s1")
    async with Client(builtin_server(name, root, env)) as session:
        client = ProviderClient(session, server="s1")
        schema = await client.describe()
        assert await inline.describe() == schema
        types = [(t.type, [e.properties for e in t.examples]) for t in schema.types]
        questions = _questions(name, types)
        answers = [await _answer(inline, t, p) for t, p in questions]
        assert answers == [await _answer(client, t, p) for t, p in questions]
    rejected = [a for a in answers if isinstance(a, list) and a]
    failed = [a for a in answers if isinstance(a, tuple)]
    assert rejected
    assert failed  # the unknown type and the malformed properties
    assert [] in answers  # the examples are valid
    assert list(root.iterdir()) == []  # building and asking the service wrote nothing


def test_a_first_run_asks_the_builtins_service_and_remembers_its_answers(tmp_path: Path) -> None:
    anyio.run(_test_a_first_run_asks_the_builtins_service_and_remembers_its_answers, tmp_path)


async def _test_a_first_run_asks_the_builtins_service_and_remembers_its_answers(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    servers = {"local": ServerConfig(builtin="local")}
    good = {"input": {"v": 1}}
    async with McpProviders(servers, root=tmp_path, cache_dir=cache) as source:
        provider = await source.get("local")
        schema = await provider.describe()
        assert await provider.validate("local:data", good) == []
        rejected = await provider.validate("local:data", {"inptu": 1})
        assert [i.path for i in rejected] == ["inptu"]
        with pytest.raises(ProviderError, match="unknown resource type 'local:nope'") as caught:
            await provider.validate("local:nope", {})
        assert caught.value.server == "local"
        assert not source._connections  # no server started, no MCP connection made
        answers = source.answers("local")
        assert answers is not None
        assert answers.schema == schema
        assert answers.known_valid("local:data", good)
        assert not answers.known_valid("local:data", {"inptu": 1})

        await source.connect("local")  # a run starts the server before any change
        assert source._connections
        assert (await source.health("local")).status == "ok"
    assert (cache / "local.json").is_file()


def test_a_builtin_whose_service_cannot_be_built_fails_as_its_server_does(tmp_path: Path) -> None:
    anyio.run(_test_a_builtin_whose_service_cannot_be_built_fails_as_its_server_does, tmp_path)


async def _test_a_builtin_whose_service_cannot_be_built_fails_as_its_server_does(
    tmp_path: Path,
) -> None:
    servers = {"fw": ServerConfig(builtin="opnsense")}  # no OPNSENSE_URL: invalid settings
    errors: list[str] = []
    for cache_dir in (None, tmp_path / "cache"):
        async with McpProviders(servers, root=tmp_path, environ={}, cache_dir=cache_dir) as source:
            with pytest.raises(ProviderError) as caught:
                await source.get("fw")
            errors.append(str(caught.value))
            if cache_dir is not None:
                assert source.answers("fw") is not None
                assert source.inline("fw") is None
    assert errors[0] == errors[1]
    assert "OPNSENSE_URL" in errors[1]
    assert not (tmp_path / "cache").exists()


def test_a_first_cli_plan_answers_describe_and_validate_in_process(tmp_path: Path) -> None:
    (tmp_path / "deployment.yaml").write_text(
        "name: demo\nresources:\n"
        "  - {type: 'local:data', name: a, properties: {input: {v: 1}}}\n"
        "  - {type: 'local:data', name: b, properties: {input: '${local:data:a.output.v}'}}\n"
    )
    probe = (
        "import sys\nfrom mcp_iac.cli import main\n"
        "from mcp_iac.registry import McpProviders\n"
        "McpProviders.client = None  # any MCP connection fails the command\n"
        "print('exit', main(sys.argv[1:]))\n"
    )
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("MCP_IAC_STATE", None)
    for command in (["validate"], ["plan"]):
        run = subprocess.run(
            [sys.executable, "-c", probe, *command],
            check=False,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert run.stdout.strip().endswith("exit 0"), run.stdout + run.stderr
    assert "2 to create" in run.stdout
    assert (tmp_path / ".mcp-iac" / "cache" / "local.json").is_file()
