"""The built-in ``local`` provider: files, data values and commands on this machine.

Types: ``local:file``, ``local:data``, ``local:command`` (see docs/providers/local.md).
:class:`LocalProvider` speaks iac/1 to the engine; each type is a :class:`TypeSpec` (pydantic
property and output models) plus a :class:`Handler`, the shape the provider SDK serves.
"""

from ._base import CreateContext, Created, Handler, Observed, TypeSpec
from ._command import CommandHandler, CommandOutputs, CommandProperties
from ._data import DataHandler, DataOutputs, DataProperties
from ._file import FileHandler, FileOutputs, FileProperties
from ._provider import PROVIDER_NAME, PROVIDER_VERSION, LocalProvider

__all__ = [
    "PROVIDER_NAME",
    "PROVIDER_VERSION",
    "CommandHandler",
    "CommandOutputs",
    "CommandProperties",
    "CreateContext",
    "Created",
    "DataHandler",
    "DataOutputs",
    "DataProperties",
    "FileHandler",
    "FileOutputs",
    "FileProperties",
    "Handler",
    "LocalProvider",
    "Observed",
    "TypeSpec",
]
