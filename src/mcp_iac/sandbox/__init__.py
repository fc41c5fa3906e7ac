"""``mcp-iac sandbox``: local stand-ins (moto, the OPNsense emulator, a private Docker engine)
for the built-in providers, so deployments run on a machine with no infrastructure."""

from ._image import BASE_IMAGE, busybox_rootfs, ensure_base_image, load_base_image
from ._process import ProcessRecord, SandboxError
from ._sandbox import SERVICES, Sandbox, ServiceStatus
from ._services import DEFAULT_POOL, Started, docker_ping, dockerd_command

__all__ = [
    "BASE_IMAGE",
    "DEFAULT_POOL",
    "SERVICES",
    "ProcessRecord",
    "Sandbox",
    "SandboxError",
    "ServiceStatus",
    "Started",
    "busybox_rootfs",
    "docker_ping",
    "dockerd_command",
    "ensure_base_image",
    "load_base_image",
]
