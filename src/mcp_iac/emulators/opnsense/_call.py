"""One API request as the handlers see it, and what they answer."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Final

from mcp_iac.core import JSON

UUID_PATTERN: Final = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE
)


def is_uuid(value: str) -> bool:
    """``Type::isUUID``: the 8-4-4-4-12 hex form, any version."""
    return UUID_PATTERN.match(value) is not None


@dataclass(frozen=True, slots=True)
class Call:
    """An authenticated, routed request.

    ``post`` is PHP's ``$_POST`` (the JSON body, or None when there is none); ``query`` the
    GET parameters; ``params`` the positional path parameters after the command.
    """

    method: str
    uri: str
    user: str
    params: tuple[str, ...] = ()
    query: dict[str, JSON] = field(default_factory=dict)
    post: dict[str, JSON] | None = None

    @property
    def is_post(self) -> bool:
        return self.method == "POST"

    @property
    def is_get(self) -> bool:
        return self.method == "GET"

    def param(self, index: int) -> str | None:
        return self.params[index] if len(self.params) > index else None

    def request(self, name: str) -> JSON:
        """``$request->get()``: a POST value, else a GET value, else None."""
        if self.post is not None and name in self.post:
            return self.post[name]
        return self.query.get(name)


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer: JSON (encoded the way PHP does) or raw bytes."""

    body: JSON | bytes
    status: int = 200
    content_type: str = "application/json; charset=UTF-8"
    headers: tuple[tuple[str, str], ...] = ()

    def encode(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return php_json(self.body).encode()


def _php_value(value: JSON) -> JSON:
    # PHP arrays: an empty one encodes as [] whether it was meant as a map or a list.
    if isinstance(value, dict):
        return {k: _php_value(v) for k, v in value.items()} if value else []
    if isinstance(value, list):
        return [_php_value(v) for v in value]
    return value


def php_json(value: JSON) -> str:
    """``json_encode``: compact, ASCII-escaped, ``/`` escaped as ``\\/``, ``{}`` as ``[]``."""
    return json.dumps(_php_value(value), separators=(",", ":")).replace("/", "\\/")
