"""mcp-iac."""
