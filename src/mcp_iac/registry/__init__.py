"""The orchestrator side of providers: server configuration, discovery, clients.

Names load their submodule on first use (see ``core.lazy_exports``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp_iac.core import lazy_exports

if TYPE_CHECKING:
    from ._answers import CACHE_DIR, Answers, builtin_fingerprint
    from ._builtin import BuiltinFactory, builtin_factories, builtin_server, builtin_service
    from ._config import (
        BUILTINS,
        DEFAULT_SERVERS,
        PROJECT_FILE,
        SERVER_ENV_PREFIX,
        SERVERS_ENV,
        ServerConfig,
        claude_config_path,
        discover,
        dump_servers,
        import_claude,
        load_project_file,
        merge_servers,
        remove_servers,
        servers_from_env,
    )
    from ._inprocess import DEFAULT_LIMIT, InProcessProviders, builtin_providers
    from ._mapped import MappedProvider
    from ._mapping import MappingFile, TypeMapping, load_mapping
    from ._mcp import McpProvider, McpProviders

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Answers": "_answers",
        "BUILTINS": "_config",
        "CACHE_DIR": "_answers",
        "BuiltinFactory": "_builtin",
        "DEFAULT_LIMIT": "_inprocess",
        "DEFAULT_SERVERS": "_config",
        "InProcessProviders": "_inprocess",
        "MappedProvider": "_mapped",
        "MappingFile": "_mapping",
        "McpProvider": "_mcp",
        "McpProviders": "_mcp",
        "PROJECT_FILE": "_config",
        "SERVERS_ENV": "_config",
        "SERVER_ENV_PREFIX": "_config",
        "ServerConfig": "_config",
        "TypeMapping": "_mapping",
        "builtin_factories": "_builtin",
        "builtin_fingerprint": "_answers",
        "builtin_providers": "_inprocess",
        "builtin_server": "_builtin",
        "builtin_service": "_builtin",
        "claude_config_path": "_config",
        "discover": "_config",
        "dump_servers": "_config",
        "import_claude": "_config",
        "load_mapping": "_mapping",
        "load_project_file": "_config",
        "merge_servers": "_config",
        "remove_servers": "_config",
        "servers_from_env": "_config",
    },
)

__all__ = [
    "BUILTINS",
    "CACHE_DIR",
    "DEFAULT_LIMIT",
    "DEFAULT_SERVERS",
    "PROJECT_FILE",
    "SERVERS_ENV",
    "SERVER_ENV_PREFIX",
    "Answers",
    "BuiltinFactory",
    "InProcessProviders",
    "MappedProvider",
    "MappingFile",
    "McpProvider",
    "McpProviders",
    "ServerConfig",
    "TypeMapping",
    "builtin_factories",
    "builtin_fingerprint",
    "builtin_providers",
    "builtin_server",
    "builtin_service",
    "claude_config_path",
    "discover",
    "dump_servers",
    "import_claude",
    "load_mapping",
    "load_project_file",
    "merge_servers",
    "remove_servers",
    "servers_from_env",
]
