"""botocore exceptions translated into iac/1 errors, in one place.

::

    ProviderError (mcp_iac.core)
     └── AwsError          an AWS answer or failure; ``aws_code`` keeps AWS's own error code

Nothing else in the provider catches botocore exceptions: :func:`translate` runs at the one
boundary (``Aws.call``), and handlers look at ``code`` / ``aws_code`` of the result.

How codes map (AWS code → iac/1 code):

- ``*NotFound``, ``NoSuch*``, ``*NotFoundException``, HTTP 404 → ``NOT_FOUND``; but when the
  message names a value the user gave (an ``imageId``, a ``subnetId``), the request itself is
  wrong → ``VALIDATION`` naming that property;
- ``InvalidParameterValue``, ``ValidationError``, ``Invalid*``, ``*.Malformed`` and client-side
  parameter validation → ``VALIDATION``, naming the property when the message names its AWS
  parameter or its value;
- ``Throttling``, ``RequestLimitExceeded``, ``SlowDown``, ``PriorRequestNotComplete`` →
  ``RATE_LIMITED`` (retryable);
- ``AuthFailure``, ``UnauthorizedOperation``, ``AccessDenied*``, bad or missing credentials →
  ``UNAUTHORIZED``;
- ``DependencyViolation``, ``*InUse*``, ``*NotEmpty``, invalid states → ``CONFLICT`` (retryable
  where it clears by itself: dependents being deleted, an instance still stopping);
- ``*AlreadyExists*``, ``*Duplicate*`` and quota errors → ``CONFLICT``;
- connection failures, HTTP 5xx, ``ServiceUnavailable`` → ``UNAVAILABLE`` (retryable); read and
  connect timeouts → ``TIMEOUT`` (retryable).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from mcp_iac.core import ProviderError

_THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "BandwidthLimitExceeded",
    }
)
_UNAUTHORIZED = frozenset(
    {
        "AuthFailure",
        "UnauthorizedOperation",
        "AccessDenied",
        "AccessDeniedException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "OptInRequired",
        "MissingAuthenticationToken",
        "NotAuthorized",
    }
)
_CLEARS_BY_ITSELF = frozenset(
    {
        "DependencyViolation",
        "ResourceInUse",
        "ResourceInUseException",
        "IncorrectInstanceState",
        "IncorrectState",
        "InvalidDBInstanceState",
        "InvalidDBInstanceStateFault",
        "ConcurrentModification",
        "ConcurrentModificationException",
        "OperationAborted",
        "ScalingActivityInProgress",
        "ScalingActivityInProgressFault",
    }
)
_CONFLICT_WORDS = ("AlreadyExists", "Duplicate", "InUse", "NotEmpty", "LimitExceeded", "Quota")
_UNAVAILABLE = frozenset(
    {
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "Unavailable",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "InsufficientInstanceCapacity",
        "InsufficientCapacity",
    }
)
_TIMEOUT = frozenset({"RequestTimeout", "RequestTimeoutException"})


class AwsError(ProviderError):
    """An error from AWS (or from reaching it), as an iac/1 ``ProviderError``.

    ``aws_code`` is AWS's own code (``InvalidVpcID.NotFound``), or the botocore exception's
    name when AWS never answered.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        aws_code: str,
        retryable: bool | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(code, message, retryable=retryable, details=details)
        self.aws_code = aws_code


@dataclass(frozen=True, slots=True)
class Subject:
    """What a call is about, for messages and for naming the property an error is about.

    ``text`` names it (``aws:ec2:vpc 'vpc-0abc'``); ``fields`` maps AWS parameter names
    (``CidrBlock``) to property paths (``cidrBlock``); ``values`` maps property paths to the
    values the user gave, so an error quoting a value can name its property.
    """

    text: str
    fields: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, object] = field(default_factory=dict)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _named_path(subject: Subject, message: str) -> str | None:
    """The property an AWS message is about: by parameter name first, then by quoted value."""
    for param, path in subject.fields.items():
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(param)}(?![A-Za-z0-9])", message, re.I):
            return path
    for path, value in subject.values.items():
        for text in _strings(value):
            if len(text) >= 4 and text in message:
                return path
    return None


def _is_not_found(code: str, status: int, message: str) -> bool:
    if code in ("ValidationError", "InvalidInput") and re.search(r"\bnot found\b", message, re.I):
        return True  # autoscaling reports a missing group as a ValidationError
    return (
        code.endswith(("NotFound", "NotFoundException", "NotFoundFault", ".NotFoundException"))
        or code.startswith("NoSuch")
        or code in ("NotFound", "404")
        or (status == 404 and not code.startswith("Invalid"))
    )


def _is_validation(code: str) -> bool:
    return (
        code.startswith(("Invalid", "Missing", "Malformed", "Validation", "Unsupported"))
        or code.endswith((".Malformed", ".Range", "Malformed", ".InvalidParameter"))
        or code
        in (
            "ValidationError",
            "ValidationException",
            "InvalidParameterValue",
            "InvalidParameterCombination",
            "InvalidParameter",
            "InvalidInput",
            "InvalidChangeBatch",
            "InvalidArgument",
            "InvalidRequest",
            "UnknownParameter",
            "BadRequest",
            "IllegalLocationConstraintException",
        )
    )


def _validation(
    subject: Subject, action: str, message: str, aws_code: str, *, path: str | None = None
) -> AwsError:
    path = path or _named_path(subject, message)
    where = f" (property '{path}')" if path else ""
    return AwsError(
        "VALIDATION",
        f"{subject.text}: {action}: AWS rejected the request{where}: {aws_code}: {message}",
        aws_code=aws_code,
        details=[{"path": path or "", "message": f"{aws_code}: {message}"}],
    )


def _client_error(exc: ClientError, action: str, subject: Subject) -> AwsError:
    error = exc.response.get("Error", {}) or {}
    meta = exc.response.get("ResponseMetadata", {}) or {}
    code = str(error.get("Code") or "Unknown")
    message = str(error.get("Message") or exc)
    status = int(meta.get("HTTPStatusCode") or 0)
    details = {"awsCode": code, "httpStatus": status, "requestId": meta.get("RequestId")}
    said = f"{subject.text}: {action}: {code}: {message}"

    def err(kind: str, text: str = said, retryable: bool | None = None) -> AwsError:
        return AwsError(kind, text, aws_code=code, retryable=retryable, details=details)

    if code in _THROTTLED:
        return err("RATE_LIMITED")
    if code in _UNAUTHORIZED or (status == 403 and code not in _CLEARS_BY_ITSELF):
        return err(
            "UNAUTHORIZED",
            f"{said} (check the credentials and their permissions: AWS_PROFILE, "
            "AWS_ACCESS_KEY_ID, the role's policy)",
        )
    if _is_not_found(code, status, message):
        path = _named_path(Subject(subject.text, {}, subject.values), message)
        if path is not None:  # a referenced object the user named does not exist
            return _validation(subject, action, message, code, path=path)
        return err("NOT_FOUND")
    if code in _CLEARS_BY_ITSELF:
        return err("CONFLICT", retryable=True)
    if code == "InvalidChangeBatch" and "already exists" in message:
        return err("CONFLICT")
    if any(word in code for word in _CONFLICT_WORDS) or code.startswith("BucketAlready"):
        return err("CONFLICT")
    if code in _TIMEOUT:
        return err("TIMEOUT")
    if code in _UNAVAILABLE or status >= 500:
        return err("UNAVAILABLE")
    if _is_validation(code) or status == 400:
        return _validation(subject, action, message, code)
    return err("INTERNAL")


def translate(exc: BaseException, *, action: str, subject: Subject) -> AwsError:
    """The iac/1 error for a botocore (or boto3) exception raised by ``action`` on
    ``subject``; anything else becomes ``INTERNAL`` naming its type."""
    name = type(exc).__name__
    if isinstance(exc, ClientError):
        return _client_error(exc, action, subject)
    prefix = f"{subject.text}: {action}"
    if isinstance(exc, ParamValidationError):
        report = str(exc.kwargs.get("report", exc))
        return _validation(subject, action, report, name)
    if isinstance(exc, NoRegionError):
        return AwsError(
            "VALIDATION",
            f"{prefix}: no AWS region configured; set AWS_REGION (or a region in the profile)",
            aws_code=name,
            details=[{"path": "", "message": "no AWS region configured"}],
        )
    if isinstance(
        exc,
        NoCredentialsError | PartialCredentialsError | ProfileNotFound | CredentialRetrievalError,
    ):
        return AwsError(
            "UNAUTHORIZED",
            f"{prefix}: {exc} (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
            aws_code=name,
        )
    if isinstance(exc, ConnectTimeoutError | ReadTimeoutError):
        return AwsError("TIMEOUT", f"{prefix}: {exc}", aws_code=name)
    if isinstance(exc, EndpointConnectionError | ConnectionClosedError):
        return AwsError(
            "UNAVAILABLE",
            f"{prefix}: cannot reach AWS: {exc} (check the endpoint and the network)",
            aws_code=name,
        )
    if isinstance(exc, BotoCoreError):
        return AwsError("INTERNAL", f"{prefix}: {name}: {exc}", aws_code=name)
    return AwsError("INTERNAL", f"{prefix}: {name}: {exc}", aws_code=name)


def aws_code(exc: BaseException) -> str | None:
    """AWS's error code behind ``exc``, if it came from AWS."""
    return exc.aws_code if isinstance(exc, AwsError) else None
