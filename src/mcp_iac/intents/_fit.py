"""Facts into a pattern's parameters, as its JSON Schema allows.

Each fact has a list of parameter names it may go to (``memory_mb`` → ``memoryMb``, ``memory``,
``ram``...); the first the schema has wins and the value is converted to the parameter's type. A
fact no parameter takes is reported as unsupported, never dropped in silence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._facts import Fact

PARAMETER_NAMES: dict[str, tuple[str, ...]] = {
    "players": ("players", "maxPlayers", "playerCount"),
    "memory_mb": ("memoryMb", "memoryMB", "ramMb", "memory", "ram", "memoryGb", "ramGb"),
    "cpus": ("cpus", "cpu", "vcpus", "cores"),
    "disk_gb": ("diskGb", "storageGb", "disk", "storage", "volumeSize"),
    "vlan_tag": ("vlanTag", "vlan", "vlanId"),
    "vlan_name": ("vlanName", "networkName", "network"),
    "domain": ("domain", "domainName", "hostname", "fqdn"),
    "min_instances": ("minInstances", "minSize", "minReplicas"),
    "max_instances": ("maxInstances", "maxSize", "maxReplicas"),
    "instances": ("instances", "replicas", "instanceCount", "nodes", "count"),
    "port": ("port", "gamePort", "hostPort", "appPort"),
    "name": ("appName", "name", "project", "site"),
    "game": ("game", "gameType", "edition"),
    "runtime": ("runtime", "language", "stack"),
    "databases": ("databases", "database", "engine"),
    "payment_processor": ("paymentProcessor", "payments", "payment"),
    "pci": ("pci", "pciCompliance"),
    "ddos_protection": ("ddosProtection", "ddos"),
    "high_availability": ("highAvailability", "ha", "highlyAvailable", "multiAz"),
    "backup": ("backup", "backups", "backupEnabled", "enableBackup"),
    "monitoring": ("monitoring", "enableMonitoring"),
    "tls": ("tls", "ssl", "https"),
    "autoscaling": ("autoscaling", "autoScaling"),
    "database": ("database", "withDatabase"),
}


@dataclass(slots=True)
class Fitted:
    parameters: dict[str, Any] = field(default_factory=dict)
    understood: list[tuple[str, str]] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _resolve(node: Any, schema: Mapping[str, Any]) -> dict[str, Any]:
    """A property schema with ``$ref`` followed and a nullable ``anyOf`` unwrapped."""
    seen = 0
    while isinstance(node, dict) and seen < 10:
        seen += 1
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = schema
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            continue
        options = node.get("anyOf") or node.get("oneOf")
        if isinstance(options, list):
            real = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            if len(real) == 1:
                node = {**{k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}, **real[0]}
                continue
        break
    return node if isinstance(node, dict) else {}


def _types(node: Mapping[str, Any]) -> set[str]:
    kind = node.get("type")
    if isinstance(kind, list):
        return {str(k) for k in kind}
    if isinstance(kind, str):
        return {kind}
    if "properties" in node:
        return {"object"}
    if "enum" in node:
        return {
            type(v).__name__.replace("str", "string").replace("int", "integer")
            for v in node["enum"]
        }
    return set()


class _Mismatch(Exception):
    pass


def _memory(mb: int, name: str, types: set[str]) -> Any:
    in_gb = name.lower().endswith("gb")
    if types & {"integer", "number"}:
        if in_gb:
            if mb % 1024 and "integer" in types and "number" not in types:
                raise _Mismatch(f"{mb} MB is not a whole number of GB")
            return mb // 1024 if mb % 1024 == 0 else mb / 1024
        return mb
    if "string" in types:
        return f"{mb // 1024}g" if mb % 1024 == 0 else f"{mb}m"
    raise _Mismatch("not a size")


def _convert(fact: Fact, name: str, node: Mapping[str, Any]) -> Any:
    types = _types(node)
    value = fact.value
    if fact.key == "memory_mb":
        return _memory(int(value), name, types)
    enum = node.get("enum")
    if isinstance(value, bool):
        if "boolean" in types or not types:
            return value
        if "object" in types:
            props = node.get("properties") or {}
            if "enabled" in props:
                return {"enabled": value}
        raise _Mismatch("not a yes/no setting")
    if isinstance(value, list):
        if "array" in types or not types:
            items = node.get("items")
            allowed = items.get("enum") if isinstance(items, dict) else None
            if allowed and any(v not in allowed for v in value):
                raise _Mismatch(f"allowed: {', '.join(map(str, allowed))}")
            return value
        if "string" in types and len(value) == 1:
            value = value[0]
        else:
            raise _Mismatch("not a list")
    if isinstance(value, int):
        if types & {"integer", "number"} or not types:
            return value
        if "string" in types:
            return str(value)
        raise _Mismatch("not a number")
    text = str(value)
    if "const" in node:
        if str(node["const"]).lower() != text.lower():
            raise _Mismatch(f"it only takes {node['const']!r}")
        return node["const"]
    if isinstance(enum, list):
        for option in enum:
            if isinstance(option, str) and option.lower() == text.lower():
                return option
        raise _Mismatch(f"allowed: {', '.join(map(str, enum))}")
    if "string" in types or not types:
        return text
    raise _Mismatch("not text")


def fit(facts: list[Fact], pattern: str, schema: Mapping[str, Any] | None) -> Fitted:
    """Place ``facts`` in ``pattern``'s parameters; ``schema`` is its parameter JSON Schema."""
    out = Fitted()
    if schema is None:
        for fact in facts:
            out.unsupported.append(f"{fact.meaning} (the pattern '{pattern}' is not available)")
        return out
    properties: Mapping[str, Any] = schema.get("properties") or {}
    for fact in facts:
        if fact.key == "vlan_name" and _named_vlan(fact, properties, schema, out):
            continue
        names = [n for n in PARAMETER_NAMES.get(fact.key, ()) if n in properties]
        names = [n for n in names if n not in out.parameters]
        if not names:
            out.unsupported.append(f"{fact.meaning} ('{pattern}' has no parameter for it)")
            continue
        name = names[0]
        try:
            value = _convert(fact, name, _resolve(properties[name], schema))
        except _Mismatch as exc:
            out.unsupported.append(f"{fact.meaning}: parameter '{name}' takes it not ({exc})")
            continue
        out.parameters[name] = value
        out.understood.append((fact.said, f"{fact.meaning} → {name}={value!r}"))
    _high_availability(facts, properties, schema, out)
    for name in schema.get("required") or ():
        if name not in out.parameters:
            node = _resolve(properties.get(name, {}), schema)
            kind = "/".join(sorted(_types(node))) or "value"
            about = node.get("description") or node.get("title") or ""
            out.missing.append(f"{name} ({kind})" + (f": {about}" if about else ""))
    return out


def _high_availability(
    facts: list[Fact], properties: Mapping[str, Any], schema: Mapping[str, Any], out: Fitted
) -> None:
    """ "Highly available" on a pattern without such a switch means at least two instances."""
    wanted = next((f for f in facts if f.key == "high_availability"), None)
    if wanted is None or any(n in out.parameters for n in PARAMETER_NAMES["high_availability"]):
        return
    for name in PARAMETER_NAMES["min_instances"]:
        if name in properties:
            node = _resolve(properties[name], schema)
            current = out.parameters.get(name, node.get("default", 1))
            if isinstance(current, int) and current < 2:
                out.parameters[name] = 2
                out.understood.append((wanted.said, f"high availability → {name}=2"))
            else:
                out.understood.append(
                    (wanted.said, f"high availability → {name}={current} (the default)")
                )
            out.unsupported = [u for u in out.unsupported if not u.startswith("high availability")]
            return


def _named_vlan(
    fact: Fact, properties: Mapping[str, Any], schema: Mapping[str, Any], out: Fitted
) -> bool:
    """ "On the gaming VLAN": the pattern's own VLAN when a VLAN parameter is described with
    that name ("The gaming VLAN."); its default stays."""
    for name, raw in properties.items():
        node = _resolve(raw, schema)
        about = str(node.get("description") or "").lower()
        if "vlan" in name.lower() and f"{fact.value} vlan" in about:
            out.understood.append(
                (fact.said, f"{fact.meaning} → the pattern's {name} ({node.get('default')})")
            )
            return True
    return False
