"""mcp-iac: Infrastructure as Code whose providers are MCP servers."""

from mcp_iac.core import Deployment, DeploymentSpec, IacError, load_file

__version__ = "0.1.0"

__all__ = ["Deployment", "DeploymentSpec", "IacError", "__version__", "load_file"]
