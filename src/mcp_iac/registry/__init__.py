"""The orchestrator side of providers: server configuration, discovery, clients."""

from ._builtin import DEFAULT_LIMIT, InProcessProviders, builtin_providers
from ._config import (
    BUILTINS,
    PROJECT_FILE,
    SERVER_ENV_PREFIX,
    SERVERS_ENV,
    ServerConfig,
    claude_config_path,
    discover,
    dump_servers,
    import_claude,
    load_project_file,
    servers_from_env,
)
from ._mapped import MappedProvider
from ._mapping import MappingFile, TypeMapping, load_mapping
from ._mcp import McpProvider, McpProviders

__all__ = [
    "BUILTINS",
    "DEFAULT_LIMIT",
    "PROJECT_FILE",
    "SERVERS_ENV",
    "SERVER_ENV_PREFIX",
    "InProcessProviders",
    "MappedProvider",
    "MappingFile",
    "McpProvider",
    "McpProviders",
    "ServerConfig",
    "TypeMapping",
    "builtin_providers",
    "claude_config_path",
    "discover",
    "dump_servers",
    "import_claude",
    "load_mapping",
    "load_project_file",
    "servers_from_env",
]
