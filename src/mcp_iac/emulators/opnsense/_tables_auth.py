"""Component tables of the user manager (``OPNsense/Auth/User.xml``, ``Group.xml``): the MVC
API ``/api/auth/{user,group}`` that OPNsense 25.1 brought (24.7 has neither: 404).

The field lists follow the models in the OpenAPI specs of the releases the emulator reports
(25.1.12, 25.7.11, 26.1.6; ``pwd_changed_at`` came with 25.1.4); fields the provider does not
use (``priv``, ``apikeys``, ``language``, ``dashboard``, a group's ``source_networks``) are not
declared. A fresh firewall holds
OPNsense's factory user ``root`` (uid 0, password ``opnsense``) and group ``admins``
(gid 1999), both of scope ``system``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ._auth import GroupBehaviour, UserBehaviour
from ._config import Records
from ._fields import (
    Boolean,
    Description,
    Expires,
    Generated,
    GroupMembership,
    Members,
    Option,
    StoreB64,
    Text,
    Unique,
    UpdateOnly,
    options,
)
from ._passwords import hash_password
from ._schema import Commands, Component

SINCE: Final = "25.1"

SHELLS: Final = options(
    ("/bin/csh", "/bin/csh"), ("/bin/sh", "/bin/sh"), ("/bin/tcsh", "/bin/tcsh")
)
"""The login shells of the model's option list (newer releases ask configd for /etc/shells)."""

COMMANDS: Final = Commands("get", "add", "set", "del", "search", model_get=None)
"""``getAction($uuid = null)`` and friends: the controllers name their actions plainly."""


_USER_FIELDS: Final = (
    ("uid", Generated(kind="sequence", start=2000)),
    ("name", Text(required=True)),
    ("disabled", Boolean(required=True, default="0")),
    ("scope", Text(required=True, default="user")),
    ("expires", Expires()),
    ("authorizedkeys", StoreB64()),
    ("otp_seed", Text()),
    ("shell", Option(blank="Default (none for all but root)", values=SHELLS)),
    ("password", UpdateOnly()),
    ("scrambled_password", Boolean(volatile=True)),
    ("pwd_changed_at", Text()),
    (
        "landing_page",
        Text(
            mask=r"^/[a-zA-Z0-9_\-.~/?=&#+,@!;]*$",
            message="Must be a valid relative path without backslashes or URL schemes.",
        ),
    ),
    ("comment", Text()),
    ("email", Text()),
    ("group_memberships", GroupMembership(multiple=True, volatile=True)),
    ("descr", Description()),
)

USER: Final = Component(
    id="auth/user",
    module="auth",
    controller="user",
    model="OPNsense.Auth.User",
    model_name="user",
    mount="system",
    path="user",
    post_key="user",
    fields=_USER_FIELDS,
    uniques=(Unique("name", "This username already exist."),),
    commands=COMMANDS,
    apply_group=None,  # add/set/del run configd "auth sync user" themselves
    since=SINCE,
    search_fields=tuple(name for name, field in _USER_FIELDS if name != "scrambled_password"),
    behaviour=UserBehaviour(),
)

GROUP: Final = Component(
    id="auth/group",
    module="auth",
    controller="group",
    model="OPNsense.Auth.Group",
    model_name="group",
    mount="system",
    path="group",
    post_key="group",
    fields=(
        ("gid", Generated(kind="sequence", start=2000)),
        (
            "name",
            Text(
                required=True,
                mask=r"^[a-zA-Z0-9.\-_]{1,32}$",
                message="A groupname must contain a maximum of 32 alphanumeric characters.",
            ),
        ),
        ("scope", Text(required=True, default="user")),
        ("description", Description()),
        ("member", Members(multiple=True)),
    ),
    uniques=(Unique("name", "This groupname already exist."),),
    commands=COMMANDS,
    apply_group=None,
    since=SINCE,
    behaviour=GroupBehaviour(),
)

AUTH: Final[tuple[Component, ...]] = (USER, GROUP)

ROOT_UUID: Final = "1c1cb1b5-5f4e-4d4c-9b8e-2a0a1f3e7d01"
ADMINS_UUID: Final = "7b0d4e2a-3c6f-4b1e-8a9d-5e2f1c0b9a02"


def factory_records(components: Mapping[str, Component]) -> Records:
    """The user manager's records of a factory-new firewall with ``components`` (by id)."""
    user, group = components.get("auth/user"), components.get("auth/group")
    if user is None or group is None:
        return {}
    root = {
        **user.template(volatile=False),
        "uid": "0",
        "name": "root",
        "scope": "system",
        "password": hash_password("opnsense"),
        "descr": "System Administrator",
    }
    admins = {
        **group.template(volatile=False),
        "gid": "1999",
        "name": "admins",
        "scope": "system",
        "description": "System Administrators",
        "member": "0",
    }
    return {"auth/user": {ROOT_UUID: root}, "auth/group": {ADMINS_UUID: admins}}
