"""Names fixed by iac/1: the tools and the list filter key."""

from __future__ import annotations

from typing import Final

IAC_DESCRIBE: Final = "iac_describe"
IAC_VALIDATE: Final = "iac_validate"
IAC_DIFF: Final = "iac_diff"
IAC_CREATE: Final = "iac_create"
IAC_READ: Final = "iac_read"
IAC_UPDATE: Final = "iac_update"
IAC_DELETE: Final = "iac_delete"
IAC_LIST: Final = "iac_list"
IAC_HEALTH: Final = "iac_health"
IAC_BEGIN: Final = "iac_begin"
IAC_COMMIT: Final = "iac_commit"
IAC_ROLLBACK: Final = "iac_rollback"

IDEMPOTENCY_FILTER: Final = "idempotency_key"
"""``iac_list`` filter key that finds the object created with a given idempotency key."""
