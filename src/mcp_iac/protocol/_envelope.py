"""The iac/1 envelope every tool returns as structured content, and the helpers that build it
(provider side) and take it apart (client side).

::

    {"success": true,  "data": {...}, "error": null,
     "metadata": {"timestamp": "...Z", "duration_ms": 1.2, "server": "local", "version": "0.1.0"}}
    {"success": false, "data": null,
     "error": {"code": "NOT_FOUND", "message": "...", "details": null, "retryable": false},
     "metadata": {...}}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar, cast, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mcp_iac.core import ERROR_CODES, JSON, RETRYABLE_CODES, ProviderError

ErrorCode = Literal[
    "VALIDATION",
    "NOT_FOUND",
    "CONFLICT",
    "UNAUTHORIZED",
    "UNAVAILABLE",
    "TIMEOUT",
    "RATE_LIMITED",
    "INTERNAL",
]
"""The closed set of iac/1 error codes (``ERROR_CODES``)."""

assert get_args(ErrorCode) == ERROR_CODES, "ErrorCode and core.ERROR_CODES must agree"

DataT = TypeVar("DataT")
ModelT = TypeVar("ModelT", bound=BaseModel)


class ErrorInfo(BaseModel):
    """``error`` of a failed call. A receiver treats an unknown ``code`` as ``INTERNAL`` (the
    original code is kept in the message) and a missing ``retryable`` as "the code is one of
    UNAVAILABLE, TIMEOUT, RATE_LIMITED"."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    code: ErrorCode
    message: str
    details: JSON = None
    retryable: bool

    @model_validator(mode="before")
    @classmethod
    def _lenient(cls, raw: object) -> object:
        if not isinstance(raw, Mapping):
            return raw
        fixed = dict(cast("Mapping[str, object]", raw))
        code = fixed.get("code")
        if isinstance(code, str) and code not in ERROR_CODES:
            fixed["code"] = "INTERNAL"
            fixed["message"] = f"{code}: {fixed.get('message', '')}"
        if "retryable" not in fixed and isinstance(fixed.get("code"), str):
            fixed["retryable"] = fixed["code"] in RETRYABLE_CODES
        return fixed


class Metadata(BaseModel):
    """``metadata`` of every answer: when the provider started the call (UTC), how long it
    took, and which provider (name and version) answered."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    timestamp: datetime
    duration_ms: float = Field(ge=0)
    server: str
    version: str


class Envelope(BaseModel, Generic[DataT]):
    """The structured content of every iac/1 tool result. ``success`` is true exactly when
    ``error`` is null; ``data`` is the tool's result on success and null on failure."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    success: bool
    data: DataT | None = None
    error: ErrorInfo | None = None
    metadata: Metadata

    @model_validator(mode="after")
    def _consistent(self) -> Envelope[DataT]:
        if self.success and self.error is not None:
            raise ValueError("a successful envelope carries no error")
        if not self.success and self.error is None:
            raise ValueError("a failed envelope needs an error")
        return self

    def unwrap(self, *, server: str | None = None) -> DataT:
        """The data of a success, or the ``ProviderError`` of a failure.

        Raises:
            ProviderError: the envelope's error (code, message, retryable and details kept),
                or ``INTERNAL`` when a success carries no data.
        """
        if self.error is not None:
            raise provider_error(self.error, server=server)
        if self.data is None:
            raise ProviderError(
                "INTERNAL", "iac/1 envelope reports success without data", server=server
            )
        return self.data


def metadata(
    *, server: str, version: str, started: datetime | None = None, duration_ms: float = 0.0
) -> Metadata:
    """Envelope metadata; ``started`` defaults to now (UTC)."""
    return Metadata(
        timestamp=started or datetime.now(UTC),
        duration_ms=max(duration_ms, 0.0),
        server=server,
        version=version,
    )


def error_info(exc: ProviderError) -> ErrorInfo:
    """The envelope ``error`` for ``exc``: its code, message (without the server prefix),
    details and retryability."""
    return ErrorInfo.model_validate(
        {
            "code": exc.code,
            "message": exc.reason,
            "details": exc.details,
            "retryable": exc.retryable,
        }
    )


_PARAMETRIZED: dict[Any, Any] = {}


def _envelope_of(data_type: Any) -> Any:
    """``Envelope[data_type]``, made once: pydantic rebuilds the generic's lookup on every
    subscription, which cost a fifth of an in-process call."""
    cls = _PARAMETRIZED.get(data_type)
    if cls is None:
        cls = _PARAMETRIZED[data_type] = Envelope[data_type]
    return cls


def success_envelope(data: ModelT, meta: Metadata) -> Envelope[ModelT]:
    """A successful envelope carrying ``data``."""
    # Built as Envelope[Any]: pydantic then serializes ``data`` by its runtime model.
    return cast("Envelope[ModelT]", _envelope_of(Any)(success=True, data=data, metadata=meta))


def error_envelope(error: ProviderError | ErrorInfo, meta: Metadata) -> Envelope[Any]:
    """A failed envelope for ``error``."""
    info = error if isinstance(error, ErrorInfo) else error_info(error)
    return cast("Envelope[Any]", _envelope_of(Any)(success=False, error=info, metadata=meta))


def envelope_json(envelope: Envelope[Any]) -> dict[str, Any]:
    """The wire form of ``envelope`` (JSON-ready, camelCase aliases where a model has them)."""
    return envelope.model_dump(mode="json", by_alias=True)


def provider_error(info: ErrorInfo, *, server: str | None = None) -> ProviderError:
    """The ``ProviderError`` an error envelope stands for; code, message, retryability and
    details are kept."""
    return ProviderError(
        info.code,
        info.message,
        retryable=info.retryable,
        details=info.details,
        server=server,
    )


def parse_envelope(
    raw: object, data_type: type[DataT], *, server: str | None = None
) -> Envelope[DataT]:
    """Validate ``raw`` (structured content) as an envelope whose data is ``data_type``.

    Raises:
        ProviderError: ``INTERNAL`` when ``raw`` is not a valid envelope (naming what is wrong).
    """
    try:
        return cast("Envelope[DataT]", _envelope_of(data_type).model_validate(raw))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'envelope'}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise ProviderError(
            "INTERNAL", f"malformed iac/1 envelope: {problems}", server=server
        ) from exc


def unwrap_envelope(raw: object, data_type: type[DataT], *, server: str | None = None) -> DataT:
    """The data of a successful envelope, or the ``ProviderError`` of a failed one.

    Raises:
        ProviderError: the envelope's error (code, message, retryable and details kept), or
            ``INTERNAL`` when ``raw`` is not a valid envelope or a success carries no data.
    """
    return parse_envelope(raw, data_type, server=server).unwrap(server=server)
