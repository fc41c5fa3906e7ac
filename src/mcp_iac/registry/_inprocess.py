"""``InProcessProviders``: providers living in this process, called without MCP (engine-level
tests and benchmarks; the CLI reaches every provider over MCP)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from mcp_iac.engine import Provider
from mcp_iac.providers.local import LocalProvider

from ._errors import unknown_server

DEFAULT_LIMIT = 10


class InProcessProviders:
    """A ProviderSource of providers living in this process (no MCP hop).

    ``providers`` maps server names to provider objects; ``limits`` caps concurrent calls per
    server (default 10).
    """

    def __init__(
        self,
        providers: Mapping[str, Provider],
        *,
        limits: Mapping[str, int] | None = None,
    ) -> None:
        self._providers = dict(providers)
        self._limits = dict(limits or {})

    async def __aenter__(self) -> InProcessProviders:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def servers(self) -> list[str]:
        return sorted(self._providers)

    async def get(self, server: str) -> Provider:
        try:
            return self._providers[server]
        except KeyError:
            raise unknown_server(server, self._providers) from None

    async def connect(self, server: str) -> None:
        await self.get(server)  # in-process providers are always ready

    def limit(self, server: str) -> int:
        return self._limits.get(server, DEFAULT_LIMIT)


def builtin_providers(root: Path, *, data_dir: Path | None = None) -> InProcessProviders:
    """The providers that ship with mcp-iac, running in-process, rooted at ``root``."""
    return InProcessProviders({"local": LocalProvider(root, data_dir=data_dir)})
