"""A pack: a named group of built-in policies, with optional settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ConfigDict

from mcp_iac.policy._policy import Policy


class Settings(BaseModel):
    """Base of a pack's settings: frozen, unknown keys are errors, camelCase names."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


@dataclass(frozen=True, slots=True)
class Pack:
    """A built-in policy pack. ``default`` packs run when ``mcp-iac.yaml`` selects none."""

    name: str
    description: str
    default: bool
    build: Callable[[Any], list[Policy]]
    settings: type[Settings] | None = None

    def policies(self, raw: Mapping[str, Any] | None = None) -> list[Policy]:
        """The pack's policies with ``raw`` settings (validated; pydantic's ValidationError
        says what is wrong)."""
        settings = None
        if self.settings is not None:
            settings = self.settings.model_validate(dict(raw or {}))
        elif raw:
            raise ValueError(f"pack '{self.name}' takes no settings")
        built = self.build(settings)
        for p in built:
            p.meta = replace(p.meta, pack=self.name)
        return built
