"""The orchestrator side of providers: server configuration, discovery, clients."""

from ._builtin import DEFAULT_LIMIT, InProcessProviders, builtin_providers

__all__ = ["DEFAULT_LIMIT", "InProcessProviders", "builtin_providers"]
