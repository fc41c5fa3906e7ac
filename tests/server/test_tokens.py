"""Tokens: made random, stored as hashes, configured in mcp-iac.yaml or the environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mcp_iac.core import ConfigError
from mcp_iac.server import TOKENS_ENV, add_token, hash_token, load_tokens, new_token


def test_a_new_token_is_random_and_only_its_hash_is_kept(tmp_path: Path) -> None:
    token, entry = new_token("claude-code", ["read", "plan"])
    other, _ = new_token("claude-code", ["read"])
    assert token.startswith("mcpiac_")
    assert len(token) == len("mcpiac_") + 43
    assert token != other
    assert entry.hash == hash_token(token)
    assert entry.scopes == ("read", "plan")
    written = add_token(tmp_path, entry)
    text = written.read_text()
    assert token not in text
    assert yaml.safe_load(text) == {
        "serve": {"tokens": [{"id": "claude-code", "hash": entry.hash, "scopes": ["read", "plan"]}]}
    }
    book = load_tokens(tmp_path, {})
    assert book.verify(token) == entry
    assert book.verify(other) is None
    assert book.verify(entry.hash) is None  # the hash itself is not a token


def test_adding_a_token_keeps_the_rest_of_the_project_file(tmp_path: Path) -> None:
    (tmp_path / "mcp-iac.yaml").write_text("servers:\n  files: {builtin: local}\n")
    add_token(tmp_path, new_token("a", ["read"])[1])
    add_token(tmp_path, new_token("b", ["apply"])[1])
    doc = yaml.safe_load((tmp_path / "mcp-iac.yaml").read_text())
    assert doc["servers"] == {"files": {"builtin": "local"}}
    assert [t["id"] for t in doc["serve"]["tokens"]] == ["a", "b"]
    with pytest.raises(ConfigError, match="already has a token with id 'a'"):
        add_token(tmp_path, new_token("a", ["read"])[1])


def test_tokens_come_from_the_project_file_and_the_environment(tmp_path: Path) -> None:
    file_token, file_entry = new_token("file", ["read"])
    env_token, env_entry = new_token("env", ["apply"])
    add_token(tmp_path, file_entry)
    environ = {TOKENS_ENV: json.dumps([env_entry.model_dump(mode="json")])}
    book = load_tokens(tmp_path, environ)
    assert [e.id for e in book.entries] == ["file", "env"]
    assert book.verify(env_token) == env_entry
    assert book.verify(file_token) == file_entry


@pytest.mark.parametrize(
    ("scopes", "message"),
    [(["read", "write"], "unknown scope(s): write"), ([" "], "a token needs a scope")],
)
def test_a_token_needs_known_scopes(scopes: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        new_token("x", scopes)


def test_a_token_id_must_be_a_name() -> None:
    with pytest.raises(ConfigError, match="token id 'a b' is invalid"):
        new_token("a b", ["read"])


@pytest.mark.parametrize(
    ("entry", "where", "hint"),
    [
        (
            {"id": "x", "hash": "mcpiac_plaintext", "scopes": ["read"]},
            "serve.tokens[0].hash",
            "store the hash, never the token: sha256:<64 hex digits> "
            "(mcp-iac serve token create prints it)",
        ),
        (
            {"id": "x", "hash": "sha256:" + "0" * 64, "scopes": ["admin"]},
            "serve.tokens[0].scopes.0",
            "scopes are read, plan and apply",
        ),
        (
            {"id": "x", "hash": "sha256:" + "0" * 64},
            "serve.tokens[0].scopes",
            "scopes are read, plan and apply",
        ),
    ],
)
def test_a_bad_token_entry_is_an_error_naming_where(
    tmp_path: Path, entry: dict[str, object], where: str, hint: str
) -> None:
    (tmp_path / "mcp-iac.yaml").write_text(yaml.safe_dump({"serve": {"tokens": [entry]}}))
    with pytest.raises(ConfigError) as caught:
        load_tokens(tmp_path, {})
    assert f"property '{where}'" in str(caught.value)
    assert caught.value.hint == hint


def test_the_same_id_twice_is_an_error(tmp_path: Path) -> None:
    entry = new_token("dup", ["read"])[1].model_dump(mode="json")
    (tmp_path / "mcp-iac.yaml").write_text(yaml.safe_dump({"serve": {"tokens": [entry]}}))
    with pytest.raises(ConfigError, match="token id 'dup' is configured twice"):
        load_tokens(tmp_path, {TOKENS_ENV: json.dumps([entry])})


def test_a_variable_that_is_not_json_is_an_error() -> None:
    with pytest.raises(ConfigError, match=f"{TOKENS_ENV} is not JSON"):
        load_tokens(Path("/nonexistent"), {TOKENS_ENV: "[{"})
