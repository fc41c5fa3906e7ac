"""The AWS provider as an iac/1 MCP server, built with the provider SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp_iac.protocol import HealthResult
from mcp_iac.sdk import IacProvider, LogLevel

from ._aws import Aws
from ._errors import Subject
from ._handlers import make_handlers
from ._settings import Settings

if TYPE_CHECKING:
    from mcp.server import MCPServer  # a return type only: build() imports the SDK

PROVIDER_NAME = "aws"
PROVIDER_VERSION = "0.1.0"
DESCRIPTION = (
    "AWS through boto3: VPCs, subnets, security groups, instances, launch templates, "
    "autoscaling groups, load balancers, certificates, RDS, Route 53 and S3."
)


def build_provider(settings: Settings) -> IacProvider:
    """The ``aws`` provider's SDK definition: its resource types, handlers and health check,
    connecting as ``settings`` say (nothing is contacted until the first call)."""
    aws = Aws(settings)
    provider = IacProvider(PROVIDER_NAME, version=PROVIDER_VERSION, description=DESCRIPTION)
    for handler in make_handlers(aws):
        provider.add(handler.spec, handler)

    @provider.health_check
    async def health() -> HealthResult:
        # Who am I: proves the endpoint answers and the credentials are accepted.
        identity = await aws.call("sts", "get_caller_identity", subject=Subject("aws provider"))
        where = settings.endpoint_url or "aws"
        return HealthResult(
            status="ok",
            backend_version=f"{where} region {aws.region} account {identity.get('Account', '?')}",
        )

    return provider


def build_server(settings: Settings, *, log_level: LogLevel = "WARNING") -> MCPServer:
    """The ``aws`` provider as an ``MCPServer`` (serve it, or connect ``mcp.Client`` to it)."""
    return build_provider(settings).build(log_level=log_level)
