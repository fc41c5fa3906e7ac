"""Request handling independent of the socket: routing, auth, ACL, body parsing, errors.

The order follows OPNsense: an unknown endpoint is 404 before anything else; then Basic
auth (401), the key's privileges (403), the action's required path parameters (400) and a
JSON body that is announced but empty (400); exceptions become 500 bodies as ``api.php``
renders them.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from mcp_iac.core import JSON

from ._call import Call, Reply
from ._firewall import Firewall
from ._routes import Routes, build_routes
from ._schema import UserError

log = logging.getLogger(__name__)

Privileges = Literal["all", "read-only"]

NOT_FOUND = Reply({"errorMessage": "Endpoint not found"}, status=404)
UNAUTHORIZED = Reply({"status": 401, "message": "Authentication Failed"}, status=401)
FORBIDDEN = Reply({"status": 403, "message": "Forbidden"}, status=403)
EMULATOR_PREFIX = "/__emulator__/"


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key: its secret, the user it belongs to and what it may do."""

    secret: str
    user: str
    privileges: Privileges


class Api:
    """The emulated ``/api`` of one firewall."""

    def __init__(self, fw: Firewall) -> None:
        self.fw = fw
        self.routes: Routes = build_routes(fw)
        self.keys: dict[str, ApiKey] = {}

    def add_key(self, key: str, secret: str, *, user: str, privileges: Privileges) -> None:
        self.keys[key] = ApiKey(secret, user, privileges)

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, client: str
    ) -> Reply:
        """Answer one request. ``headers`` must be looked up case-insensitively."""
        split = urlsplit(target)
        path = split.path
        if path.startswith(EMULATOR_PREFIX):
            return self._emulator(method, path[len(EMULATOR_PREFIX) :], headers)
        parts = path.split("/")
        if len(parts) < 5 or parts[0] != "" or parts[1] != "api":
            return NOT_FOUND
        module, controller, command = parts[2], parts[3], parts[4]
        params = [unquote(p) for p in parts[5:]]
        while params and params[-1] == "":
            params.pop()
        endpoint = self.routes.find(module, controller, command)
        if endpoint is None:
            return NOT_FOUND
        key = self._authenticate(headers)
        if key is None:
            return UNAUTHORIZED
        if key.privileges == "read-only" and method != "GET":
            return FORBIDDEN
        if len(params) < endpoint.required:
            return Reply(
                {
                    "message": f"action {command} expects at least {endpoint.required} "
                    "parameter(s)",
                    "status": 400,
                },
                status=400,
            )
        post, error = _parse_body(method, headers, body)
        if error is not None:
            return error
        call = Call(
            method=method,
            uri=path,
            user=f"{key.user}@{client}",
            params=tuple(params),
            query=_parse_query(split.query),
            post=post,
        )
        try:
            with self.fw.lock:
                result = endpoint.handler(self.fw, call)
        except UserError as exc:
            return Reply({"errorMessage": exc.message, "errorTitle": exc.title}, status=500)
        except Exception:  # api.php turns any exception into this body; the log has the cause
            log.exception("emulated OPNsense: %s %s failed", method, path)
            return Reply({"errorMessage": "Unexpected error, check log for details"}, status=500)
        return result if isinstance(result, Reply) else Reply(result)

    def _authenticate(self, headers: Mapping[str, str]) -> ApiKey | None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        # PHP explode(':'): the secret is what lies between the first and second colon.
        parts = decoded.split(":")
        if len(parts) < 2:
            return None
        key = self.keys.get(parts[0])
        return key if key is not None and key.secret == parts[1] else None

    def _emulator(self, method: str, path: str, headers: Mapping[str, str]) -> Reply:
        """Inspection endpoints real OPNsense does not have (``/__emulator__/...``)."""
        key = self._authenticate(headers)
        if key is None:
            return UNAUTHORIZED
        with self.fw.lock:
            if path == "pending" and method == "GET":
                pending: list[JSON] = [*sorted(self.fw.config.pending)]
                return Reply({"pending": pending})
            if path.startswith("records/") and method == "GET":
                component = path[len("records/") :]
                if component not in self.fw.components:
                    return NOT_FOUND
                return Reply({"records": nested_records(self.fw, component)})
            if path == "reset" and method == "POST":
                if key.privileges != "all":
                    return FORBIDDEN
                self.fw.reset()
                return Reply({"status": "ok"})
        return NOT_FOUND


def nested_records(fw: Firewall, component: str) -> dict[str, JSON]:
    """Stored records of ``component`` with nested containers as nested objects."""
    result: dict[str, JSON] = {}
    for uuid, record in fw.records(component).items():
        node: dict[str, JSON] = {}
        for name, value in record.items():
            *path, leaf = name.split(".")
            here = node
            for step in path:
                child = here.setdefault(step, {})
                assert isinstance(child, dict)
                here = child
            here[leaf] = value
        result[uuid] = node
    return result


def _parse_body(
    method: str, headers: Mapping[str, str], body: bytes
) -> tuple[dict[str, JSON] | None, Reply | None]:
    """``$_POST`` from the body (``parseJsonBodyData``), or the 400 for an empty JSON body."""
    content_type = headers.get("content-type", "").replace(" ", "").lower()
    if content_type in ("application/json", "application/json;charset=utf-8"):
        if not body.strip():
            return None, Reply({"status": 400, "message": "Invalid JSON syntax"}, status=400)
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None, None  # PHP: getJsonRawBody() is null, $_POST becomes null
        if isinstance(data, list):
            data = {str(i): v for i, v in enumerate(data)}
        return (data if isinstance(data, dict) else None), None
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _parse_query(body.decode("utf-8", "replace")), None
    return ({} if method == "POST" else None), None


def _parse_query(query: str) -> dict[str, JSON]:
    """GET parameters the PHP way: ``sort[name]=asc`` becomes ``{"sort": {"name": "asc"}}``."""
    result: dict[str, JSON] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.endswith("]") and "[" in name:
            outer, inner = name[:-1].split("[", 1)
            bucket = result.get(outer)
            if not isinstance(bucket, dict):
                bucket = {}
                result[outer] = bucket
            bucket[inner] = value
        else:
            result[name] = value
    return result
