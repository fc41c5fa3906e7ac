"""What the user and group controllers (``Auth/Api/UserController``, ``GroupController``) and
their models add to the generic contract.

Users: the ``UsernameField`` rules, "A password is required" unless a random one is asked for
(``scrambled_password``), hashing in ``setBaseHook`` (a password never reads back: it is an
``UpdateOnlyTextField``), the root user's name, group memberships written into the groups'
``member`` lists, the ``otp_uri``/``certs`` keys ``get`` adds, and no deleting system users.
Groups: no deleting system groups.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Final

from mcp_iac.core import JSON

from ._fields import Lookup, Record
from ._passwords import hash_password, random_password
from ._schema import Behaviour, Site, UserError

HOSTNAME: Final = "OPNsense.localdomain"
"""``system.hostname`` + ``.`` + ``system.domain`` of the emulated firewall (in OTP URIs)."""

_SHELL_NAME = re.compile(r"[a-zA-Z0-9.\-_]{1,32}")
_PLAIN_NAME = re.compile(r"[a-zA-Z0-9.\-_@]{1,320}")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def _items(value: str) -> list[str]:
    return [item for item in value.split(",") if item]


def memberships(look: Lookup, uid: str) -> str:
    """The gids of the groups whose ``member`` list holds ``uid`` (``GroupMembershipField``)."""
    if not uid:
        return ""
    groups = look.records("auth/group").values()
    return ",".join(g.get("gid", "") for g in groups if uid in _items(g.get("member", "")))


class UserBehaviour(Behaviour):
    """Users (``OPNsense\\Auth\\User``); hashing a password stamps ``pwd_changed_at``."""

    def overlay(
        self, posted: Mapping[str, str], current: Record | None, look: Lookup
    ) -> dict[str, str]:
        # The volatile field loads from the groups: a set that leaves it out keeps them.
        if "group_memberships" in posted or current is None:
            return {}
        return {"group_memberships": memberships(look, current.get("uid", ""))}

    def check(self, record: Record, uuid: str, look: Site) -> dict[str, list[str]]:
        problems: dict[str, list[str]] = {}
        name = record.get("name", "")
        if name and not self._valid_name(name, shell=record.get("shell", "")):
            problems["name"] = [
                "A username must contain a maximum of 32 alphanumeric characters."
                if record.get("shell")
                else "A username must contain alphanumeric characters or a valid email address."
            ]
        if record.get("uid") == "0" and name != "root":
            problems.setdefault("name", []).append("The name of the root user can not be changed")
        if not record.get("password") and record.get("scrambled_password", "") in ("", "0"):
            problems["password"] = ["A password is required"]
        return problems

    @staticmethod
    def _valid_name(name: str, *, shell: str) -> bool:
        if shell:
            return _SHELL_NAME.fullmatch(name) is not None
        if "@" in name:
            return _EMAIL.fullmatch(name) is not None
        return _PLAIN_NAME.fullmatch(name) is not None

    def finish(self, record: dict[str, str], current: Record | None, look: Site) -> None:
        stored = current.get("password", "") if current is not None else ""
        scrambled = record.get("scrambled_password", "") not in ("", "0")
        if scrambled or (record.get("password") and record["password"] != stored):
            secret = random_password() if scrambled else record["password"]
            record["password"] = hash_password(secret)
            record["pwd_changed_at"] = f"{time.time():.4f}"
        self._sync_groups(record, look)

    @staticmethod
    def _sync_groups(record: Record, look: Site) -> None:
        """``setBaseHook``: add the user's uid to the groups it names, remove it elsewhere."""
        uid = record.get("uid", "")
        wanted = set(_items(record.get("group_memberships", "")))
        for group in look.table("auth/group").values():
            members = _items(group.get("member", ""))
            if uid in members and group.get("gid") not in wanted:
                members.remove(uid)
            elif uid not in members and group.get("gid") in wanted:
                members.append(uid)
            else:
                continue
            group["member"] = ",".join(members)

    def derived(self, uuid: str, record: Record, look: Site) -> dict[str, str]:
        return {"group_memberships": memberships(look, record.get("uid", ""))}

    def item_extras(self, record: Record | None, look: Site) -> dict[str, JSON] | None:
        seed = record.get("otp_seed", "") if record is not None else ""
        uri = ""
        if record is not None and seed:
            uri = (
                f"otpauth://totp/{record.get('name', '')}@{HOSTNAME}?secret={seed}"
                "&issuer=OPNsense&image=https://docs.opnsense.org/_static/favicon.png"
            )
        return {"otp_uri": uri, "certs": []}

    def refuse_delete(self, uuid: str, record: Record, look: Site) -> UserError | None:
        if record.get("scope") == "system":
            return UserError(
                f"Not allowed to delete system user {record.get('name', '')}", "Usermanager"
            )
        return None


class GroupBehaviour(Behaviour):
    """Groups (``OPNsense\\Auth\\Group``)."""

    def refuse_delete(self, uuid: str, record: Record, look: Site) -> UserError | None:
        if record.get("scope") == "system":
            # GroupController throws without a title, unlike the user controller.
            return UserError(f"Not allowed to delete system group {record.get('name', '')}", "")
        return None
