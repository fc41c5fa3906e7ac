"""Port specifications as firewall rules and policies write them (no JMESPath needed)."""

from __future__ import annotations

from typing import Any

_NAMED_PORTS = {"ssh": 22, "telnet": 23, "smtp": 25, "http": 80, "https": 443, "rdp": 3389}


def port_covers(spec: Any, port: int) -> bool:
    """Whether a port specification covers ``port``: null, ``""`` and ``any`` cover all; a
    number, ``"22"``, a well-known name (``ssh``), a range ``"20-25"`` / ``"20:25"``, or a
    comma list of those. An alias name covers nothing (its content is not known here)."""
    if spec is None or spec == "" or (isinstance(spec, str) and spec.lower() == "any"):
        return True
    if isinstance(spec, bool):
        return False
    if isinstance(spec, int):
        return spec == port
    if isinstance(spec, list):
        return any(port_covers(s, port) for s in spec)
    if not isinstance(spec, str):
        return False
    for part in spec.split(","):
        text = part.strip()
        if text.lower() in _NAMED_PORTS:
            if _NAMED_PORTS[text.lower()] == port:
                return True
            continue
        low, sep, high = text.replace(":", "-").partition("-")
        try:
            if sep:
                if int(low) <= port <= int(high):
                    return True
            elif int(text) == port:
                return True
        except ValueError:
            continue  # an alias name: cannot tell, so it does not count as covering
    return False
