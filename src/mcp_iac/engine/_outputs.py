"""Deployment outputs: templates resolved against recorded resources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp_iac.core import MISSING, ConfigError, Path, Secret, format_path, lookup

from ._bind import secret_value
from ._records import ResourceRecord
from ._resolve import resolve


def resolve_outputs(
    templates: Mapping[str, Any],
    records: Mapping[str, ResourceRecord],
    *,
    environ: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """(values, errors by output name): each output resolved with the recorded outputs."""

    def lookup_ref(address: str, path: Path) -> object:
        record = records.get(address)
        if record is None:
            raise ConfigError(f"reference to '{address}': that resource does not exist (yet)")
        value = lookup(record.outputs, path)
        if value is MISSING:
            value = lookup(record.properties, path)
        if value is MISSING:
            raise ConfigError(f"'{address}' has no output or property '{format_path(path)}'")
        return value

    def secret(key: str) -> object:
        value = secret_value(key, environ)
        if value is None:
            raise ConfigError(f"secret '{key}' is not set")
        return Secret(value)

    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, template in templates.items():
        try:
            values[key] = resolve(template, lookup_ref, secret)
        except ConfigError as exc:
            errors[key] = exc.message
    return values, errors
