"""Requests in words → deployment patterns with parameters, or restores. Offline, deterministic.

``interpret("Deploy a Minecraft server for 10 players", patterns=...)`` reads the request with
fixed rules (phrases, numbers with units, VLAN ids, domains, times like "last Tuesday"), fits
what it found to the chosen pattern's parameter schema, and says plainly what it did not
understand. An LLM behind an MCP client does this better; this is what ``mcp-iac ask`` and the
MCP server's ``interpret`` tool offer without one.
"""

from ._model import Intent, IntentKind, Understood
from ._parse import interpret

__all__ = ["Intent", "IntentKind", "Understood", "interpret"]
