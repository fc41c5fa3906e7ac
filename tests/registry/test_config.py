"""Server configuration: mcp-iac.yaml, the environment, ${env:VAR}, Claude Desktop import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mcp_iac.core import ConfigError
from mcp_iac.registry import (
    ServerConfig,
    discover,
    dump_servers,
    import_claude,
    load_project_file,
    servers_from_env,
)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_the_project_file_declares_stdio_http_and_builtin_servers(tmp_path: Path) -> None:
    write(
        tmp_path / "mcp-iac.yaml",
        """
servers:
  fw1: {command: mcp-iac, args: [provider, serve, opnsense], env: {OPNSENSE_URL: "https://fw1"}}
  fw2: {command: mcp-iac, args: [provider, serve, opnsense], env: {OPNSENSE_URL: "https://fw2"}}
  k8s: {url: "http://127.0.0.1:8080/mcp", headers: {Authorization: "Bearer x"}, timeoutSeconds: 5}
  memory: {command: npx, args: ["-y", "@modelcontextprotocol/server-memory"], mapping: m.yaml}
""",
    )
    servers = discover(tmp_path, {})
    assert sorted(servers) == ["fw1", "fw2", "k8s", "local", "memory"]
    assert servers["fw2"].env == {"OPNSENSE_URL": "https://fw2"}
    assert servers["fw1"].transport == "stdio"
    assert servers["k8s"].transport == "http"
    assert servers["k8s"].timeout_seconds == 5
    assert servers["local"].transport == "builtin"
    assert servers["memory"].mapping == "m.yaml"


def test_env_references_are_expanded_when_used_and_missing_ones_are_named(tmp_path: Path) -> None:
    cfg = load_project_file(
        write(
            tmp_path / "mcp-iac.yaml",
            """
servers:
  k8s: {url: "http://127.0.0.1:8080/mcp", headers: {Authorization: "Bearer ${env:K8S_TOKEN}"}}
""",
        )
    )["k8s"]
    assert cfg.expanded("k8s", {"K8S_TOKEN": "t0k"}).headers == {"Authorization": "Bearer t0k"}
    with pytest.raises(ConfigError) as caught:
        cfg.expanded("k8s", {})
    assert "server 'k8s': headers.Authorization uses ${env:K8S_TOKEN}" in str(caught.value)
    assert "K8S_TOKEN is not set" in str(caught.value)


def test_a_bad_server_entry_names_file_server_and_field(tmp_path: Path) -> None:
    path = write(tmp_path / "mcp-iac.yaml", "servers:\n  aws: {comand: mcp-iac}\n")
    with pytest.raises(ConfigError) as caught:
        load_project_file(path)
    text = str(caught.value)
    assert "mcp-iac.yaml" in text
    assert "servers.aws.comand" in text
    assert "did you mean 'command'" in text


def test_a_server_needs_exactly_one_transport(tmp_path: Path) -> None:
    path = write(tmp_path / "mcp-iac.yaml", "servers:\n  x: {command: a, url: 'http://b'}\n")
    with pytest.raises(ConfigError, match="exactly one of 'command'"):
        load_project_file(path)


def test_environment_servers_override_the_file(tmp_path: Path) -> None:
    write(tmp_path / "mcp-iac.yaml", "servers:\n  aws: {command: old}\n")
    env = {
        "MCP_IAC_SERVERS": json.dumps({"aws": {"command": "from-json"}}),
        "MCP_IAC_SERVER_AWS": "mcp-iac provider serve aws",
        "MCP_IAC_SERVER_AWS_EU": '{"url": "http://127.0.0.1:9000/mcp"}',
        "MCP_IAC_SERVER_K8S": "http://127.0.0.1:8080/mcp",
    }
    servers = discover(tmp_path, env)
    assert servers["aws"].command == "mcp-iac"
    assert servers["aws"].args == ("provider", "serve", "aws")
    assert servers["aws-eu"].url == "http://127.0.0.1:9000/mcp"
    assert servers["k8s"].url == "http://127.0.0.1:8080/mcp"
    assert servers["aws"].source == "MCP_IAC_SERVER_AWS"


def test_bad_environment_json_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="MCP_IAC_SERVERS is not JSON"):
        servers_from_env({"MCP_IAC_SERVERS": "{nope"})


def test_claude_desktop_servers_are_imported(tmp_path: Path) -> None:
    path = write(
        tmp_path / "claude_desktop_config.json",
        json.dumps(
            {
                "mcpServers": {
                    "memory": {
                        "command": "npx",
                        "args": ["-y", "@modelcontextprotocol/server-memory"],
                    },
                    "my tools": {"command": "uvx", "args": ["tools"], "env": {"A": "1"}},
                    "remote": {"url": "https://example.invalid/mcp", "type": "http"},
                },
                "globalShortcut": "Ctrl+Space",
            }
        ),
    )
    servers = import_claude(path)
    assert sorted(servers) == ["memory", "my-tools", "remote"]
    assert servers["my-tools"].env == {"A": "1"}
    assert dump_servers(servers)["memory"] == {
        "command": "npx",
        "args": ["-y", "@modelcontextprotocol/server-memory"],
    }


def test_a_missing_claude_config_says_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="import-claude PATH"):
        import_claude(tmp_path / "nope.json")


def test_builtin_local_is_always_there_and_can_be_overridden(tmp_path: Path) -> None:
    assert discover(tmp_path, {})["local"] == ServerConfig(builtin="local", source="built in")
    write(tmp_path / "mcp-iac.yaml", "servers:\n  local: {command: my-local}\n")
    assert discover(tmp_path, {})["local"].command == "my-local"
