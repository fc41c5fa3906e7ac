"""What the Route 53 types share: zone ids, domain names in the user's form, waiting for a
change to reach every name server."""

from __future__ import annotations

import re

from ._aws import Aws
from ._errors import AwsError, Subject

HOSTED_ZONE = "/hostedzone/"


def zone_id(value: str) -> str:
    """``/hostedzone/Z123`` or ``Z123`` as ``Z123``."""
    return value.removeprefix(HOSTED_ZONE)


def plain(name: str) -> str:
    """A DNS name as Route 53 shows it, without the final dot and octal escapes (``\\052``
    for ``*``), in lower case."""
    unescaped = re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1), 8)), name)
    return unescaped.rstrip(".").lower()


def absolute(name: str, zone: str) -> str:
    """``name`` as a full name in ``zone``: names already ending in the zone's name are kept,
    others (``www``, ``@`` for the apex) are relative to it. Without the final dot."""
    zone_name = plain(zone)
    given = plain(name)
    if given in ("", "@"):
        return zone_name
    if given == zone_name or given.endswith(f".{zone_name}"):
        return given
    return f"{given}.{zone_name}"


def as_declared(actual: str, hint: str | None, zone: str) -> str:
    """``actual`` in the form the user declared it (relative, with a final dot, in capitals)
    when that names the same thing; else without the final dot."""
    if hint is not None and absolute(hint, zone) == plain(actual):
        return hint
    return plain(actual)


async def wait_insync(aws: Aws, change_id: str, what: str, subject: Subject) -> None:
    """Wait until a change has reached every Route 53 name server (PENDING → INSYNC)."""

    async def insync() -> bool | None:
        try:
            answer = await aws.call("route53", "get_change", subject=subject, Id=change_id)
        except AwsError as exc:
            if exc.code == "NOT_FOUND":  # changes are forgotten after a while: long done
                return True
            raise
        return True if answer["ChangeInfo"]["Status"] == "INSYNC" else None

    await aws.wait_for(what, insync)
