"""The AWS provider as a whole: settings from the environment, served over stdio by
``python -m mcp_iac.providers.aws``, concurrent calls, bounded waits that a retry resumes,
and secrets that are never read back from AWS."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

from mcp_iac.core import ConfigError, ProviderError
from mcp_iac.providers.aws import ENV_VARS, Settings, build_server
from mcp_iac.sdk import ProviderClient, run_contract

pytestmark = pytest.mark.anyio

Boto = Callable[[str], Any]


def test_settings_come_from_the_documented_environment_variables() -> None:
    settings = Settings.from_env(
        {
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_PROFILE": "ops",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
            "MCP_IAC_AWS_ENDPOINT_URL": "http://127.0.0.1:5001",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI",
            "MCP_IAC_AWS_WAIT_TIMEOUT": "600",
            "MCP_IAC_AWS_POLL_INTERVAL": "2.5",
            "MCP_IAC_AWS_MAX_CONCURRENCY": "4",
        }
    )
    assert settings.region == "eu-west-1"
    assert settings.profile == "ops"
    assert settings.endpoint_url == "http://127.0.0.1:5001"  # the mcp-iac variable wins
    assert settings.explicit_credentials
    assert settings.wait_timeout == 600
    assert settings.poll_interval == 2.5
    assert settings.max_concurrency == 4
    assert "wJalrXUtnFEMI" not in repr(settings)
    assert (
        Settings.from_env({"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1"}).region
        == "us-west-2"
    )
    empty = Settings.from_env({"AWS_REGION": " ", "AWS_ENDPOINT_URL": ""})
    assert (empty.region, empty.endpoint_url, empty.explicit_credentials) == (None, None, False)
    assert set(ENV_VARS) >= {
        "AWS_REGION",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "MCP_IAC_AWS_ENDPOINT_URL",
    }


def test_a_malformed_setting_is_a_config_error_naming_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"MCP_IAC_AWS_WAIT_TIMEOUT": "soon", "MCP_IAC_AWS_MAX_CONCURRENCY": "0"})
    assert "MCP_IAC_AWS_WAIT_TIMEOUT" in str(caught.value)
    assert "MCP_IAC_AWS_MAX_CONCURRENCY" in str(caught.value)


async def test_the_provider_served_over_stdio_takes_its_settings_from_the_environment(
    moto_url: str, boto: Boto, tmp_path: Path
) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),  # no ~/.aws of the machine
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "MCP_IAC_AWS_POLL_INTERVAL": "0.2",
    }
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "mcp_iac.providers.aws"], env=env
    )
    async with Client(params) as client:
        health = await ProviderClient(client, timeout=60).health()
        report = await run_contract(client, types=["aws:s3:bucket", "aws:route53:zone"], timeout=60)
        created = await ProviderClient(client, timeout=60).create(
            "aws:s3:bucket",
            name="logs",
            urn="d/aws:s3:bucket:logs",
            idempotency_key="d/logs@1",
            properties={"bucket": "stdio-logs-bucket"},
        )
    assert health.status == "ok"
    assert moto_url in health.backend_version
    assert "us-east-1" in health.backend_version
    assert report.passed, report.render()
    assert created.outputs["arn"] == "arn:aws:s3:::stdio-logs-bucket"
    assert [b["Name"] for b in boto("s3").list_buckets()["Buckets"]] == ["stdio-logs-bucket"]


async def test_concurrent_creates_run_side_by_side_and_each_gets_its_own_object(
    connect: Any, boto: Boto
) -> None:
    ids: dict[int, str] = {}
    async with connect() as aws:

        async def make(i: int) -> None:
            made = await aws.create(
                "aws:ec2:vpc",
                name=f"n{i}",
                urn=f"c/aws:ec2:vpc:n{i}",
                idempotency_key=f"c/n{i}@1",
                properties={"cidrBlock": f"198.19.{i}.0/24"},
            )
            ids[i] = made.id

        async with anyio.create_task_group() as group:
            for i in range(8):
                group.start_soon(make, i)
    assert len(set(ids.values())) == 8
    described = boto("ec2").describe_vpcs(VpcIds=list(ids.values()))["Vpcs"]
    assert sorted(v["CidrBlock"] for v in described) == sorted(f"198.19.{i}.0/24" for i in range(8))


async def test_a_wait_that_runs_out_is_a_retryable_timeout_and_the_retry_resumes_it(
    settings: Settings, boto: Boto
) -> None:
    props = {"domainName": "slow.example.com", "waitForIssuance": True}
    args = {
        "name": "slow",
        "urn": "d/aws:acm:certificate:slow",
        "idempotency_key": "d/slow@1",
        "properties": props,
    }
    impatient = settings.model_copy(update={"wait_timeout": 0.2})
    async with Client(build_server(impatient)) as client:
        with pytest.raises(ProviderError) as caught:
            await ProviderClient(client, timeout=60).create("aws:acm:certificate", **args)
    assert caught.value.code == "TIMEOUT"
    assert caught.value.retryable
    assert "being issued" in caught.value.reason
    # The certificate stays (the engine finds it by key); a retry waits on the same one.
    pending = boto("acm").list_certificates()["CertificateSummaryList"]
    assert len(pending) == 1
    async with Client(build_server(settings)) as client:
        issued = await ProviderClient(client, timeout=60).create("aws:acm:certificate", **args)
    assert issued.id == pending[0]["CertificateArn"]
    assert issued.outputs["status"] == "ISSUED"
    assert len(boto("acm").list_certificates()["CertificateSummaryList"]) == 1


async def test_a_database_password_is_a_secret_that_aws_never_returns(
    connect: Any, boto: Boto
) -> None:
    props = {
        "engine": "postgres",
        "instanceClass": "db.t3.micro",
        "masterPassword": "correct-horse-9",
    }
    async with connect() as aws:
        schema = await aws.describe()
        db = await aws.create(
            "aws:rds:instance",
            name="app-db",
            urn="d/aws:rds:instance:app-db",
            idempotency_key="d/app-db@1",
            properties=props,
        )
        with_hint = await aws.read("aws:rds:instance", db.id, props)
        without = await aws.read("aws:rds:instance", db.id, {})
        await aws.update(
            "aws:rds:instance",
            db.id,
            old=props,
            new={**props, "masterPassword": "battery-staple-7"},
        )
    rds_type = next(t for t in schema.types if t.type == "aws:rds:instance")
    assert rds_type.secret_paths == ("masterPassword",)
    assert with_hint.properties["masterPassword"] == "correct-horse-9"
    assert without.properties["masterPassword"] is None
    assert "correct-horse-9" not in str(db.outputs)
    described = boto("rds").describe_db_instances(DBInstanceIdentifier=db.id)["DBInstances"][0]
    assert described["DBInstanceStatus"] == "available"
    assert "MasterUserSecret" not in described  # a given password is not handed to Secrets Manager
    assert (
        db.outputs["endpoint"]
        == f"{described['Endpoint']['Address']}:{described['Endpoint']['Port']}"
    )
    assert db.id.startswith("app-db-")
