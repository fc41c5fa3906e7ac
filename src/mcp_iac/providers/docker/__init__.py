"""The ``docker`` provider: images, containers, networks and volumes on a Docker engine.

Types: ``docker:image:build``, ``docker:image:pull``, ``docker:registry:push``,
``docker:container``, ``docker:network``, ``docker:volume`` (see docs/providers/docker.md).
:class:`Settings` says which engine (``Settings.from_env(os.environ)`` reads ``DOCKER_HOST``
and ``MCP_IAC_DOCKER_*``); :func:`build_provider` makes the SDK definition and
:func:`build_server` the MCP server (``python -m mcp_iac.providers.docker`` serves it over stdio
or HTTP). Needs the ``docker`` extra (``pip install 'mcp-iac[docker]'``).
"""

from typing import TYPE_CHECKING, Any

from ._settings import ENV_VARS, Settings

if TYPE_CHECKING:
    from ._server import PROVIDER_NAME, PROVIDER_VERSION, build_provider, build_server

_LAZY = ("PROVIDER_NAME", "PROVIDER_VERSION", "build_provider", "build_server")


def __getattr__(name: str) -> Any:
    # The server side loads the MCP SDK and the docker SDK: only when it is asked for.
    if name in _LAZY:
        from . import _server  # noqa: PLC0415  # lazy on purpose, see above

        value = getattr(_server, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mcp_iac.providers.docker' has no attribute '{name}'")


__all__ = [
    "ENV_VARS",
    "PROVIDER_NAME",
    "PROVIDER_VERSION",
    "Settings",
    "build_provider",
    "build_server",
]
