"""The docker provider as an iac/1 MCP server, built with the provider SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp_iac.protocol import HealthResult
from mcp_iac.sdk import IacProvider, LogLevel

from ._container import ContainerHandler
from ._engine import Engine
from ._image_build import BuildHandler
from ._image_pull import PullHandler
from ._keys import KeyStore
from ._network import NetworkHandler
from ._registry_push import PushHandler
from ._settings import Settings
from ._volume import VolumeHandler

if TYPE_CHECKING:
    from mcp.server import MCPServer  # a return type only: build() imports the SDK

PROVIDER_NAME = "docker"
PROVIDER_VERSION = "0.1.0"
DESCRIPTION = "Docker images, containers, networks and volumes on one Docker engine."


def build_provider(settings: Settings) -> IacProvider:
    """The docker provider's SDK definition: six types on the engine ``settings`` name.

    Nothing connects yet: the engine is first asked on the first call (``iac_health`` answers
    ``UNAVAILABLE`` naming the engine's URL while it is down).
    """
    engine = Engine(settings)
    keys = KeyStore(settings.data_path / "keys")
    provider = IacProvider(PROVIDER_NAME, version=PROVIDER_VERSION, description=DESCRIPTION)
    provider.add(BuildHandler.spec, BuildHandler(engine))
    provider.add(PullHandler.spec, PullHandler(engine, keys))
    provider.add(PushHandler.spec, PushHandler(engine, keys))
    provider.add(ContainerHandler.spec, ContainerHandler(engine))
    provider.add(NetworkHandler.spec, NetworkHandler(engine))
    provider.add(VolumeHandler.spec, VolumeHandler(engine))

    @provider.health_check
    async def health() -> HealthResult:
        return HealthResult(status="ok", backend_version=await engine.version())

    return provider


def build_server(settings: Settings, *, log_level: LogLevel = "WARNING") -> MCPServer:
    """The docker provider as an ``MCPServer`` (serve it, or connect ``mcp.Client`` to it)."""
    return build_provider(settings).build(log_level=log_level)
