"""Helpers of the OPNsense provider's tests: settings for an emulator, the provider over MCP,
a plain REST client for changes behind the provider's back, fresh create keys, test PEMs."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from mcp import Client

from mcp_iac.emulators.opnsense import OpnsenseEmulator
from mcp_iac.providers.opnsense import Settings, build_server
from mcp_iac.sdk import ProviderClient


def settings_for(fw: OpnsenseEmulator, **changes: Any) -> Settings:
    """Provider settings for ``fw``: its URL, key pair and CA bundle."""
    values: dict[str, Any] = {
        "url": fw.url,
        "api_key": fw.api_key,
        "api_secret": fw.api_secret,
        "ca_bundle": fw.ca_bundle,
        "timeout": 10.0,
    }
    return Settings.model_validate({**values, **changes})


@asynccontextmanager
async def connect(settings: Settings) -> AsyncIterator[ProviderClient]:
    """The provider for ``settings``, in memory over MCP, as typed iac/1 calls."""
    async with Client(build_server(settings)) as client:
        yield ProviderClient(client, timeout=30)


@asynccontextmanager
async def provider_of(fw: OpnsenseEmulator, **changes: Any) -> AsyncIterator[ProviderClient]:
    async with connect(settings_for(fw, **changes)) as provider:
        yield provider


def rest(fw: OpnsenseEmulator) -> httpx2.Client:
    """A plain REST client of ``fw``, for changes made behind the provider's back."""
    assert fw.ca_bundle is not None
    return httpx2.Client(
        base_url=fw.url,
        auth=(fw.api_key, fw.api_secret),
        verify=ssl.create_default_context(cafile=str(fw.ca_bundle)),
        timeout=10,
    )


def left_behind(fw: OpnsenseEmulator) -> dict[str, list[str]]:
    """Uuids of the records ``fw`` holds that a factory-new firewall of its release does not
    (the factory's root user and admins group are not left-overs), by component."""
    factory = OpnsenseEmulator(version=fw.version)  # never started: only its configuration
    found = {
        c: sorted(set(fw.records(c)) - set(factory.records(c)))
        for c in fw.components()
        if c in factory.components()
    }
    return {c: uuids for c, uuids in found.items() if uuids}


_SERIAL = iter(range(1, 1_000_000))


def keys(type_: str, name: str = "") -> dict[str, str]:
    """name/urn/idempotency_key arguments of a create for a fresh resource of ``type_``."""
    serial = next(_SERIAL)
    name = name or f"r{serial}"
    urn = f"test/{type_}:{name}"
    return {"name": name, "urn": urn, "idempotency_key": f"{urn}@{serial:032x}"}


@dataclass(frozen=True)
class Pem:
    certificate: str
    private_key: str
    other_key: str


def make_pem() -> Pem:
    """A self-signed certificate for fw.test.example, its key, and an unrelated key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fw.test.example")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )

    def text(k: ec.EllipticCurvePrivateKey) -> str:
        return k.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    return Pem(
        certificate=cert.public_bytes(serialization.Encoding.PEM).decode(),
        private_key=text(key),
        other_key=text(ec.generate_private_key(ec.SECP256R1())),
    )
