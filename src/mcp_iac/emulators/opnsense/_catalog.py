"""Every emulated component, in the order ``get`` and the route table list them."""

from __future__ import annotations

from typing import Final

from ._schema import Component
from ._tables_auth import AUTH
from ._tables_firewall import FIREWALL
from ._tables_haproxy import HAPROXY
from ._tables_services import SERVICES

CATALOG: Final[tuple[Component, ...]] = (*FIREWALL, *HAPROXY, *SERVICES, *AUTH)
