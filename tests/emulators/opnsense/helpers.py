"""Small helpers for the emulator tests: a JSON client and test data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Api:
    """POSTs JSON (``{}`` when there is no body, as a client must), GETs without a body."""

    client: httpx2.Client

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(f"/api/{path}", params=params or None)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: Any = None) -> Any:
        response = self.client.post(f"/api/{path}", json={} if body is None else body)
        assert response.status_code == 200, response.text
        return response.json()

    def raw(self, method: str, path: str, **kwargs: Any) -> httpx2.Response:
        return self.client.request(method, f"/api/{path}", **kwargs)

    def add(self, path: str, body: Any) -> str:
        """An add that must succeed; returns the new uuid."""
        result = self.post(path, body)
        assert result["result"] == "saved", result
        return str(result["uuid"])


def self_signed(common_name: str, *, days: int = 30) -> tuple[str, str]:
    """(certificate PEM, private key PEM) of a fresh self-signed certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return (
        cert.public_bytes(serialization.Encoding.PEM).decode(),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
    )
