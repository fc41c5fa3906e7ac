"""A built-in provider's pure answers (``iac_describe``, ``iac_validate``) without its server.

A built-in's MCP server is a thin layer over its ``ProviderService`` (``mcp_iac.sdk``): the
server hands each call's arguments to ``ProviderService.call`` and sends back the envelope it
returns. Describe and validate read nothing and change nothing, so they can be asked of the
service directly, in this process: the envelope is put in its wire form and read back as
``ProviderClient`` reads the server's answer, so the schema, the issues and the errors (code,
message, details, naming the server) are the ones the server would give. What this saves on a
project's first plan is the MCP SDK's import and the server's construction (see ``_mcp``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from mcp_iac.protocol import (
    IAC_DESCRIBE,
    IAC_VALIDATE,
    ProviderSchema,
    ValidateResult,
    ValidationIssue,
    envelope_json,
    unwrap_envelope,
)

if TYPE_CHECKING:
    from mcp_iac.sdk import ProviderService

T = TypeVar("T")


class InlineAnswers:
    """``describe`` and ``validate`` of the built-in served as ``server``, answered by its
    ``ProviderService`` in this process, exactly as ``ProviderClient`` returns the server's.

    Every method raises ``ProviderError`` and nothing else on purpose.
    """

    def __init__(self, service: ProviderService, *, server: str) -> None:
        self.service = service
        self.server = server

    async def _data(self, tool: str, arguments: Mapping[str, Any], data_type: type[T]) -> T:
        envelope = await self.service.call(tool, arguments)
        return unwrap_envelope(envelope_json(envelope), data_type, server=self.server)

    async def describe(self) -> ProviderSchema:
        """The provider, its protocol version and resource types."""
        return await self._data(IAC_DESCRIBE, {}, ProviderSchema)

    async def validate(self, type_: str, properties: dict[str, Any]) -> list[ValidationIssue]:
        """What is wrong with ``properties`` for ``type_`` ([] when valid)."""
        arguments = {"type": type_, "properties": properties}
        result = await self._data(IAC_VALIDATE, arguments, ValidateResult)
        return list(result.errors)
