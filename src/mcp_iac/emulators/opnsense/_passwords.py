"""Password hashes of emulated users.

OPNsense stores a bcrypt hash (``password_hash``, or SHA-512 crypt under the password policy's
compliance mode); the emulator stores a salted PBKDF2 hash in the same place, so a password is
never kept readable and :func:`password_matches` can still tell whether one was set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Final

ITERATIONS: Final = 1000
"""Few on purpose: the emulator protects nothing, it only must not keep plain text."""

_PREFIX: Final = "$pbkdf2-sha256$"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``$pbkdf2-sha256$<iterations>$<salt>$<digest>`` of ``password``."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS)
    return f"{_PREFIX}{ITERATIONS}${_b64(salt)}${_b64(digest)}"


def password_matches(stored: str, password: str) -> bool:
    """Whether ``stored`` (a :func:`hash_password` result) is the hash of ``password``."""
    if not stored.startswith(_PREFIX):
        return False
    try:
        rounds, salt, digest = stored[len(_PREFIX) :].split("$")
        raw_salt = base64.b64decode(salt + "=" * (-len(salt) % 4))
        expected = hashlib.pbkdf2_hmac("sha256", password.encode(), raw_salt, int(rounds))
    except ValueError:  # a malformed hash (binascii.Error is a ValueError too)
        return False
    return hmac.compare_digest(_b64(expected), digest)


def random_password() -> str:
    """A password nobody knows (``scrambled_password``: OPNsense hashes 50 random bytes)."""
    return secrets.token_urlsafe(50)
