"""The provider wire contract (iac/1): tool names, request and result models, error codes."""

from mcp_iac.core import ERROR_CODES, RETRYABLE_CODES

from ._models import (
    PROTOCOL_VERSION,
    Capabilities,
    CreateResult,
    HealthResult,
    ListItem,
    ProviderSchema,
    ReadResult,
    ResourceTypeSchema,
    UpdateResult,
    ValidationIssue,
)

IDEMPOTENCY_FILTER = "idempotency_key"
"""``iac_list`` filter key that finds the object created with a given idempotency key."""

__all__ = [
    "ERROR_CODES",
    "IDEMPOTENCY_FILTER",
    "PROTOCOL_VERSION",
    "RETRYABLE_CODES",
    "Capabilities",
    "CreateResult",
    "HealthResult",
    "ListItem",
    "ProviderSchema",
    "ReadResult",
    "ResourceTypeSchema",
    "UpdateResult",
    "ValidationIssue",
]
