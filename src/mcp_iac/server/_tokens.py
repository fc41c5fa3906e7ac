"""Bearer tokens for ``mcp-iac serve --http``: scopes, hashes, where they are configured.

A token is ``mcpiac_`` followed by 43 random URL-safe characters (256 bits). Only its SHA-256
hash is stored: in ``mcp-iac.yaml``::

    serve:
      tokens:
        - id: claude-code          # recorded in the audit events of every call
          hash: sha256:9f86d0...   # sha256 of the whole token, hex
          scopes: [read, plan]     # read | plan | apply

or in the environment variable ``MCP_IAC_TOKENS`` (a JSON list of the same objects). A plain
SHA-256 is enough here: the tokens are random and long, so there is nothing to guess a
dictionary against (a slow password hash protects weak secrets, which these are not).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mcp_iac.core import ConfigError, Location, valid_name

Scope = Literal["read", "plan", "apply"]
SCOPES: tuple[Scope, ...] = ("read", "plan", "apply")
TOKENS_ENV = "MCP_IAC_TOKENS"
TOKEN_PREFIX = "mcpiac_"
PROJECT_FILE = "mcp-iac.yaml"


class TokenEntry(BaseModel):
    """One configured token: its public id, the hash of its secret, its scopes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="A name for the token, recorded with every call it makes.")
    hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$", description="sha256:<hex of the token>")
    scopes: tuple[Scope, ...] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _name(cls, value: str) -> str:
        if not valid_name(value):
            raise ValueError("a token id uses letters, digits, '-' and '_'")
        return value

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes


def hash_token(token: str) -> str:
    """The stored form of ``token``: ``sha256:<hex>``."""
    return "sha256:" + hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(token_id: str, scopes: Iterable[str]) -> tuple[str, TokenEntry]:
    """A fresh random token and the entry to configure for it.

    Raises:
        ConfigError: the id is not a name, or a scope is not read, plan or apply.
    """
    wanted = list(dict.fromkeys(s.strip() for s in scopes if s.strip()))
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown or not wanted:
        raise ConfigError(
            f"unknown scope(s): {', '.join(unknown)}" if unknown else "a token needs a scope",
            hint="scopes are read, plan and apply, e.g. --scopes read,plan",
        )
    if not valid_name(token_id):
        raise ConfigError(
            f"token id '{token_id}' is invalid", hint="use letters, digits, '-' and '_'"
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, TokenEntry(id=token_id, hash=hash_token(token), scopes=tuple(wanted))


class TokenBook:
    """The configured tokens, looked up by the hash of what a caller presents."""

    def __init__(self, entries: Iterable[TokenEntry] = ()) -> None:
        self.entries: list[TokenEntry] = []
        self._by_hash: dict[str, TokenEntry] = {}
        for entry in entries:
            if any(e.id == entry.id for e in self.entries):
                raise ConfigError(
                    f"token id '{entry.id}' is configured twice",
                    hint="each token needs its own id (it names the caller in the audit log)",
                )
            self.entries.append(entry)
            self._by_hash[entry.hash] = entry

    def __len__(self) -> int:
        return len(self.entries)

    def verify(self, token: str) -> TokenEntry | None:
        """The entry of ``token``, or None if it is not a configured token."""
        return self._by_hash.get(hash_token(token))


def _parse(raw: Any, source: str, where: str) -> list[TokenEntry]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(
            "tokens must be a list of {id, hash, scopes}",
            location=Location(file=source, property=where),
        )
    entries: list[TokenEntry] = []
    for i, item in enumerate(raw):
        try:
            entries.append(TokenEntry.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            hint = (
                "store the hash, never the token: sha256:<64 hex digits> "
                "(mcp-iac serve token create prints it)"
                if "hash" in field
                else "scopes are read, plan and apply"
                if "scopes" in field
                else None
            )
            raise ConfigError(
                first["msg"].removeprefix("Value error, "),
                location=Location(
                    file=source, property=f"{where}[{i}]{'.' + field if field else ''}"
                ),
                hint=hint,
            ) from None
    return entries


def load_tokens(root: Path, environ: Mapping[str, str]) -> TokenBook:
    """The tokens of ``<root>/mcp-iac.yaml`` (``serve.tokens``) and of ``MCP_IAC_TOKENS``.

    Raises:
        ConfigError: a file or variable that is not valid, naming where.
    """
    entries: list[TokenEntry] = []
    path = root / PROJECT_FILE
    if path.exists():
        doc = _read(path)
        serve = doc.get("serve") or {}
        if not isinstance(serve, dict):
            raise ConfigError(
                "'serve' must be a mapping with 'tokens'",
                location=Location(file=str(path), property="serve"),
            )
        entries += _parse(serve.get("tokens"), str(path), "serve.tokens")
    if environ.get(TOKENS_ENV):
        try:
            raw = json.loads(environ[TOKENS_ENV])
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{TOKENS_ENV} is not JSON: {exc.msg}",
                hint='e.g. [{"id": "ci", "hash": "sha256:...", "scopes": ["read"]}]',
            ) from None
        entries += _parse(raw, TOKENS_ENV, "")
    return TokenBook(entries)


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read '{path}': {exc.strerror}") from None
    except yaml.YAMLError:
        raise ConfigError("invalid YAML", location=Location(file=str(path))) from None
    if not isinstance(doc, dict):
        raise ConfigError("expected a mapping", location=Location(file=str(path)))
    return doc


def add_token(root: Path, entry: TokenEntry) -> Path:
    """Append ``entry`` to ``serve.tokens`` of ``<root>/mcp-iac.yaml`` (created if missing),
    keeping everything else. Returns the file.

    Raises:
        ConfigError: the file is not valid, or already has a token with this id.
    """
    path = root / PROJECT_FILE
    doc = _read(path) if path.exists() else {}
    serve = doc.setdefault("serve", {}) or {}
    if not isinstance(serve, dict):
        raise ConfigError("'serve' must be a mapping", location=Location(file=str(path)))
    doc["serve"] = serve
    tokens = serve.setdefault("tokens", []) or []
    if any(isinstance(t, dict) and t.get("id") == entry.id for t in tokens):
        raise ConfigError(
            f"'{path}' already has a token with id '{entry.id}'",
            hint="choose another id, or remove the old entry first",
        )
    tokens.append(entry.model_dump(mode="json"))
    serve["tokens"] = tokens
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path
