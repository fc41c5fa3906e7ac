"""The built-in ``aws`` provider: AWS resources through boto3 (see docs/providers/aws.md).

Types: ``aws:ec2:vpc``, ``aws:ec2:subnet``, ``aws:ec2:securityGroup``, ``aws:ec2:instance``,
``aws:ec2:launchTemplate``, ``aws:autoscaling:group``, ``aws:elb:targetGroup``,
``aws:elb:loadBalancer``, ``aws:acm:certificate``, ``aws:rds:instance``, ``aws:route53:zone``,
``aws:route53:record``, ``aws:s3:bucket``.

``Settings.from_env(os.environ)`` reads the configuration; :func:`build_provider` gives the
SDK definition and :func:`build_server` the MCP server (``python -m mcp_iac.providers.aws``
serves it over stdio or HTTP). Both load the MCP SDK on first use.
"""

from typing import TYPE_CHECKING, Any

from ._errors import AwsError
from ._settings import ENV_VARS, Settings

if TYPE_CHECKING:
    from ._server import PROVIDER_NAME, PROVIDER_VERSION, build_provider, build_server

_LAZY = ("PROVIDER_NAME", "PROVIDER_VERSION", "build_provider", "build_server")


def __getattr__(name: str) -> Any:
    # The server side loads the MCP SDK and boto3's service models: only when asked for.
    if name in _LAZY:
        from . import _server  # noqa: PLC0415  # lazy on purpose, see above

        value = getattr(_server, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mcp_iac.providers.aws' has no attribute '{name}'")


__all__ = [
    "ENV_VARS",
    "PROVIDER_NAME",
    "PROVIDER_VERSION",
    "AwsError",
    "Settings",
    "build_provider",
    "build_server",
]
