"""``opnsense:security:certificate``: a certificate in the trust store (System → Trust →
Certificates), imported from PEM with its private key. Services (an HAProxy frontend's
``sslCertificate``) refer to it by its ``refid`` output."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from pydantic import Field, field_validator

from mcp_iac.sdk import TypeSpec

from . import _values as v
from ._endpoints import CERTIFICATE
from ._handler import Model, RecordHandler, reported

_BEGIN_CERT = "-----BEGIN CERTIFICATE-----"


def _pem(text: str) -> str:
    return text.strip().replace("\r\n", "\n")


def same_pem(declared: Any, observed: Any) -> bool:
    """PEM texts equal up to surrounding whitespace and line endings."""
    if isinstance(declared, str) and isinstance(observed, str):
        return _pem(declared) == _pem(observed)
    return bool(declared == observed)


def _unbase64(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ""


class CertificateProperties(Model):
    """Properties of ``opnsense:security:certificate``."""

    description: str = Field(
        min_length=1, description="The name shown in the trust store (field 'descr')."
    )
    certificate: str = Field(
        description="The certificate, PEM (-----BEGIN CERTIFICATE-----...); a chain's first "
        "certificate is the one imported."
    )
    private_key: str | None = Field(
        default=None,
        alias="privateKey",
        description="Its private key, PEM (secret: encrypted in state, never shown).",
    )

    @field_validator("certificate")
    @classmethod
    def _is_pem(cls, value: str) -> str:
        if _BEGIN_CERT not in value:
            raise ValueError("expected a PEM certificate starting with -----BEGIN CERTIFICATE-----")
        return value

    @field_validator("private_key")
    @classmethod
    def _is_key(cls, value: str | None) -> str | None:
        if value is not None and "PRIVATE KEY-----" not in value:
            raise ValueError("expected a PEM private key (-----BEGIN ... PRIVATE KEY-----)")
        return value


class CertificateOutputs(Model):
    """Outputs of ``opnsense:security:certificate``."""

    uuid: str = Field(description="The certificate's uuid in OPNsense.")
    refid: str = Field(description="Its reference id: what services name it by.")
    common_name: str = Field(alias="commonName", description="The subject's common name.")
    not_after: int | None = Field(
        alias="notAfter", description="End of validity, seconds since the epoch."
    )


CERTIFICATE_TYPE = TypeSpec(
    type="opnsense:security:certificate",
    description="A certificate (and private key) imported into the trust store.",
    properties=CertificateProperties,
    outputs=CertificateOutputs,
    secret_paths=("privateKey",),
)


class CertificateHandler(RecordHandler[CertificateProperties, CertificateOutputs]):
    """Trust-store certificates, imported (``action: import``). An update re-imports in place:
    the refid, and so every service using it, stays."""

    spec = CERTIFICATE_TYPE
    component = CERTIFICATE
    field_paths = {
        "descr": "description",
        "crt_payload": "certificate",
        "crt": "certificate",
        "prv_payload": "privateKey",
        "prv": "privateKey",
    }
    equivalences = {"certificate": same_pem, "private_key": same_pem}

    def fields(self, props: CertificateProperties) -> dict[str, Any]:
        return {
            "action": "import",
            "descr": props.description,
            "crt_payload": props.certificate,
            "prv_payload": props.private_key or "",
        }

    def properties_of(self, record: Mapping[str, Any]) -> CertificateProperties:
        crt = v.text(record.get("crt_payload")) or _unbase64(v.text(record.get("crt")))
        prv = v.text(record.get("prv_payload")) or _unbase64(v.text(record.get("prv")))
        return reported(
            CertificateProperties,
            description=v.text(record.get("descr")),
            certificate=crt,
            private_key=prv or None,
        )

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> CertificateOutputs:
        return CertificateOutputs(
            uuid=uuid_,
            refid=v.text(record.get("refid")),
            commonName=v.text(record.get("commonname")),
            notAfter=v.integer(record.get("valid_to")),
        )
