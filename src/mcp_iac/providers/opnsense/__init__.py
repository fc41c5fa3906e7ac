"""The built-in ``opnsense`` provider: an OPNsense firewall through its REST API.

Types (docs/providers/opnsense.md): ``opnsense:network:vlan``, ``opnsense:firewall:alias``,
``opnsense:firewall:rule``, ``opnsense:firewall:nat``, ``opnsense:service:haproxy:server``,
``...:backend``, ``...:frontend``, ``opnsense:service:dns:override``,
``opnsense:service:dhcp:range``, ``opnsense:service:dhcp:static``,
``opnsense:security:certificate`` and ``opnsense:security:user`` (OPNsense 25.1 or later).

:class:`Settings` says which firewall (``Settings.from_env`` reads ``OPNSENSE_*``);
:func:`build_provider` and :func:`build_server` make the provider and its MCP server
(``python -m mcp_iac.providers.opnsense`` serves it over stdio or HTTP).
:class:`OpnsenseClient` is the REST client underneath, and :func:`all_endpoints` every
endpoint it can call.
"""

from typing import TYPE_CHECKING, Any

from ._catalog import PROVIDER_NAME, PROVIDER_VERSION
from ._client import OpnsenseClient
from ._endpoints import Component, Endpoint, all_endpoints
from ._settings import (
    ENV_API_KEY,
    ENV_API_SECRET,
    ENV_CA_BUNDLE,
    ENV_TIMEOUT,
    ENV_URL,
    ENV_VERIFY_TLS,
    Settings,
)
from ._version import Version

if TYPE_CHECKING:
    from ._server import build_provider, build_server


def __getattr__(name: str) -> Any:
    # The MCP server side loads the MCP SDK (~0.6 s to import): only when it is asked for.
    if name in ("build_provider", "build_server"):
        from . import _server  # noqa: PLC0415  # lazy on purpose, see above

        value = getattr(_server, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mcp_iac.providers.opnsense' has no attribute '{name}'")


__all__ = [
    "ENV_API_KEY",
    "ENV_API_SECRET",
    "ENV_CA_BUNDLE",
    "ENV_TIMEOUT",
    "ENV_URL",
    "ENV_VERIFY_TLS",
    "PROVIDER_NAME",
    "PROVIDER_VERSION",
    "Component",
    "Endpoint",
    "OpnsenseClient",
    "Settings",
    "Version",
    "all_endpoints",
    "build_provider",
    "build_server",
]
