"""Resource types, addresses and URNs.

A type is ``<provider>:<segment>[:<segment>...]`` (``opnsense:service:haproxy:frontend``). A
resource's address is ``<server>:<type without provider>:<name>`` and its URN is
``<deployment>/<address>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NAME_RE = re.compile(r"^[A-Za-z0-9_-]+\Z")
SEGMENT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*\Z")


def valid_name(name: str) -> bool:
    """Names are ``[A-Za-z0-9_-]+``: no dots, no colons."""
    return bool(NAME_RE.match(name))


def split_type(type_: str) -> tuple[str, tuple[str, ...]]:
    """Split ``aws:ec2:instance`` into ``("aws", ("ec2", "instance"))``; raises ValueError."""
    parts = type_.split(":")
    if len(parts) < 2 or not all(SEGMENT_RE.match(p) for p in parts):
        raise ValueError(
            f"'{type_}' is not a resource type; expected '<provider>:<category>[:<kind>...]' "
            "with segments of letters, digits, '-' and '_'"
        )
    return parts[0], tuple(parts[1:])


@dataclass(frozen=True, slots=True, order=True)
class Address:
    """``<server>:<type path>:<name>``, e.g. ``aws:ec2:instance:web-1``."""

    server: str
    type_path: tuple[str, ...]
    name: str

    def __str__(self) -> str:
        return ":".join((self.server, *self.type_path, self.name))

    @classmethod
    def parse(cls, text: str) -> Address:
        """Parse an address; raises ValueError with the expected shape."""
        parts = text.split(":")
        if len(parts) < 3 or not all(parts):
            raise ValueError(
                f"'{text}' is not a resource address; expected '<server>:<type>:<name>', "
                "e.g. 'local:file:hello'"
            )
        return cls(parts[0], tuple(parts[1:-1]), parts[-1])


def make_address(server: str, type_: str, name: str) -> str:
    """The address string of a resource of ``type_`` named ``name`` on ``server``."""
    _, path = split_type(type_)
    return ":".join((server, *path, name))


def make_urn(deployment: str, address: str) -> str:
    """The URN recorded in state and passed to providers."""
    return f"{deployment}/{address}"
