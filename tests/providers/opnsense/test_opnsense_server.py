"""``python -m mcp_iac.providers.opnsense``: the provider as a separate stdio server,
configured by its environment, talking to the emulator."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from mcp import Client, StdioServerParameters

from mcp_iac.emulators.opnsense import OpnsenseEmulator
from mcp_iac.sdk import ProviderClient

from .opnsense_support import keys

pytestmark = pytest.mark.anyio

SERVE = [sys.executable, "-m", "mcp_iac.providers.opnsense"]


def _env(**values: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("OPNSENSE_")}
    return {**base, **values}


async def test_the_provider_serves_over_stdio_from_its_environment(
    emulator: OpnsenseEmulator,
) -> None:
    env = _env(
        OPNSENSE_URL=emulator.url,
        OPNSENSE_API_KEY=emulator.api_key,
        OPNSENSE_API_SECRET=emulator.api_secret,
        OPNSENSE_CA_BUNDLE=str(emulator.ca_bundle),
        OPNSENSE_TIMEOUT="10",
    )
    params = StdioServerParameters(command=SERVE[0], args=SERVE[1:], env=env)
    async with Client(params) as client:
        provider = ProviderClient(client, timeout=30)
        health = await provider.health()
        describe = await provider.describe()
        made = await provider.create(
            "opnsense:firewall:alias", **keys("alias"), properties={"name": "over_stdio"}
        )
        await provider.delete("opnsense:firewall:alias", made.id, {})
    assert health.status == "ok"
    assert health.backend_version.startswith("OPNsense 26.1")
    assert describe.transactions is True
    assert len(describe.types) == 12
    assert emulator.records("firewall/alias") == {}


def test_without_its_environment_the_server_says_what_to_set() -> None:
    done = subprocess.run(
        SERVE, env=_env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode != 0
    assert "OPNSENSE_URL, OPNSENSE_API_KEY, OPNSENSE_API_SECRET" in done.stderr
    assert "hint:" in done.stderr
