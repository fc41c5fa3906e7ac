"""``mcp-iac serve --http`` for real (a subprocess on a loopback port): bearer tokens, scopes,
DNS-rebinding protection, approval and audit, in both protocol eras."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from mcp_iac.state import SqliteStateStore

from ._process import http_server, make_token
from .conftest import MODES, Answers, document

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "0"},
    },
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


class Served:
    def __init__(self, root: Path, url: str, tokens: dict[str, str]) -> None:
        self.root, self.url, self.tokens = root, url, tokens

    @asynccontextmanager
    async def client(
        self, token: str, mode: str, answers: Answers | None = None
    ) -> AsyncIterator[Client]:
        async with httpx2.AsyncClient(
            headers={"Authorization": f"Bearer {self.tokens[token]}"},
            timeout=httpx2.Timeout(30, read=120),
        ) as http:
            client = Client(
                streamable_http_client(self.url, http_client=http),
                mode=mode,  # type: ignore[arg-type]  # auto | legacy
                elicitation_callback=answers,
                cache=None,
            )
            async with client:
                yield client

    def events(self, deployment: str) -> list[Any]:
        store = SqliteStateStore(self.root / ".mcp-iac" / "state.db")
        try:
            return [e for e in store.events(deployment) if e.kind.startswith("mcp.")]
        finally:
            store.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("served")
    tokens = {
        name: make_token(root, name, scopes)
        for name, scopes in [
            ("reader", "read"),
            ("planner", "read,plan"),
            ("admin", "read,plan,apply"),
            ("plan-only", "plan"),
        ]
    }
    with http_server(root) as url:
        yield Served(root, url, tokens)


def _post(url: str, headers: dict[str, str]) -> httpx2.Response:
    return httpx2.post(url, json=INIT, headers={**HEADERS, **headers}, timeout=30)


def test_a_request_without_a_token_gets_401(served: Served) -> None:
    response = _post(served.url, {})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="mcp-iac"'
    assert response.json()["error_description"] == "a bearer token is required"


def test_a_request_with_an_unknown_token_gets_401_invalid_token(served: Served) -> None:
    response = _post(served.url, {"Authorization": "Bearer mcpiac_not-a-real-token"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_a_valid_token_is_let_in(served: Served) -> None:
    response = _post(served.url, {"Authorization": f"Bearer {served.tokens['reader']}"})
    assert response.status_code == 200


def test_a_foreign_host_header_is_refused_even_with_a_valid_token(served: Served) -> None:
    port = served.url.split(":")[2].split("/")[0]
    response = _post(
        served.url,
        {"Authorization": f"Bearer {served.tokens['admin']}", "Host": f"evil.example:{port}"},
    )
    assert response.status_code == 421


def test_a_call_without_its_scope_gets_403_insufficient_scope(served: Served) -> None:
    body = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "plan", "arguments": {"document": document()}},
    }
    response = httpx2.post(
        served.url,
        json=body,
        headers={**HEADERS, "Authorization": f"Bearer {served.tokens['reader']}"},
        timeout=30,
    )
    assert response.status_code == 403
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge
    assert 'scope="plan"' in challenge
    assert "token 'reader' lacks the 'plan' scope for tools/call plan" in challenge
    assert response.json() == {
        "jsonrpc": "2.0",
        "id": 2,
        "error": {
            "code": -32003,
            "message": "forbidden: token 'reader' lacks the 'plan' scope for tools/call plan",
            "data": {"error": "insufficient_scope", "scope": "plan"},
        },
    }


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("resources/read", {"uri": "iac://deployments"}),
        ("tools/list", {}),
        ("prompts/get", {"name": "deploy", "arguments": {"request": "x"}}),
        ("tools/call", {"name": "state", "arguments": {"deployment": "x"}}),
    ],
)
def test_reading_needs_the_read_scope(served: Served, method: str, params: dict[str, Any]) -> None:
    response = httpx2.post(
        served.url,
        json={"jsonrpc": "2.0", "id": 3, "method": method, "params": params},
        headers={**HEADERS, "Authorization": f"Bearer {served.tokens['plan-only']}"},
        timeout=30,
    )
    assert response.status_code == 403
    assert 'scope="read"' in response.headers["www-authenticate"]


@pytest.mark.parametrize("verb", ["GET", "DELETE"])
def test_the_stream_and_session_endpoints_need_a_token_too(served: Served, verb: str) -> None:
    response = httpx2.request(verb, served.url, headers={"Accept": "text/event-stream"}, timeout=30)
    assert response.status_code == 401


@pytest.mark.parametrize("mode", MODES)
def test_a_token_without_apply_cannot_apply_and_nothing_changes(served: Served, mode: str) -> None:
    answers = Answers()
    name = f"noapply-{mode}"

    async def scenario() -> tuple[dict[str, Any], MCPError | None]:
        async with served.client("planner", mode, answers) as client:
            planned = await client.call_tool("plan", {"document": document(name)})
            assert not planned.is_error, planned.content
            try:
                await client.call_tool("apply", {"plan_id": planned.structured_content["plan_id"]})
            except MCPError as exc:
                return dict(planned.structured_content), exc
        return dict(planned.structured_content), None

    planned, error = anyio.run(scenario)
    assert error is not None, "apply with a plan-only token must be refused"
    assert error.code == -32003
    assert error.message == (
        "forbidden: token 'planner' lacks the 'apply' scope for tools/call apply"
    )
    assert answers.asked == []
    assert not (served.root / "greeting.txt").exists()
    denied = [e for e in served.events("(none)") if e.kind == "mcp.denied"]
    assert any(
        e.data == {"token": "planner", "method": "tools/call", "name": "apply", "scope": "apply"}
        for e in denied
    )
    plans = [e for e in served.events(name) if e.kind == "mcp.plan"]
    assert plans[-1].data["token"] == "planner"
    assert plans[-1].data["plan_id"] == planned["plan_id"]


@pytest.mark.parametrize("mode", MODES)
def test_over_http_a_plan_is_applied_once_the_person_accepts_and_the_token_is_audited(
    served: Served, mode: str
) -> None:
    answers = Answers()
    name = f"http-{mode}"
    doc = document(name, files={f"file-{mode}": "over http\n"})

    async def scenario() -> dict[str, Any]:
        async with served.client("admin", mode, answers) as client:
            planned = await client.call_tool("plan", {"document": doc})
            applied = await client.call_tool(
                "apply", {"plan_id": planned.structured_content["plan_id"]}
            )
        assert not applied.is_error, applied.content
        return dict(applied.structured_content)

    out = anyio.run(scenario)
    assert out["status"] == "succeeded"
    assert out["approved_by"] == "the user"
    assert (served.root / f"file-{mode}.txt").read_text() == "over http\n"
    assert len(answers.asked) == 1
    applied = [e for e in served.events(name) if e.kind == "mcp.apply"]
    assert applied[-1].data["token"] == "admin"
    assert applied[-1].data["status"] == "succeeded"
    assert applied[-1].message == "tool apply by 'admin': ok"


def test_serving_http_without_any_token_is_refused(tmp_path: Path) -> None:
    import subprocess  # only this test runs the command to completion

    from ._process import CLI, env

    done = subprocess.run(
        [*CLI, "serve", "--http", "--port", "0"],
        cwd=tmp_path,
        env=env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Error: no tokens are configured: the HTTP server would refuse every call" in done.stderr
    assert "mcp-iac serve token create" in done.stderr
