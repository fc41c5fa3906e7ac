"""The tags mcp-iac puts on every AWS object, and conversions between AWS's tag lists and the
user's ``tags`` maps.

Every object the provider creates carries ``mcp-iac:key`` (its idempotency key, or a digest of
it when the key does not fit AWS's tag rules) and ``mcp-iac:name`` (the resource's name), set in
the create call itself wherever the API allows, so an object never exists without them. Tags
starting with ``mcp-iac:`` or ``aws:`` are never shown as the user's ``tags`` and never touched
by an update.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from mcp_iac.sdk import CreateContext

KEY_TAG = "mcp-iac:key"
NAME_TAG = "mcp-iac:name"
RESERVED_PREFIXES = ("mcp-iac:", "aws:")

# The strictest tag value rule among the services used (ELB, RDS, ACM, autoscaling).
_TAG_SAFE = re.compile(r"^[A-Za-z0-9 _.:/=+\-@]{1,256}$")


def digest(text: str) -> str:
    """Hex SHA-256 of ``text``."""
    return hashlib.sha256(text.encode()).hexdigest()


def key_value(idempotency_key: str) -> str:
    """The ``mcp-iac:key`` tag value for a key: the key itself when AWS accepts it as a tag
    value everywhere, else ``sha256:<hex>`` of it."""
    if _TAG_SAFE.match(idempotency_key):
        return idempotency_key
    return f"sha256:{digest(idempotency_key)}"


def token(idempotency_key: str, length: int = 64) -> str:
    """A client token (``ClientToken``, ``IdempotencyToken``, ``CallerReference``) derived
    from the key: hex digits only, ``length`` of them at most (ACM allows 32)."""
    return digest(idempotency_key)[:length]


def managed(ctx: CreateContext) -> dict[str, str]:
    """The tags mcp-iac adds to an object created for ``ctx``."""
    return {KEY_TAG: key_value(ctx.idempotency_key), NAME_TAG: ctx.name[:256]}


def is_reserved(key: str) -> bool:
    """True for tag keys that are not the user's (``mcp-iac:*``, ``aws:*``)."""
    return key.startswith(RESERVED_PREFIXES)


def to_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    """``{"k": "v"}`` as AWS's ``[{"Key": "k", "Value": "v"}]``."""
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def to_dict(tag_list: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """AWS's tag list (``Key``/``Value``) as a map."""
    return {str(t["Key"]): str(t.get("Value", "")) for t in tag_list or ()}


def user_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """The user's tags: everything but ``mcp-iac:*`` and ``aws:*``."""
    return {k: v for k, v in sorted(tags.items()) if not is_reserved(k)}


def has_key(tags: Mapping[str, str], idempotency_key: str | None) -> bool:
    """True when ``tags`` mark an object mcp-iac made (with ``idempotency_key``, if given)."""
    value = tags.get(KEY_TAG)
    if value is None:
        return False
    return idempotency_key is None or value == key_value(idempotency_key)


def changes(
    current: Mapping[str, str], desired: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """What to set and what to remove to turn the user tags ``current`` into ``desired``."""
    to_set = {k: v for k, v in desired.items() if current.get(k) != v}
    to_remove = sorted(k for k in current if k not in desired and not is_reserved(k))
    return to_set, to_remove
