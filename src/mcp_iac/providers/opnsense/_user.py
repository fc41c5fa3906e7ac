"""``opnsense:security:user``: a local user of the firewall (System → Access → Users), through
the user manager's API OPNsense 25.1 brought (``/api/auth/user``).

The password is write-only: OPNsense stores a hash and ``get`` shows ``""``, so a read reports
the declared password (drift cannot see a password changed on the firewall). A user declared
without one gets a random password nobody knows (``scrambled_password``), which is also what
removing ``password`` from a declaration does. Groups are named; OPNsense writes their gids.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from pydantic import Field, field_validator, model_validator

from mcp_iac.core import ProviderError
from mcp_iac.sdk import Example, TypeSpec

from . import _values as v
from ._endpoints import USER, USER_TEMPLATE, Component
from ._handler import Model, RecordHandler, reported

_SHELL_NAME = re.compile(r"[A-Za-z0-9._-]{1,32}")
_PLAIN_NAME = re.compile(r"[A-Za-z0-9._@-]{1,320}")
_EMAIL_NAME = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_OPNSENSE_DATE = "%m/%d/%Y"


class UserProperties(Model):
    """Properties of ``opnsense:security:user``."""

    name: str = Field(
        min_length=1,
        description="Login name, unique on the firewall. With a shell: at most 32 of "
        "A-Z a-z 0-9 . _ -; without one, also @ (a mail address is allowed).",
    )
    full_name: str = Field(
        default="", max_length=255, alias="fullName", description="Full name (field 'descr')."
    )
    email: str = Field(default="", description="Mail address (free text).")
    comment: str = Field(default="", description="Free text.")
    enabled: bool = Field(
        default=True, description="false disables logins (OPNsense field 'disabled', inverted)."
    )
    groups: list[str] = Field(
        default_factory=list,
        description="Names of the groups the user belongs to (admins, ...); OPNsense writes "
        "their gids.",
    )
    shell: str = Field(
        default="",
        pattern=r"^(/\S+)?$",
        description="Login shell for console/SSH access, e.g. /bin/sh or /bin/csh; '' for none.",
    )
    expires: str | None = Field(
        default=None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="Last day the account may log in, YYYY-MM-DD; none: never expires.",
    )
    authorized_keys: list[str] = Field(
        default_factory=list,
        alias="authorizedKeys",
        description="SSH public keys, one line each (field 'authorizedkeys').",
    )
    password: str | None = Field(
        default=None,
        min_length=1,
        description="Password (secret, write-only: OPNsense keeps a hash and never returns it). "
        "None: a random password nobody knows (no password login).",
    )

    @field_validator("expires")
    @classmethod
    def _is_a_date(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD") from None
        return value

    @field_validator("authorized_keys")
    @classmethod
    def _one_line_each(cls, value: list[str]) -> list[str]:
        if any("\n" in key or "\r" in key or not key.strip() for key in value):
            raise ValueError("each key is one non-empty line (ssh-ed25519 AAAA... comment)")
        return value

    @model_validator(mode="after")
    def _name_fits(self) -> UserProperties:
        name = self.name
        if self.shell:
            if _SHELL_NAME.fullmatch(name) is None:
                raise ValueError(
                    f"name {name!r}: a user with a shell needs at most 32 of A-Z a-z 0-9 . _ -"
                )
        elif ("@" in name and _EMAIL_NAME.fullmatch(name) is None) or (
            _PLAIN_NAME.fullmatch(name) is None
        ):
            raise ValueError(
                f"name {name!r}: use A-Z a-z 0-9 . _ - @ (at most 320), or a mail address"
            )
        return self


class UserOutputs(Model):
    """Outputs of ``opnsense:security:user``."""

    uuid: str = Field(description="The user's uuid in OPNsense.")
    uid: int | None = Field(description="Its numeric user id (2000 and up), as OPNsense gave it.")
    name: str = Field(description="Its login name.")


USER_TYPE = TypeSpec(
    type="opnsense:security:user",
    description="A local user of the firewall (System > Access > Users); OPNsense 25.1 or later.",
    properties=UserProperties,
    outputs=UserOutputs,
    secret_paths=("password",),
    examples=(
        Example(
            properties={
                "name": "backup",
                "fullName": "Backup operator",
                "email": "backup@example.net",
                "shell": "/bin/sh",
                "authorizedKeys": ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample backup@host"],
            },
            update={
                "name": "backup",
                "fullName": "Backup operator (paused)",
                "email": "backup@example.net",
                "shell": "/bin/sh",
                "enabled": False,
                "expires": "2031-12-31",
            },
            description="An SSH user with a key and no password login, later disabled.",
        ),
    ),
)


def _unreadable(declared: Any, observed: Any) -> bool:
    """A value OPNsense never returns (the password): what was declared stands."""
    return True


def _opnsense_date(value: str | None) -> str:
    return "" if value is None else dt.date.fromisoformat(value).strftime(_OPNSENSE_DATE)


def _iso_date(value: str) -> str | None:
    """``MM/DD/YYYY`` as ``YYYY-MM-DD``; another text as it is, so that drift shows it."""
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, _OPNSENSE_DATE).date().isoformat()
    except ValueError:
        return value


def _group_names(memberships: Any) -> list[str]:
    """The selected groups of a ``group_memberships`` option map (gid -> name), by name."""
    options = memberships if isinstance(memberships, Mapping) else {}
    names = []
    for gid in v.selected(memberships):
        option = options.get(gid)
        names.append(str(option.get("value", gid)) if isinstance(option, Mapping) else gid)
    return names


class UserHandler(RecordHandler[UserProperties, UserOutputs]):
    """Local users. A rename is in place (OPNsense keeps uuid and uid; it refuses only
    renaming root). Every write posts the groups too, so memberships added on the firewall are
    undone by the next update."""

    spec = USER_TYPE
    component = USER
    field_paths = {
        "name": "name",
        "descr": "fullName",
        "email": "email",
        "comment": "comment",
        "disabled": "enabled",
        "group_memberships": "groups",
        "shell": "shell",
        "expires": "expires",
        "authorizedkeys": "authorizedKeys",
        "password": "password",
        "scrambled_password": "password",
    }
    equivalences = {"groups": v.same_set, "password": _unreadable}

    def fields(self, props: UserProperties) -> dict[str, Any]:
        return {
            "name": props.name,
            "descr": props.full_name,
            "email": props.email,
            "comment": props.comment,
            "disabled": v.bit(not props.enabled),
            "shell": props.shell,
            "expires": _opnsense_date(props.expires),
            "authorizedkeys": "\n".join(props.authorized_keys),
        }

    async def write_fields(
        self,
        new: UserProperties,
        old: UserProperties | None,
        component: Component,
        *,
        subject: str,
    ) -> dict[str, Any]:
        fields = self.fields(new)
        fields["group_memberships"] = await self._gids(new.groups, component, subject)
        if new.password is not None and (old is None or new.password != old.password):
            fields["password"] = new.password
        elif new.password is None and (old is None or old.password is not None):
            # No password declared (any more): one nobody knows, so none works for logging in.
            fields["scrambled_password"] = "1"
        return fields

    async def _gids(self, names: list[str], component: Component, subject: str) -> str:
        """The gids of the groups ``names``, comma-separated (what OPNsense stores).

        Raises:
            ProviderError: ``VALIDATION`` on ``groups`` naming a group the firewall lacks.
        """
        if not names:
            return ""
        template = await self.client.template(USER_TEMPLATE, component, subject=subject)
        options = template.get("group_memberships")
        known = {
            str(option.get("value")): str(gid)
            for gid, option in (options.items() if isinstance(options, Mapping) else ())
            if isinstance(option, Mapping) and gid != ""
        }
        missing = [name for name in names if name not in known]
        if missing:
            have = ", ".join(sorted(known)) or "none"
            message = (
                f"no group {', '.join(map(repr, missing))} on {self.client.url} (it has: "
                f"{have}); create it under System > Access > Groups, or fix the name"
            )
            raise ProviderError(
                "VALIDATION",
                f"{subject}: property 'groups': {message}",
                details=[{"path": "groups", "message": message}],
            )
        return v.csv(known[name] for name in names)

    def properties_of(self, record: Mapping[str, Any]) -> UserProperties:
        return reported(
            UserProperties,
            name=v.text(record.get("name")),
            full_name=v.text(record.get("descr")),
            email=v.text(record.get("email")),
            comment=v.text(record.get("comment")),
            enabled=not v.flag(record.get("disabled")),
            groups=_group_names(record.get("group_memberships")),
            shell=v.one(record.get("shell")),
            expires=_iso_date(v.text(record.get("expires"))),
            authorized_keys=v.lines(record.get("authorizedkeys")),
            password=None,  # never returned: get shows "" (an UpdateOnlyTextField)
        )

    def outputs_of(self, uuid_: str, record: Mapping[str, Any]) -> UserOutputs:
        return UserOutputs(
            uuid=uuid_, uid=v.integer(record.get("uid")), name=v.text(record.get("name"))
        )
