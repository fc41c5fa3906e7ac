"""Transport, auth, routing and error bodies (ApiControllerBase, api.php)."""

from __future__ import annotations

import ssl
from collections.abc import Callable

import httpx2
import pytest

from mcp_iac.emulators.opnsense import OpnsenseEmulator

from .conftest import client_for, verifying
from .helpers import Api


def test_tls_verifies_against_the_ca_bundle_and_fails_without_it(
    emulator: OpnsenseEmulator,
) -> None:
    with client_for(emulator) as client:
        assert client.get("/api/core/firmware/info").status_code == 200
    with (
        pytest.raises(httpx2.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
        httpx2.Client(verify=ssl.create_default_context()) as untrusting,
    ):
        untrusting.get(f"{emulator.url}/api/core/firmware/info")


def test_plain_http_is_served_when_tls_is_off(
    started: Callable[..., OpnsenseEmulator],
) -> None:
    plain = started(tls=False, api_key="k", api_secret="s")
    assert plain.url.startswith("http://")
    assert plain.ca_bundle is None
    response = httpx2.get(f"{plain.url}/api/core/firmware/info", auth=("k", "s"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic !!!"},
        {"Authorization": "Bearer key:secret"},
        {"Authorization": "Basic a2V5"},  # "key" without a secret
    ],
)
def test_missing_or_malformed_credentials_are_authentication_failed(
    emulator: OpnsenseEmulator, headers: dict[str, str]
) -> None:
    with client_for(emulator, auth=None) as client:
        response = client.get("/api/core/firmware/info", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"status": 401, "message": "Authentication Failed"}


def test_a_read_only_key_may_get_but_every_post_is_forbidden(
    emulator: OpnsenseEmulator,
) -> None:
    emulator.add_api_key("viewer", "look-only", privileges="read-only")
    with client_for(emulator, auth=("viewer", "look-only")) as client:
        assert client.get("/api/firewall/alias/searchItem").status_code == 200
        response = client.post("/api/firewall/alias/addItem", json={"alias": {"name": "x"}})
    assert response.status_code == 403
    assert response.json() == {"status": 403, "message": "Forbidden"}
    assert emulator.records("firewall/alias") == {}


def test_unknown_commands_controllers_and_non_api_paths_are_endpoint_not_found(
    emulator: OpnsenseEmulator,
) -> None:
    with client_for(emulator) as client:
        for path in (
            "/api/firewall/alias/noSuchThing",
            "/api/firewall/nothing/searchItem",
            "/api/core/firmware",
            "/",
            "/index.php",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert response.json() == {"errorMessage": "Endpoint not found"}


def test_an_unknown_endpoint_is_not_found_even_without_credentials(
    emulator: OpnsenseEmulator,
) -> None:
    with client_for(emulator, auth=None) as client:
        assert client.get("/api/interfaces/overview/list").status_code == 404


def test_command_names_are_case_insensitive(api: Api) -> None:
    uuid = api.add("firewall/alias/ADDITEM", {"alias": {"name": "mixed", "content": "1.2.3.4"}})
    assert api.get(f"firewall/alias/getitem/{uuid}")["alias"]["name"] == "mixed"


def test_an_action_missing_its_path_parameter_is_a_400_naming_the_count(api: Api) -> None:
    response = api.raw("POST", "firewall/alias/setItem", json={"alias": {}})
    assert response.status_code == 400
    assert response.json() == {
        "message": "action setItem expects at least 1 parameter(s)",
        "status": 400,
    }


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("firewall/alias/addItem", {"result": "failed"}),
        ("firewall/alias/setItem/5a0c2c1e-1111-4a4a-8b8b-0c0c0c0c0c0c", {"result": "failed"}),
        ("firewall/alias/delItem/5a0c2c1e-1111-4a4a-8b8b-0c0c0c0c0c0c", {"result": "failed"}),
        ("firewall/alias/toggleItem/5a0c2c1e-1111-4a4a-8b8b-0c0c0c0c0c0c", {"result": "failed"}),
        ("firewall/alias/reconfigure", {"status": "failed"}),
        ("firewall/filter/apply", {"status": "failed"}),
        ("core/backup/revertBackup/config-1.0000.xml", {"status": "failed"}),
    ],
)
def test_mutating_actions_called_with_get_answer_their_failure_body(
    api: Api, path: str, body: dict[str, str]
) -> None:
    assert api.get(path) == body


def test_get_of_the_whole_model_answers_an_empty_array_on_post(api: Api) -> None:
    assert api.post("firewall/alias/get") == []


def test_a_post_without_the_post_key_fails_without_validations(api: Api) -> None:
    assert api.post("firewall/alias/addItem", {"rule": {"name": "x"}}) == {"result": "failed"}
    assert api.post("firewall/alias/addItem") == {"result": "failed"}


def test_unparsable_json_is_treated_as_no_post_data(api: Api) -> None:
    response = api.raw(
        "POST",
        "firewall/alias/addItem",
        headers={"Content-Type": "application/json"},
        content=b"{not json",
    )
    assert response.status_code == 200
    assert response.json() == {"result": "failed"}


def test_form_encoded_posts_are_read_like_php_post_data(api: Api) -> None:
    response = api.raw("POST", "firewall/alias/addItem", data={"alias[name]": "formed"})
    assert response.json()["result"] == "saved"


def test_a_post_key_that_is_not_an_object_is_an_api_exception(api: Api) -> None:
    response = api.raw("POST", "firewall/alias/addItem", json={"alias": "text"})
    assert response.status_code == 500
    assert response.json()["errorTitle"] == "An API exception occured"


def test_responses_are_encoded_like_php_json_encode(api: Api) -> None:
    uuid = api.add(
        "firewall/alias/addItem",
        {"alias": {"name": "nets", "type": "network", "content": "10.1.0.0/16"}},
    )
    raw = api.raw("GET", f"firewall/alias/getItem/{uuid}").text
    assert '"10.1.0.0\\/16"' in raw  # json_encode escapes slashes
    assert '"categories":[]' in raw  # an empty PHP array is a JSON list


def test_posted_values_are_converted_the_way_php_converts_them(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    uuid = api.add(
        "interfaces/vlan_settings/addItem",
        {"vlan": {"if": "igc0", "tag": 12, "pcp": 3.0, "descr": None}},
    )
    record = emulator.records("interfaces/vlan_settings")[uuid]
    assert (record["tag"], record["pcp"], record["descr"]) == ("12", "3", "")
    rule = api.add("firewall/filter/addRule", {"rule": {"interface": ["lan", "opt1"], "log": True}})
    stored = emulator.records("firewall/filter")[rule]
    assert (stored["interface"], stored["log"]) == ("lan,opt1", "1")
    # false becomes "" in PHP, which a required boolean refuses
    refused = api.post("firewall/filter/addRule", {"rule": {"enabled": False}})
    assert refused["validations"] == {"rule.enabled": "A value is required."}


def test_the_emulator_only_endpoints_need_credentials_and_show_pending_and_records(
    emulator: OpnsenseEmulator, api: Api
) -> None:
    uuid = api.add("firewall/alias/addItem", {"alias": {"name": "seen", "content": "1.1.1.1"}})
    with client_for(emulator) as client:
        assert client.get("/__emulator__/pending").json() == {"pending": ["firewall/alias"]}
        records = client.get("/__emulator__/records/firewall/alias").json()["records"]
        assert records[uuid]["name"] == "seen"
        assert client.post("/__emulator__/reset").json() == {"status": "ok"}
    assert emulator.records("firewall/alias") == {}
    with client_for(emulator, auth=None) as anonymous:
        assert anonymous.get("/__emulator__/pending").status_code == 401


def test_start_is_fast_and_a_stopped_emulator_no_longer_answers(
    started: Callable[..., OpnsenseEmulator],
) -> None:
    import time

    began = time.monotonic()
    emulator = started()
    assert time.monotonic() - began < 1.0
    with httpx2.Client(verify=verifying(emulator), auth=("key", "secret")) as client:
        assert client.get(f"{emulator.url}/api/core/firmware/info").status_code == 200
        emulator.stop()
        with pytest.raises(httpx2.TransportError):
            client.get(f"{emulator.url}/api/core/firmware/info")


def test_unsupported_versions_and_plugins_are_refused_at_construction() -> None:
    with pytest.raises(ValueError, match=r"24\.1.*choose one of 24\.7, 25\.1"):
        OpnsenseEmulator(version="24.1")
    with pytest.raises(ValueError, match="unknown OPNsense plugin"):
        OpnsenseEmulator(plugins=frozenset({"acme"}))
