"""Settings from the environment, the server over stdio, an engine that is not there, and how
docker SDK exceptions map to iac/1 error codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from docker import errors as docker_errors
from mcp import Client, StdioServerParameters

from mcp_iac.core import ConfigError, ProviderError
from mcp_iac.providers.docker import ENV_VARS, Settings
from mcp_iac.providers.docker._errors import translate
from mcp_iac.sdk import ProviderClient

from .conftest import connect, environment
from .engine import PrivateDockerd

pytestmark = pytest.mark.anyio


def test_settings_come_from_the_documented_environment_variables(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "DOCKER_HOST": "unix:///run/x.sock",
            "MCP_IAC_DOCKER_PROJECT_DIR": str(tmp_path),
            "MCP_IAC_DOCKER_DATA_DIR": "state/docker",
            "MCP_IAC_DOCKER_TIMEOUT": "12.5",
            "MCP_IAC_DOCKER_BUILD_TIMEOUT": "99",
            "MCP_IAC_DOCKER_STOP_TIMEOUT": "3",
            "MCP_IAC_DOCKER_CONCURRENCY": "2",
            "DOCKER_TLS_VERIFY": "1",
            "DOCKER_CERT_PATH": "/certs",
            "UNRELATED": "x",
        }
    )
    assert settings.docker_host == "unix:///run/x.sock"
    assert settings.project_path == tmp_path
    assert settings.data_path == tmp_path / "state" / "docker"
    assert (settings.timeout, settings.build_timeout, settings.stop_timeout) == (12.5, 99, 3)
    assert settings.concurrency == 2
    assert settings.tls_verify
    assert settings.cert_path == Path("/certs")
    assert set(ENV_VARS.values()) >= {"DOCKER_HOST", "MCP_IAC_DOCKER_PROJECT_DIR"}


def test_unset_variables_keep_the_defaults(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({"DOCKER_TLS_VERIFY": "0", "DOCKER_HOST": ""})
    assert settings.docker_host is None
    assert settings.engine == "unix:///var/run/docker.sock"
    assert settings.project_path == tmp_path
    assert settings.data_path == tmp_path / ".mcp-iac" / "docker"
    assert not settings.tls_verify


def test_a_bad_value_names_its_variable() -> None:
    with pytest.raises(ConfigError) as bad:
        Settings.from_env({"MCP_IAC_DOCKER_TIMEOUT": "soon", "MCP_IAC_DOCKER_CONCURRENCY": "0"})
    assert "MCP_IAC_DOCKER_TIMEOUT" in str(bad.value)
    assert "MCP_IAC_DOCKER_CONCURRENCY" in str(bad.value)


async def test_an_engine_that_is_not_there_is_unavailable_naming_its_url(tmp_path: Path) -> None:
    host = f"unix://{tmp_path}/no-docker.sock"
    settings = Settings(docker_host=host, project_dir=tmp_path)
    async with connect(settings) as client:
        with pytest.raises(ProviderError) as health:
            await client.health()
        assert health.value.code == "UNAVAILABLE"
        assert health.value.retryable
        assert host in health.value.reason
        with pytest.raises(ProviderError) as create:
            await client.create(
                "docker:volume",
                name="v",
                urn="t/docker:volume:v",
                idempotency_key="k",
                properties={},
            )
        assert create.value.code == "UNAVAILABLE"
        # Validation needs no engine.
        assert await client.validate("docker:volume", {"labels": {"a": "b"}}) == []


async def test_the_server_runs_over_stdio_with_settings_from_the_environment(
    dockerd: PrivateDockerd, tmp_path: Path
) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "mcp_iac.providers.docker"],
        env=environment(DOCKER_HOST=dockerd.docker_host, MCP_IAC_DOCKER_PROJECT_DIR=str(tmp_path)),
    )
    async with Client(params) as client:
        remote = ProviderClient(client, server="docker", timeout=60)
        health = await remote.health()
        schema = await remote.describe()
    assert health.status == "ok"
    assert health.backend_version.startswith("Docker Engine")
    assert len(schema.types) == 6


def _api_error(status: int, explanation: str) -> docker_errors.APIError:
    response = requests.Response()
    response.status_code = status
    return docker_errors.APIError("engine said no", response=response, explanation=explanation)


@pytest.mark.parametrize(
    ("exc", "code", "retryable"),
    [
        (_api_error(400, "invalid reference format"), "VALIDATION", False),
        (_api_error(401, "unauthorized"), "UNAUTHORIZED", False),
        (_api_error(403, "Pool overlaps with other one"), "CONFLICT", False),
        (_api_error(404, "No such container: x"), "NOT_FOUND", False),
        (_api_error(409, "name in use"), "CONFLICT", False),
        (_api_error(500, "port is already allocated"), "CONFLICT", False),
        (_api_error(500, "Head ...: no basic auth credentials"), "UNAUTHORIZED", False),
        (_api_error(500, "dial tcp 127.0.0.1:1: connect: connection refused"), "UNAVAILABLE", True),
        (_api_error(503, "the engine is shutting down"), "UNAVAILABLE", True),
        (requests.exceptions.ReadTimeout("slow"), "TIMEOUT", True),
        (requests.exceptions.ConnectionError("refused"), "UNAVAILABLE", True),
        (
            docker_errors.DockerException("Error while fetching server API version"),
            "UNAVAILABLE",
            True,
        ),
        (
            docker_errors.BuildError("RUN false failed", [{"stream": "step 2\n"}]),
            "VALIDATION",
            False,
        ),
    ],
)
def test_docker_exceptions_map_to_iac1_codes(exc: Exception, code: str, retryable: bool) -> None:
    error = translate(exc, "docker:container 'web'", engine="unix:///x.sock")
    assert (error.code, error.retryable) == (code, retryable)
    assert error.reason.startswith("docker:container 'web'")


def test_a_missing_image_is_not_found_or_the_callers_mistake_with_a_hint() -> None:
    missing = docker_errors.ImageNotFound("No such image: web:1")
    assert translate(missing, "s", engine="e").code == "NOT_FOUND"
    invalid = translate(missing, "s", engine="e", missing_image="VALIDATION")
    assert invalid.code == "VALIDATION"
    assert "registry" in invalid.reason
