"""``python -m mcp_iac.cli`` runs the command line."""

from mcp_iac.cli import main

main()
