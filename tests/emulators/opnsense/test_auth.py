"""The user manager's API (``/api/auth/user``, ``/api/auth/group``, OPNsense 25.1 on): the
controllers' own actions, passwords that never read back, group memberships, system users."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable

import pytest

from mcp_iac.emulators.opnsense import SUPPORTED_VERSIONS, OpnsenseEmulator

from .conftest import client_for
from .helpers import Api

ROOT = "1c1cb1b5-5f4e-4d4c-9b8e-2a0a1f3e7d01"
ADMINS_GID = "1999"


def _user(api: Api, **fields: str) -> str:
    return api.add("auth/user/add", {"user": {"password": "Secret-123", **fields}})


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_the_user_manager_api_exists_from_25_1(
    started: Callable[..., OpnsenseEmulator], version: str
) -> None:
    emulator = started(version=version)
    with client_for(emulator) as client:
        search = client.post("/api/auth/user/search", json={})
        groups = client.post("/api/auth/group/search", json={})
    if version == "24.7":
        assert search.status_code == groups.status_code == 404
        assert search.json() == {"errorMessage": "Endpoint not found"}
        assert not [c for c in emulator.components() if c.startswith("auth/")]
        return
    assert search.status_code == groups.status_code == 200
    # The factory configuration: root (uid 0) and admins (gid 1999), both system-scoped.
    [root] = search.json()["rows"]
    assert (root["uuid"], root["name"], root["uid"], root["scope"]) == (ROOT, "root", "0", "system")
    assert [g["name"] for g in groups.json()["rows"]] == ["admins"]
    assert emulator.password_matches("root", "opnsense")


def test_a_user_gets_the_next_free_uid_and_its_password_never_reads_back(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    first = _user(api, name="alice", descr="Alice A.", email="alice@example.org")
    second = _user(api, name="bob")
    item = api.get(f"auth/user/get/{first}")["user"]
    assert (item["uid"], item["name"], item["descr"], item["email"]) == (
        "2000", "alice", "Alice A.", "alice@example.org",
    )  # fmt: skip
    assert api.get(f"auth/user/get/{second}")["user"]["uid"] == "2001"
    assert item["password"] == ""
    rows = {r["name"]: r for r in api.post("auth/user/search")["rows"]}
    assert rows["alice"]["password"] == ""
    stored = emulator.records("auth/user")[first]["password"]
    assert "Secret-123" not in str(stored)
    assert emulator.password_matches("alice", "Secret-123")
    assert not emulator.password_matches("alice", "secret-123")


def test_a_new_user_needs_a_password_unless_a_random_one_is_asked_for(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    refused = api.post("auth/user/add", {"user": {"name": "carol"}})
    assert refused == {
        "result": "failed",
        "validations": {"user.password": "A password is required"},
    }
    made = api.add("auth/user/add", {"user": {"name": "carol", "scrambled_password": "1"}})
    stored = emulator.records("auth/user")[made]
    assert stored["password"]
    assert "scrambled_password" not in stored  # volatile: never stored
    assert not emulator.password_matches("carol", "")


def test_a_set_without_a_password_keeps_it_and_a_new_one_is_hashed_and_stamped(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    made = _user(api, name="dave")
    stamp = emulator.records("auth/user")[made]["pwd_changed_at"]
    assert stamp
    assert api.post(f"auth/user/set/{made}", {"user": {"descr": "Dave"}}) == {"result": "saved"}
    assert emulator.password_matches("dave", "Secret-123")
    assert emulator.records("auth/user")[made]["pwd_changed_at"] == stamp
    assert api.post(f"auth/user/set/{made}", {"user": {"password": "Other-456"}}) == {
        "result": "saved"
    }
    assert emulator.password_matches("dave", "Other-456")
    assert float(str(emulator.records("auth/user")[made]["pwd_changed_at"])) > float(str(stamp))


PLAIN = "A username must contain alphanumeric characters or a valid email address."
SHELL = "A username must contain a maximum of 32 alphanumeric characters."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "root"}, "This username already exist."),
        ({"name": "bad name!"}, PLAIN),
        ({"name": "x" * 33, "shell": "/bin/sh"}, SHELL),
        ({"name": "ops@", "shell": ""}, PLAIN),
    ],
)
def test_user_names_are_unique_and_follow_the_username_rules(
    api: Api, fields: dict[str, str], message: str
) -> None:
    answer = api.post("auth/user/add", {"user": {"password": "pw", **fields}})
    assert answer == {"result": "failed", "validations": {"user.name": message}}


def test_a_mail_address_is_a_valid_name_without_a_shell(api: Api) -> None:
    made = _user(api, name="frank@example.org")
    assert api.get(f"auth/user/get/{made}")["user"]["name"] == "frank@example.org"


def test_root_keeps_its_name_and_system_users_and_groups_cannot_be_deleted(api: Api) -> None:
    renamed = api.post(f"auth/user/set/{ROOT}", {"user": {"name": "admin"}})
    assert renamed["validations"] == {"user.name": "The name of the root user can not be changed"}
    response = api.raw("POST", f"auth/user/del/{ROOT}", json={})
    assert response.status_code == 500
    assert response.json() == {
        "errorMessage": "Not allowed to delete system user root",
        "errorTitle": "Usermanager",
    }
    [admins] = api.post("auth/group/search")["rows"]
    assert api.raw("POST", f"auth/group/del/{admins['uuid']}", json={}).status_code == 500


def test_get_answers_an_unknown_uuid_with_the_controllers_keys_not_an_empty_list(
    api: Api,
) -> None:
    assert api.get(f"auth/user/get/{uuid.uuid4()}") == {"user": {"otp_uri": "", "certs": []}}
    template = api.get("auth/user/get")["user"]
    assert template["name"] == ""
    assert (template["otp_uri"], template["certs"]) == ("", [])
    assert template["group_memberships"] == {"1999": {"value": "admins", "selected": 0}}
    assert template["shell"][""] == {"value": "Default (none for all but root)", "selected": 1}
    assert api.get(f"trust/cert/get/{uuid.uuid4()}") == []  # the generic contract elsewhere


def test_an_otp_seed_gives_an_otpauth_uri(api: Api) -> None:
    made = _user(api, name="grace", otp_seed="JBSWY3DPEHPK3PXP")
    uri = api.get(f"auth/user/get/{made}")["user"]["otp_uri"]
    assert uri.startswith("otpauth://totp/grace@OPNsense.localdomain?secret=JBSWY3DPEHPK3PXP&")


def test_group_memberships_are_written_into_the_groups_member_lists(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    ops = api.add("auth/group/add", {"group": {"name": "ops", "description": "Operators"}})
    ops_gid = str(emulator.records("auth/group")[ops]["gid"])
    assert ops_gid == "2000"
    made = _user(api, name="heidi", group_memberships=f"{ADMINS_GID},{ops_gid}")
    uid = str(emulator.records("auth/user")[made]["uid"])
    members = {g["name"]: g["member"] for g in emulator.records("auth/group").values()}
    assert members == {"admins": f"0,{uid}", "ops": uid}
    selected = api.get(f"auth/user/get/{made}")["user"]["group_memberships"]
    assert {gid for gid, o in selected.items() if o["selected"]} == {ADMINS_GID, ops_gid}
    # A set that leaves the memberships out keeps them; an empty list removes them all.
    api.post(f"auth/user/set/{made}", {"user": {"descr": "Heidi"}})
    assert emulator.records("auth/group")[ops]["member"] == uid
    api.post(f"auth/user/set/{made}", {"user": {"group_memberships": ""}})
    members = {g["name"]: g["member"] for g in emulator.records("auth/group").values()}
    assert members == {"admins": "0", "ops": ""}
    bad = api.post(f"auth/user/set/{made}", {"user": {"group_memberships": "4242"}})
    assert bad["validations"] == {"user.group_memberships": "Option not in list."}


def test_a_group_lists_users_by_uid(api: Api, emulator: OpnsenseEmulator) -> None:
    made = _user(api, name="ivan")
    uid = str(emulator.records("auth/user")[made]["uid"])
    ops = api.add("auth/group/add", {"group": {"name": "ops", "member": uid}})
    assert api.get(f"auth/user/get/{made}")["user"]["group_memberships"]["2000"]["selected"] == 1
    assert api.get(f"auth/group/get/{ops}")["group"]["member"][uid] == {
        "value": "ivan",
        "selected": 1,
    }
    assert api.post("auth/group/add", {"group": {"name": "ops"}})["validations"] == {
        "group.name": "This groupname already exist."
    }


def test_expiry_dates_are_stored_as_month_day_year(api: Api, emulator: OpnsenseEmulator) -> None:
    made = _user(api, name="judy", expires="2030-12-31")
    assert emulator.records("auth/user")[made]["expires"] == "12/31/2030"
    bad = api.post(f"auth/user/set/{made}", {"user": {"expires": "someday"}})
    assert bad["validations"] == {
        "user.expires": "Invalid expiration date format; use MM/DD/YYYY instead."
    }


def test_authorized_keys_are_stored_base64_and_read_back_as_text(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    keys = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB judy@laptop\nssh-rsa AAAAB3 judy@desk"
    made = _user(api, name="judy", authorizedkeys=keys, shell="/bin/sh")
    stored = str(emulator.records("auth/user")[made]["authorizedkeys"])
    assert base64.b64decode(stored).decode() == keys
    assert api.get(f"auth/user/get/{made}")["user"]["authorizedkeys"] == keys
    [row] = [r for r in api.post("auth/user/search")["rows"] if r["name"] == "judy"]
    assert (row["authorizedkeys"], row["shell"]) == (keys, "/bin/sh")


def test_set_on_an_unknown_uuid_creates_the_user_under_it(
    api: Api, emulator: OpnsenseEmulator
) -> None:
    wanted = str(uuid.uuid5(uuid.NAMESPACE_URL, "user-upsert"))
    body = {"user": {"name": "kim", "password": "pw"}}
    assert api.post(f"auth/user/set/{wanted}", body) == {"result": "saved"}
    assert emulator.records("auth/user")[wanted]["name"] == "kim"
    assert api.post(f"auth/user/del/{wanted}") == {"result": "deleted"}
    assert api.post(f"auth/user/del/{wanted}") == {"result": "not found"}
