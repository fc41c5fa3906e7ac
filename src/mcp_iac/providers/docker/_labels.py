"""The labels the provider puts on the objects it makes, and names derived from them.

Every container, network, volume and built image carries::

    mcp-iac.key    the idempotency key of the create that made it (list-by-key finds it)
    mcp-iac.type   its resource type, e.g. docker:container
    mcp-iac.name   the resource's name in its deployment
    mcp-iac.urn    the resource's URN

The ``mcp-iac.`` prefix is reserved: user labels may not use it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from mcp_iac.sdk import CreateContext

PREFIX = "mcp-iac."
KEY = "mcp-iac.key"
TYPE = "mcp-iac.type"
NAME = "mcp-iac.name"
URN = "mcp-iac.urn"

NAME_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"
"""What Docker accepts as a container or volume name (and what we use for networks)."""

_UNSAFE = re.compile(r"[^a-zA-Z0-9_.-]+")


def ours(type_: str, ctx: CreateContext) -> dict[str, str]:
    """The provider's labels for an object ``type_`` made by the create ``ctx``."""
    return {KEY: ctx.idempotency_key, TYPE: type_, NAME: ctx.name, URN: ctx.urn}


def user_labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    """``labels`` without the provider's own."""
    return {k: v for k, v in (labels or {}).items() if not k.startswith(PREFIX)}


def made_by(labels: Mapping[str, str] | None, type_: str, key: str | None = None) -> bool:
    """Whether labels say: made by this provider as ``type_`` (with idempotency key ``key``)."""
    found = labels or {}
    return found.get(TYPE) == type_ and (key is None or found.get(KEY) == key)


def label_filter(type_: str, key: str | None) -> dict[str, Any]:
    """An engine-side ``filters`` argument selecting ``type_`` objects (made with ``key``)."""
    wanted = [f"{TYPE}={type_}"]
    if key is not None:
        wanted.append(f"{KEY}={key}")
    return {"label": wanted}


def key_digest(key: str) -> str:
    """SHA-256 of an idempotency key, hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def default_name(resource_name: str, key: str) -> str:
    """The engine-side name of an object the user did not name: the resource name and 8 hex
    digits of its idempotency key, so two deployments' ``web`` containers do not collide."""
    base = _UNSAFE.sub("-", resource_name).strip("-._") or "mcp-iac"
    return f"{base[:54]}-{key_digest(key)[:8]}"


def derived_name(labels: Mapping[str, str] | None) -> str | None:
    """The name ``default_name`` gave an object, from its labels (None when not ours)."""
    found = labels or {}
    if NAME in found and KEY in found:
        return default_name(found[NAME], found[KEY])
    return None
