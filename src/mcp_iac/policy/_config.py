"""The ``policies`` section of ``mcp-iac.yaml``: which packs run, where user policies are, and
levels overridden::

    policies:
      packs:                               # default: the default packs
        - security-group-restrictions
        - required-tags: {tags: [Environment, Owner]}
      paths: [policies]                    # default: policies/ when it exists
      overrides:
        https-only-frontends: advisory     # a pack: all its policies
        no-ssh-from-internet: {enforcement: mandatory, severity: critical}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mcp_iac.core import ConfigError, Location

from ._model import ENFORCEMENTS, SEVERITIES
from ._set import Override

_KEYS = ("packs", "paths", "overrides")


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    """What ``mcp-iac.yaml`` says about policies. ``packs``/``paths`` None: the defaults."""

    packs: dict[str, dict[str, Any] | None] | None = None
    paths: tuple[str, ...] | None = None
    overrides: dict[str, Override] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: Any, *, source: str | None = None) -> PolicyConfig:
        """Read the section; raises ConfigError naming the file and the key."""

        def error(message: str, key: str, hint: str | None = None) -> ConfigError:
            return ConfigError(message, location=Location(file=source, property=key), hint=hint)

        if raw is None:
            return cls()
        if not isinstance(raw, Mapping):
            raise error("'policies' must be a mapping with packs, paths, overrides", "policies")
        for key in raw:
            if key not in _KEYS:
                raise error(
                    f"unknown key '{key}'", f"policies.{key}", "allowed: " + ", ".join(_KEYS)
                )
        packs: dict[str, dict[str, Any] | None] | None = None
        if raw.get("packs") is not None:
            given = raw["packs"]
            if isinstance(given, Mapping):
                given = [{k: v} for k, v in given.items()]
            if not isinstance(given, list):
                raise error("'packs' must be a list of pack names", "policies.packs")
            packs = {}
            for i, item in enumerate(given):
                where = f"policies.packs[{i}]"
                if isinstance(item, str):
                    packs[item] = None
                elif isinstance(item, Mapping) and len(item) == 1:
                    ((name, settings),) = item.items()
                    if settings is not None and not isinstance(settings, Mapping):
                        raise error(f"the settings of pack '{name}' must be a mapping", where)
                    packs[str(name)] = dict(settings) if settings else None
                else:
                    raise error(
                        "a pack is a name, or {name: {settings}}",
                        where,
                        "e.g. - required-tags: {tags: [Owner]}",
                    )
        paths = None
        if raw.get("paths") is not None:
            given = raw["paths"]
            given = [given] if isinstance(given, str) else given
            if not isinstance(given, list) or not all(isinstance(p, str) for p in given):
                raise error("'paths' must be a list of files or directories", "policies.paths")
            paths = tuple(given)
        overrides: dict[str, Override] = {}
        for key, given in (raw.get("overrides") or {}).items():
            where = f"policies.overrides.{key}"
            value = {"enforcement": given} if isinstance(given, str) else given
            if not isinstance(value, Mapping) or set(value) - {"enforcement", "severity"}:
                raise error(
                    "an override is a level (advisory, mandatory, disabled) or "
                    "{enforcement, severity}",
                    where,
                )
            enforcement, severity = value.get("enforcement"), value.get("severity")
            if enforcement is not None and enforcement not in ENFORCEMENTS:
                raise error(
                    f"enforcement must be one of {', '.join(ENFORCEMENTS)}, not {enforcement!r}",
                    where,
                )
            if severity is not None and severity not in SEVERITIES:
                raise error(
                    f"severity must be one of {', '.join(SEVERITIES)}, not {severity!r}", where
                )
            overrides[str(key)] = Override(enforcement=enforcement, severity=severity)
        return cls(packs=packs, paths=paths, overrides=overrides)
