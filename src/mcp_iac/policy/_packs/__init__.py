"""The built-in policy packs."""

from __future__ import annotations

from . import _aws_ssh, _https, _instance_types, _pci, _security_groups, _tags, _vlan
from ._pack import Pack, Settings

PACKS: dict[str, Pack] = {
    p.name: p
    for p in (
        _security_groups.PACK,
        _aws_ssh.PACK,
        _https.PACK,
        _vlan.PACK,
        _tags.PACK,
        _instance_types.PACK,
        _pci.PACK,
    )
}
"""Every built-in pack by name, the default ones first."""

DEFAULT_PACKS: tuple[str, ...] = tuple(name for name, p in PACKS.items() if p.default)

__all__ = ["DEFAULT_PACKS", "PACKS", "Pack", "Settings"]
