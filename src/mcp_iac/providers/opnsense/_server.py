"""The ``opnsense`` provider as an iac/1 MCP server, built with the provider SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp_iac.protocol import HealthResult
from mcp_iac.sdk import IacProvider, LogLevel

from ._catalog import PROVIDER_NAME, PROVIDER_VERSION, make_handlers
from ._client import OpnsenseClient
from ._endpoints import COMPONENTS
from ._settings import Settings
from ._transactions import ConfigHistoryTransactions
from ._version import targeted

if TYPE_CHECKING:
    from mcp.server import MCPServer  # a return type only: build() imports the SDK

DESCRIPTION = (
    "An OPNsense firewall through its REST API: VLANs, aliases, filter and NAT rules, HAProxy, "
    "Unbound host overrides, Kea DHCP, certificates and local users."
)


def build_provider(settings: Settings) -> IacProvider:
    """The ``opnsense`` provider's SDK definition for the firewall ``settings`` name.

    Nothing is contacted until the first call. ``iac_health`` asks the firewall for its
    release (``degraded`` outside the tested range, 24.7 to 26.7); transactions use its
    configuration history.
    """
    client = OpnsenseClient(settings)
    provider = IacProvider(PROVIDER_NAME, version=PROVIDER_VERSION, description=DESCRIPTION)
    for handler in make_handlers(client):
        provider.add(handler.spec, handler)

    @provider.health_check
    async def health() -> HealthResult:
        version = await client.probe()
        return HealthResult(
            status="ok" if targeted(version) else "degraded",
            backend_version=f"OPNsense {version}",
        )

    provider.transactions(ConfigHistoryTransactions(client, COMPONENTS))
    return provider


def build_server(settings: Settings, *, log_level: LogLevel = "WARNING") -> MCPServer:
    """The ``opnsense`` provider as an ``MCPServer`` (serve it, or connect ``mcp.Client``)."""
    return build_provider(settings).build(log_level=log_level)
