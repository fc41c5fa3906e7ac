"""Reading imported certificates and keys (the trust store's ``import`` action)."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.x509.oid import NameOID


@dataclass(frozen=True, slots=True)
class CertInfo:
    """What the trust store shows about a certificate."""

    common_name: str
    valid_from: int
    valid_to: int
    public_key: bytes


def read_certificate(pem: str) -> CertInfo | None:
    """The certificate in ``pem``; None when it is not a PEM X.509 certificate."""
    try:
        cert = x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        return None
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = str(names[0].value) if names else ""
    return CertInfo(
        common_name=common_name,
        valid_from=int(cert.not_valid_before_utc.timestamp()),
        valid_to=int(cert.not_valid_after_utc.timestamp()),
        public_key=_public_bytes(cert.public_key()),
    )


def read_key_public(pem: str) -> bytes | None:
    """The public half of the private key in ``pem``; None when it is not a PEM private key."""
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        return None
    return _public_bytes(key.public_key())


def _public_bytes(key: PublicKeyTypes) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
