"""``opnsense:security:user`` against the OPNsense emulator: a password that is written but
never read back nor shown, groups by name, drift in the user's terms, idempotent creates,
renames in place, and a clear refusal on firmware older than 25.1."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from mcp_iac.core import ProviderError
from mcp_iac.emulators.opnsense import OpnsenseEmulator

from .opnsense_support import keys, left_behind, provider_of, rest

pytestmark = pytest.mark.anyio

USER = "opnsense:security:user"
ROOT = "1c1cb1b5-5f4e-4d4c-9b8e-2a0a1f3e7d01"  # the factory root user of the emulator
PASSWORD = "Hunter2-but-longer"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ops@laptop"


@pytest.fixture
def ops_group(emulator: OpnsenseEmulator) -> Iterator[str]:
    """A group "ops" made on the firewall (not by the provider); its gid."""
    with rest(emulator) as api:
        made = api.post("/api/auth/group/add", json={"group": {"name": "ops"}}).json()
        assert made["result"] == "saved", made
        gid = str(emulator.records("auth/group")[made["uuid"]]["gid"])
        yield gid
        assert api.post(f"/api/auth/group/del/{made['uuid']}", json={}).json() == {
            "result": "deleted"
        }


def _stored(fw: OpnsenseEmulator, uuid_: str) -> dict[str, Any]:
    return dict(fw.records("auth/user")[uuid_])


def _stored_all(fw: OpnsenseEmulator) -> list[Any]:
    return [dict(r) for r in fw.records("auth/user").values()]


async def test_a_user_is_created_with_its_password_groups_and_keys_and_reads_back_as_declared(
    emulator: OpnsenseEmulator, ops_group: str
) -> None:
    props = {
        "name": "alice",
        "fullName": "Alice Operator",
        "email": "alice@example.net",
        "groups": ["ops", "admins"],
        "shell": "/bin/sh",
        "expires": "2031-06-30",
        "authorizedKeys": [KEY],
        "password": PASSWORD,
    }
    async with provider_of(emulator) as provider:
        made = await provider.create(USER, **keys(USER), properties=props)
        read = await provider.read(USER, made.id, props)
        with rest(emulator) as api:
            raw = api.get(f"/api/auth/user/get/{made.id}").json()["user"]
        stored = _stored(emulator, made.id)
        members = {g["name"]: g["member"] for g in emulator.records("auth/group").values()}
        assert emulator.password_matches("alice", PASSWORD)
        await provider.delete(USER, made.id, props)
    assert made.outputs == {"uuid": made.id, "uid": int(stored["uid"]), "name": "alice"}
    assert int(stored["uid"]) >= 2000
    assert uuid.UUID(made.id).version == 5
    assert read.properties == {**props, "comment": "", "enabled": True}
    # What OPNsense holds, in its own terms.
    assert (stored["descr"], stored["disabled"], stored["expires"]) == (
        "Alice Operator", "0", "06/30/2031",
    )  # fmt: skip
    assert raw["authorizedkeys"] == KEY
    assert raw["password"] == ""
    assert members["ops"] == stored["uid"]
    assert stored["uid"] in members["admins"].split(",")
    assert "auth/user" not in left_behind(emulator)


async def test_the_password_is_never_read_back_listed_or_printed(
    emulator: OpnsenseEmulator,
) -> None:
    props = {"name": "bob", "password": PASSWORD}
    async with provider_of(emulator) as provider:
        describe = await provider.describe()
        create = keys(USER)
        made = await provider.create(USER, **create, properties=props)
        blind = await provider.read(USER, made.id, {})
        listed = await provider.list(USER, {"idempotency_key": create["idempotency_key"]})
        with pytest.raises(ProviderError) as taken:
            await provider.create(USER, **keys(USER), properties={**props, "name": "root"})
        with rest(emulator) as api:
            rows = api.post("/api/auth/user/search", json={}).json()["rows"]
        await provider.delete(USER, made.id, props)
    [schema] = [t for t in describe.types if t.type == USER]
    assert schema.secret_paths == ("password",)
    assert blind.properties["password"] is None
    assert [item.properties["password"] for item in listed] == [None]
    assert all(row["password"] == "" for row in rows)
    assert PASSWORD not in str(_stored_all(emulator))
    assert PASSWORD not in taken.value.reason
    assert PASSWORD not in str(taken.value.details)


async def test_without_a_password_the_user_gets_one_nobody_knows_also_when_it_is_removed(
    emulator: OpnsenseEmulator,
) -> None:
    bare = {"name": "carol"}
    with_password = {**bare, "password": PASSWORD}
    async with provider_of(emulator) as provider:
        made = await provider.create(USER, **keys(USER), properties=bare)
        scrambled = _stored(emulator, made.id)["password"]
        await provider.update(USER, made.id, old=bare, new=with_password)
        assert emulator.password_matches("carol", PASSWORD)
        await provider.update(USER, made.id, old=with_password, new=bare)
        revoked = _stored(emulator, made.id)["password"]
        assert not emulator.password_matches("carol", PASSWORD)
        await provider.delete(USER, made.id, bare)
    assert scrambled
    assert revoked
    assert revoked != scrambled


async def test_an_update_writes_the_password_only_when_it_changes(
    emulator: OpnsenseEmulator,
) -> None:
    props = {"name": "dave", "password": PASSWORD}
    renamed = {**props, "fullName": "Dave"}
    async with provider_of(emulator) as provider:
        made = await provider.create(USER, **keys(USER), properties=props)
        first = _stored(emulator, made.id)
        await provider.update(USER, made.id, old=props, new=renamed)
        kept = _stored(emulator, made.id)
        await provider.update(USER, made.id, old=renamed, new={**renamed, "password": "New-pw-42"})
        changed = _stored(emulator, made.id)
        assert emulator.password_matches("dave", "New-pw-42")
        await provider.delete(USER, made.id, {})
    assert (kept["password"], kept["pwd_changed_at"]) == (
        first["password"],
        first["pwd_changed_at"],
    )
    assert kept["descr"] == "Dave"
    assert changed["password"] != first["password"]


async def test_a_create_with_the_same_key_returns_the_same_user(
    emulator: OpnsenseEmulator,
) -> None:
    create = keys(USER)
    props = {"name": "erin", "password": PASSWORD}
    async with provider_of(emulator) as provider:
        first = await provider.create(USER, **create, properties=props)
        second = await provider.create(USER, **create, properties=props)
        everyone = await provider.list(USER, {})
        await provider.delete(USER, first.id, props)
    assert second.id == first.id
    assert second.outputs == first.outputs
    assert [i.id for i in everyone] == [first.id]  # root (made by OPNsense) is not listed
    assert [r["name"] for r in _stored_all(emulator)] == ["root"]


async def test_changes_on_the_firewall_read_back_as_drift_in_the_users_terms(
    emulator: OpnsenseEmulator, ops_group: str
) -> None:
    props = {"name": "frank", "groups": ["admins"], "shell": "/bin/sh", "password": PASSWORD}
    async with provider_of(emulator) as provider:
        made = await provider.create(USER, **keys(USER), properties=props)
        with rest(emulator) as api:
            body = {
                "user": {
                    "descr": "changed by hand",
                    "disabled": "1",
                    "shell": "/bin/csh",
                    "expires": "2030-01-15",
                    "authorizedkeys": KEY,
                    "group_memberships": ops_group,
                    "password": "set-in-the-gui",
                }
            }
            assert api.post(f"/api/auth/user/set/{made.id}", json=body).json() == {
                "result": "saved"
            }
        drifted = await provider.read(USER, made.id, props)
        await provider.update(USER, made.id, old=props, new=props)  # the repair
        repaired = await provider.read(USER, made.id, props)
        # The repair does not rewrite the password (declared unchanged): the GUI's stays.
        kept_gui_password = emulator.password_matches("frank", "set-in-the-gui")
        await provider.delete(USER, made.id, props)
    assert {k: drifted.properties[k] for k in ("fullName", "enabled", "shell", "expires")} == {
        "fullName": "changed by hand",
        "enabled": False,
        "shell": "/bin/csh",
        "expires": "2030-01-15",
    }
    assert drifted.properties["authorizedKeys"] == [KEY]
    assert drifted.properties["groups"] == ["ops"]
    # A password changed on the firewall cannot be seen: the declared one is reported.
    assert drifted.properties["password"] == PASSWORD
    assert repaired.properties == {
        **props, "fullName": "", "email": "", "comment": "", "enabled": True,
        "expires": None, "authorizedKeys": [],
    }  # fmt: skip
    assert kept_gui_password


async def test_groups_read_back_in_the_declared_order(
    emulator: OpnsenseEmulator, ops_group: str
) -> None:
    props = {"name": "grace", "groups": ["ops", "admins"]}
    async with provider_of(emulator) as provider:
        made = await provider.create(USER, **keys(USER), properties=props)
        read = await provider.read(USER, made.id, props)
        blind = await provider.read(USER, made.id, {})
        await provider.delete(USER, made.id, props)
    assert read.properties["groups"] == ["ops", "admins"]
    assert sorted(blind.properties["groups"]) == ["admins", "ops"]


async def test_a_rename_is_in_place_and_keeps_the_uid(emulator: OpnsenseEmulator) -> None:
    props = {"name": "heidi"}
    renamed = {"name": "heidi2"}
    async with provider_of(emulator) as provider:
        describe = await provider.describe()
        made = await provider.create(USER, **keys(USER), properties=props)
        after = await provider.update(USER, made.id, old=props, new=renamed)
        read = await provider.read(USER, made.id, renamed)
        await provider.delete(USER, made.id, renamed)
    [schema] = [t for t in describe.types if t.type == USER]
    assert schema.replace_on_changes == ()
    assert after.outputs == {**made.outputs, "name": "heidi2"}
    assert read.properties["name"] == "heidi2"


async def test_a_taken_name_is_a_conflict_on_name_and_leaves_nothing(
    emulator: OpnsenseEmulator,
) -> None:
    create = keys(USER)
    async with provider_of(emulator) as provider:
        with pytest.raises(ProviderError) as caught:
            await provider.create(USER, **create, properties={"name": "root"})
        left = await provider.list(USER, {"idempotency_key": create["idempotency_key"]})
    assert caught.value.code == "CONFLICT"
    assert "property 'name': This username already exist." in caught.value.reason
    assert caught.value.details == [{"path": "name", "message": "This username already exist."}]
    assert left == []


async def test_an_unknown_group_is_refused_naming_groups_and_what_exists(
    emulator: OpnsenseEmulator,
) -> None:
    create = keys(USER)
    async with provider_of(emulator) as provider:
        with pytest.raises(ProviderError) as caught:
            await provider.create(USER, **create, properties={"name": "ivan", "groups": ["nope"]})
        left = await provider.list(USER, {"idempotency_key": create["idempotency_key"]})
    assert caught.value.code == "VALIDATION"
    assert "property 'groups': no group 'nope'" in caught.value.reason
    assert "(it has: admins)" in caught.value.reason
    assert caught.value.details[0]["path"] == "groups"
    assert left == []


async def test_a_system_user_cannot_be_deleted(emulator: OpnsenseEmulator) -> None:
    async with provider_of(emulator) as provider:
        root = await provider.read(USER, ROOT, {})
        with pytest.raises(ProviderError) as caught:
            await provider.delete(USER, ROOT, {})
    assert (root.properties["name"], root.outputs["uid"]) == ("root", 0)
    assert root.properties["groups"] == ["admins"]
    assert caught.value.code == "CONFLICT"
    assert "Not allowed to delete system user root" in caught.value.reason


@pytest.mark.parametrize(
    ("props", "path", "message"),
    [
        ({"name": "x" * 33, "shell": "/bin/sh"}, "", "at most 32"),
        ({"name": "bad name"}, "", "use A-Z a-z 0-9"),
        ({"name": "ok", "expires": "2031-02-30"}, "expires", "not a date"),
        ({"name": "ok", "expires": "12/31/2031"}, "expires", "pattern"),
        ({"name": "ok", "authorizedKeys": ["a\nb"]}, "authorizedKeys", "one non-empty line"),
        ({"name": "ok", "password": ""}, "password", "at least 1"),
    ],
)
async def test_invalid_properties_are_refused_before_anything_is_sent(
    emulator: OpnsenseEmulator, props: dict[str, Any], path: str, message: str
) -> None:
    async with provider_of(emulator) as provider:
        issues = await provider.validate(USER, props)
    assert [i.path for i in issues] == [path]
    assert message in issues[0].message


async def test_users_need_opnsense_25_1_and_24_7_says_so() -> None:
    with OpnsenseEmulator(version="24.7") as old:
        async with provider_of(old) as provider:
            with pytest.raises(ProviderError) as create:
                await provider.create(USER, **keys(USER), properties={"name": "judy"})
            with pytest.raises(ProviderError) as read:
                await provider.read(USER, str(uuid.uuid4()), {})
            listed = await provider.list(USER, {})
    assert create.value.code == "VALIDATION"
    assert "users need OPNsense 25.1 or later" in create.value.reason
    assert "runs OPNsense 24.7" in create.value.reason
    assert "upgrade the firewall" in create.value.reason
    assert read.value.code == "VALIDATION"
    assert "needs OPNsense 25.1 or later" in read.value.reason
    assert listed == []
