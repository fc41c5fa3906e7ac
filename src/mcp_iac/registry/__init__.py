"""The orchestrator side of providers: server configuration, discovery, clients."""

from ._builtin import (
    DEFAULT_LIMIT,
    BuiltinFactory,
    InProcessProviders,
    builtin_factories,
    builtin_providers,
    builtin_server,
)
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
from ._mapped import MappedProvider
from ._mapping import MappingFile, TypeMapping, load_mapping
from ._mcp import McpProvider, McpProviders

__all__ = [
    "BUILTINS",
    "DEFAULT_LIMIT",
    "DEFAULT_SERVERS",
    "PROJECT_FILE",
    "SERVERS_ENV",
    "SERVER_ENV_PREFIX",
    "BuiltinFactory",
    "InProcessProviders",
    "MappedProvider",
    "MappingFile",
    "McpProvider",
    "McpProviders",
    "ServerConfig",
    "TypeMapping",
    "builtin_factories",
    "builtin_providers",
    "builtin_server",
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
