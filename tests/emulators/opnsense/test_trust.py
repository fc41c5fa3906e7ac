"""The trust store: importing certificates (``action: import``), their facts, their use."""

from __future__ import annotations

import base64
from typing import Any

from mcp_iac.emulators.opnsense import OpnsenseEmulator

from .helpers import Api, self_signed


def _import(api: Api, descr: str, crt: str, prv: str = "") -> Any:
    body = {"cert": {"action": "import", "descr": descr, "crt_payload": crt, "prv_payload": prv}}
    return api.post("trust/cert/add", body)


def test_an_imported_certificate_is_searchable_by_its_facts(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    crt, prv = self_signed("www.example.org")
    result = _import(api, "web", crt, prv)
    assert result["result"] == "saved"
    [row] = api.post("trust/cert/search")["rows"]
    assert (row["descr"], row["commonname"], row["in_use"]) == ("web", "www.example.org", "0")
    assert int(row["valid_to"]) - int(row["valid_from"]) == 30 * 86400
    assert len(row["refid"]) == 13
    stored = emulator.records("trust/cert")[str(result["uuid"])]
    assert base64.b64decode(str(stored["crt"])).decode() == crt
    item = api.get(f"trust/cert/get/{result['uuid']}")["cert"]
    assert item["crt_payload"] == crt


def test_a_payload_that_is_not_a_certificate_or_a_mismatched_key_is_refused(api: Api) -> None:
    crt, _ = self_signed("a.example")
    _, other_key = self_signed("b.example")
    assert _import(api, "bad", "-----BEGIN CERTIFICATE-----\nnope\n")["validations"] == {
        "cert.crt_payload": "Invalid X509 certificate provided"
    }
    assert _import(api, "mismatch", crt, other_key)["validations"] == {
        "cert.prv_payload": "Private key does not match certificate"
    }
    assert _import(api, "", crt)["validations"] == {"cert.descr": "A value is required."}


def test_actions_other_than_import_are_refused_clearly(api: Api) -> None:
    result = api.post("trust/cert/add", {"cert": {"descr": "internal ca-signed"}})
    assert list(result["validations"]) == ["cert.action"]
    assert "action=import" in result["validations"]["cert.action"]


def test_a_certificate_update_keeps_its_refid(api: Api, emulator: OpnsenseEmulator) -> None:
    crt, prv = self_signed("old.example")
    uuid = str(_import(api, "web", crt, prv)["uuid"])
    refid = emulator.records("trust/cert")[uuid]["refid"]
    new_crt, new_prv = self_signed("new.example")
    body = {"cert": {"action": "import", "crt_payload": new_crt, "prv_payload": new_prv}}
    assert api.post(f"trust/cert/set/{uuid}", body) == {"result": "saved"}
    assert emulator.records("trust/cert")[uuid]["refid"] == refid
    [row] = api.post("trust/cert/search")["rows"]
    assert row["commonname"] == "new.example"
    assert api.post(f"trust/cert/set/{uuid}", {"cert": {"descr": "renamed"}}) == {"result": "saved"}


def test_a_certificate_a_frontend_uses_cannot_be_deleted(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    crt, prv = self_signed("www.example.org")
    uuid = str(_import(api, "web", crt, prv)["uuid"])
    refid = emulator.records("trust/cert")[uuid]["refid"]
    frontend = api.add(
        "haproxy/settings/addFrontend",
        {"frontend": {"name": "https", "bind": "198.18.0.1:443", "ssl_enabled": "1",
                      "ssl_certificates": refid}},
    )  # fmt: skip
    assert api.post("trust/cert/search")["rows"][0]["in_use"] == "1"
    response = api.raw("POST", f"trust/cert/del/{uuid}", json={})
    assert response.status_code == 500
    assert frontend in response.json()["errorMessage"]
    assert api.post(f"haproxy/settings/delFrontend/{frontend}") == {"result": "deleted"}
    assert api.post(f"trust/cert/del/{uuid}") == {"result": "deleted"}


def test_a_frontend_naming_an_unknown_certificate_is_refused(api: Api) -> None:
    result = api.post(
        "haproxy/settings/addFrontend",
        {"frontend": {"name": "f", "bind": "198.18.0.1:443", "ssl_certificates": "0123456789abc"}},
    )
    assert result["validations"] == {
        "frontend.ssl_certificates": "Please select a valid certificate from the list."
    }
