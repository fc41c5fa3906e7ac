"""JSON columns: plain values stay readable; :class:`Secret` leaves are encrypted (AES-GCM).

A secret is stored as ``{"$secret": "<base64 of nonce + ciphertext of json.dumps(value)>"}`` and
read back as ``Secret(value)``. The key is ``MCP_IAC_SECRET_KEY`` (URL-safe base64 of 32 bytes) if
set, else a key file next to the database, created with mode 0600 the first time a secret is
written. Nothing needs the key until a secret is written or read.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mcp_iac.core import Secret, StateError, reveal

from ._common import SECRET_MARK, reserved_error, unstorable_error

if TYPE_CHECKING:  # AES is loaded by the first secret written or read, not by every command
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_ENV = "MCP_IAC_SECRET_KEY"
_KEY_BYTES = 32
_NONCE_BYTES = 12
_AAD = b"mcp-iac/secret/v1"
_STORED_MARK = f'"{SECRET_MARK}":'
"""How a secret's key appears in compact JSON; a string holding it would be escaped."""
_ANY_MARK = f'"{SECRET_MARK}"'

_Scanner = Callable[[str, int], tuple[Any, int]]
"""``JSONDecoder.scan_once``: decodes the value at an index, raising StopIteration if none."""


def _decode_key(text: str) -> bytes | None:
    try:
        key = base64.urlsafe_b64decode(text.strip().replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == _KEY_BYTES else None


def new_key_text() -> str:
    """A fresh key as stored in a key file or ``MCP_IAC_SECRET_KEY``."""
    return base64.urlsafe_b64encode(os.urandom(_KEY_BYTES)).decode("ascii")


class SecretCodec:
    """Encodes JSON columns, encrypting secrets with the key from the env or ``key_file``."""

    def __init__(self, key_file: Path) -> None:
        self.key_file = key_file
        self._aead: AESGCM | None = None
        plain, secret = json.JSONDecoder(), json.JSONDecoder(object_hook=self._revive)
        # The C scanners skip json.loads' per-call overhead: resources() decodes 10,000 rows.
        self._scan_plain: _Scanner = plain.scan_once  # type: ignore[attr-defined]  # untyped
        self._scan_secret: _Scanner = secret.scan_once  # type: ignore[attr-defined]  # untyped

    # -- encoding -------------------------------------------------------------------------------

    def dumps(self, value: object, where: str) -> str:
        """Compact JSON of ``value`` with every Secret encrypted.

        Raises:
            StateError: ``value`` holds an unknown, a non-JSON value, or a reserved object.
        """
        secrets = 0

        def default(obj: object) -> object:
            nonlocal secrets
            if isinstance(obj, Secret):
                secrets += 1
                return {SECRET_MARK: self._encrypt(obj.value, where)}
            raise unstorable_error(obj, where)

        try:
            text = json.dumps(
                value, default=default, separators=(",", ":"), ensure_ascii=False, allow_nan=False
            )
        except (TypeError, ValueError) as exc:
            raise StateError(f"{where}: cannot record value: {exc}") from exc
        if text.count(_STORED_MARK) > secrets and _has_reserved(value):
            raise reserved_error(where)
        return text

    def loads(self, text: str) -> Any:
        """Decode a JSON column, turning encrypted objects back into :class:`Secret`.

        Raises:
            StateError: the text is not JSON, or a secret cannot be decrypted (missing or wrong
                key, corrupt value).
        """
        scan = self._scan_secret if _ANY_MARK in text else self._scan_plain
        try:
            return scan(text, 0)[0]
        except StopIteration:  # the scanner's way to say "no JSON value here"
            return self._loads_slowly(text)
        except ValueError as exc:
            raise StateError(f"state holds malformed JSON: {exc}") from exc

    def _loads_slowly(self, text: str) -> Any:
        hook = self._revive if _ANY_MARK in text else None
        try:
            return json.loads(text, object_hook=hook)
        except ValueError as exc:
            raise StateError(f"state holds malformed JSON: {exc}") from exc

    def _revive(self, obj: dict[str, Any]) -> Any:
        if len(obj) == 1:
            token = obj.get(SECRET_MARK)
            if isinstance(token, str):
                return Secret(self._decrypt(token))
        return obj

    # -- crypto ---------------------------------------------------------------------------------

    def _encrypt(self, value: object, where: str) -> str:
        try:
            plain = json.dumps(
                reveal(value), separators=(",", ":"), ensure_ascii=False, allow_nan=False
            )
        except (TypeError, ValueError) as exc:
            raise StateError(f"{where}: cannot record secret value: {exc}") from exc
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._key(create=True).encrypt(nonce, plain.encode("utf-8"), _AAD)
        return base64.b64encode(nonce + sealed).decode("ascii")

    def _decrypt(self, token: str) -> Any:
        from cryptography.exceptions import InvalidTag  # noqa: PLC0415  # see TYPE_CHECKING

        aead = self._key(create=False)
        try:
            raw = base64.b64decode(token, validate=True)
            plain = aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _AAD)
        except InvalidTag as exc:
            raise StateError(
                f"cannot decrypt a secret in state: {self._source()} is not the key it was "
                "encrypted with",
                hint=f"restore the original key file '{self.key_file}' or set {KEY_ENV} "
                "to the original key",
            ) from exc
        except (binascii.Error, ValueError) as exc:
            raise StateError(f"a secret in state is corrupt (next to '{self.key_file}')") from exc
        return json.loads(plain.decode("utf-8"))

    def _source(self) -> str:
        if os.environ.get(KEY_ENV):
            return f"the key in {KEY_ENV}"
        return f"the key file '{self.key_file}'"

    def _key(self, *, create: bool) -> AESGCM:
        if self._aead is None:
            from cryptography.hazmat.primitives.ciphers.aead import (  # noqa: PLC0415
                AESGCM,  # see TYPE_CHECKING above
            )

            self._aead = AESGCM(self._load_key(create=create))
        return self._aead

    def _load_key(self, *, create: bool) -> bytes:
        env = os.environ.get(KEY_ENV)
        if env:
            key = _decode_key(env)
            if key is None:
                raise StateError(
                    f"{KEY_ENV} is not a valid secret key",
                    hint="it must be URL-safe base64 of 32 random bytes, e.g. from "
                    "python -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)))'",
                )
            return key
        try:
            text = self.key_file.read_text(encoding="ascii")
        except FileNotFoundError:
            if not create:
                raise StateError(
                    f"state holds encrypted secrets but the key file '{self.key_file}' is missing",
                    hint=f"restore the key file, or set {KEY_ENV} to the key the state was "
                    "written with",
                ) from None
            return self._create_key_file()
        except (OSError, UnicodeDecodeError) as exc:
            raise StateError(f"cannot read the key file '{self.key_file}': {exc}") from exc
        key = _decode_key(text)
        if key is None:
            raise StateError(
                f"the key file '{self.key_file}' does not hold a valid key "
                "(URL-safe base64 of 32 bytes)"
            )
        return key

    def _create_key_file(self) -> bytes:
        """Write a new key atomically: a private temp file hard-linked into place, so two
        processes racing here agree on one key."""
        text = new_key_text()
        folder = self.key_file.parent
        try:
            fd, temp = tempfile.mkstemp(prefix=".key-", dir=folder)  # mode 0600
            try:
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(text + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
                try:
                    os.link(temp, self.key_file)
                except FileExistsError:
                    return self._load_key(create=False)
            finally:
                os.unlink(temp)
            _fsync_dir(folder)
        except OSError as exc:
            raise StateError(f"cannot create the key file '{self.key_file}': {exc}") from exc
        return base64.urlsafe_b64decode(text)


def _fsync_dir(folder: Path) -> None:
    """Make the new key file's name durable before any secret encrypted with it is."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _has_reserved(value: object) -> bool:
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get(SECRET_MARK), str):
            return True
        return any(_has_reserved(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_reserved(item) for item in value)
    return False
