"""The provider's resource types: one handler per type, sharing one client."""

from __future__ import annotations

from typing import Any

from ._alias import AliasHandler
from ._certificate import CertificateHandler
from ._client import OpnsenseClient
from ._dhcp import RangeHandler, StaticHandler
from ._dns import OverrideHandler
from ._handler import RecordHandler
from ._haproxy import BackendHandler, FrontendHandler, ServerHandler
from ._nat import NatHandler
from ._rule import RuleHandler
from ._user import UserHandler
from ._vlan import VlanHandler

PROVIDER_NAME = "opnsense"
PROVIDER_VERSION = "0.1.0"

HANDLERS: tuple[type[RecordHandler[Any, Any]], ...] = (
    VlanHandler,
    AliasHandler,
    RuleHandler,
    NatHandler,
    ServerHandler,
    BackendHandler,
    FrontendHandler,
    OverrideHandler,
    RangeHandler,
    StaticHandler,
    CertificateHandler,
    UserHandler,
)


def make_handlers(client: OpnsenseClient) -> list[RecordHandler[Any, Any]]:
    """One handler per resource type, all talking through ``client``."""
    return [handler(client) for handler in HANDLERS]
