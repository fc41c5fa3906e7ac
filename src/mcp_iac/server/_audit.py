"""Every call is checked against the caller's scopes and recorded in the audit events.

A server middleware (it sees every request, whatever the transport): a call whose token lacks
the scope is refused and recorded as ``mcp.denied``; every tool call, resource read and prompt
is recorded as ``mcp.<tool>`` / ``mcp.resource`` / ``mcp.prompt`` with the caller's token id
(``local`` over stdio), its arguments (ids, names and times as given; documents, variables and
parameters summarised by their keys or length, so no value in them reaches the log) and its
outcome. Over HTTP the bearer gate has already
answered 403 to a missing scope; this is the second line, and the only one for other transports.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel

from ._orchestrator import Orchestrator
from ._scopes import FORBIDDEN, caller, caller_scopes, required_scope

MAX_SHOWN = 200
AUDITED = {"tools/call": "tool", "resources/read": "resource", "prompts/get": "prompt"}


@dataclass(slots=True)
class AuditNote:
    """What a tool adds to its call's audit event (the deployment it concerned, results)."""

    deployment: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


_NOTE: contextvars.ContextVar[AuditNote | None] = contextvars.ContextVar("audit", default=None)


def note(deployment: str | None = None, **details: Any) -> None:
    """Add to the current call's audit event (no-op outside a call)."""
    current = _NOTE.get()
    if current is None:
        return
    if deployment is not None:
        current.deployment = deployment
    current.details.update(details)


VERBATIM = frozenset({"plan_id", "deployment", "server", "pattern", "at", "version", "request"})
"""Arguments logged as given (names, ids, times, the request's words); any other is summarised,
so a document, variables or parameters, which may hold secrets, never reach the log."""


def _shown(key: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        return f"(object with keys {', '.join(sorted(map(str, value)))})"
    if isinstance(value, list):
        return f"(list of {len(value)})"
    if isinstance(value, str) and (key not in VERBATIM or len(value) > MAX_SHOWN):
        return f"(text, {len(value)} characters)"
    if key not in VERBATIM and value is not None and not isinstance(value, bool | int | float):
        return f"({type(value).__name__})"
    return value


def _outcome(result: HandlerResult) -> tuple[str, str | None]:
    """What a handler's result says happened (results arrive as models or wire dicts)."""
    wire: Any = result
    if isinstance(result, BaseModel):
        wire = result.model_dump(by_alias=True, mode="json", exclude_none=True)
    if not isinstance(wire, dict):
        return "ok", None
    if "inputRequests" in wire:
        return "asked the user", None
    if wire.get("isError"):
        texts = [c.get("text", "") for c in wire.get("content") or [] if isinstance(c, dict)]
        return "error", " ".join(texts)[:1000]
    return "ok", None


class AuditMiddleware:
    """Scope check and audit record around every request (see the module docstring)."""

    async def __call__(
        self, ctx: ServerRequestContext[Orchestrator, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.request_id is None:  # notifications carry no call
            return await call_next(ctx)
        orch = ctx.lifespan_context
        params: Mapping[str, Any] = ctx.params or {}
        needed = required_scope(ctx.method, params)
        scopes = caller_scopes()
        what = AUDITED.get(ctx.method)
        name = str(params.get("name") or params.get("uri") or "")
        if needed is not None and scopes is not None and needed not in scopes:
            orch.audit(
                _deployment(params, None),
                "mcp.denied",
                f"{ctx.method} {name} refused: token '{caller()}' lacks the '{needed}' scope",
                {"token": caller(), "method": ctx.method, "name": name, "scope": needed},
            )
            raise MCPError(
                FORBIDDEN,
                f"forbidden: this token lacks the '{needed}' scope needed for {ctx.method} {name}",
            )
        if what is None:
            return await call_next(ctx)
        audit = AuditNote()
        token = _NOTE.set(audit)
        try:
            result = await call_next(ctx)
        except MCPError as exc:
            self._record(orch, ctx.method, what, name, params, audit, "error", exc.message)
            raise
        finally:
            _NOTE.reset(token)
        outcome, error = _outcome(result)
        self._record(orch, ctx.method, what, name, params, audit, outcome, error)
        return result

    @staticmethod
    def _record(  # noqa: PLR0917  # one private call site per outcome, all positional
        orch: Orchestrator,
        method: str,
        what: str,
        name: str,
        params: Mapping[str, Any],
        audit: AuditNote,
        outcome: str,
        error: str | None,
    ) -> None:
        arguments = params.get("arguments") or {}
        data: dict[str, Any] = {
            "token": caller(),
            "method": method,
            "name": name,
            "arguments": {k: _shown(k, v) for k, v in arguments.items()}
            if isinstance(arguments, Mapping)
            else {},
            "outcome": outcome,
            **audit.details,
        }
        if error:
            data["error"] = error
        kind = f"mcp.{name}" if what == "tool" else f"mcp.{what}"
        orch.audit(
            _deployment(params, audit.deployment),
            kind,
            f"{what} {name} by '{caller()}': {outcome}",
            data,
        )


_DEPLOYMENT_URI = re.compile(r"^iac://deployments/([A-Za-z0-9_-]+)/")


def _deployment(arguments: Any, noted: str | None) -> str | None:
    """The deployment a call concerned: noted by the tool, named in its arguments, or in the
    URI of a resource read."""
    if noted:
        return noted
    if isinstance(arguments, Mapping):
        nested = arguments.get("arguments")
        source = nested if isinstance(nested, Mapping) else arguments
        value = source.get("deployment")
        if isinstance(value, str):
            return value
        uri = source.get("uri")
        found = _DEPLOYMENT_URI.match(uri) if isinstance(uri, str) else None
        if found:
            return found.group(1)
    return None
