"""``mcp-iac sandbox``: local stand-ins (moto, the OPNsense emulator, a private Docker engine)
for the built-in providers, so deployments run on a machine with no infrastructure."""

from ._process import ProcessRecord, SandboxError
from ._sandbox import SERVICES, Sandbox, ServiceStatus
from ._services import Started, docker_ping

__all__ = [
    "SERVICES",
    "ProcessRecord",
    "Sandbox",
    "SandboxError",
    "ServiceStatus",
    "Started",
    "docker_ping",
]
