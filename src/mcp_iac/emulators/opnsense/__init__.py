"""An emulator of the OPNsense REST API, for tests, the sandbox and demos.

No OPNsense can run here, so :class:`OpnsenseEmulator` serves the parts of ``/api`` the
OPNsense provider uses, following the contract read from OPNsense's own controllers
(docs/emulator-opnsense.md): the generic CRUD actions of ``ApiMutableModelControllerBase``
implemented once and parameterised by declarative component tables, apply/reconfigure
actions with pending-change tracking, config history, firmware version gating, Basic auth
and OPNsense's error bodies. ``python -m mcp_iac.emulators.opnsense`` serves one from the
command line.
"""

from ._emulator import OpnsenseEmulator
from ._versions import SUPPORTED_VERSIONS

__all__ = ["SUPPORTED_VERSIONS", "OpnsenseEmulator"]
