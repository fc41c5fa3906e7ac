"""``--param k=v`` pairs into a parameter mapping."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from mcp_iac.core import ConfigError


def parse_param_pairs(pairs: Iterable[str]) -> dict[str, Any]:
    """``k=v`` pairs as a mapping. Dotted keys nest (``backup.enabled=true`` is
    ``{"backup": {"enabled": "true"}}``); a value that is a JSON list or object is parsed
    (``databases='["postgres","redis"]'``); other values stay text and the parameter model
    converts them (``players=10`` to an integer, ``monitoring=true`` to a boolean).

    Raises:
        ConfigError: a pair without ``=``, or a key given twice.
    """
    result: dict[str, Any] = {}
    for pair in pairs:
        key, eq, text = pair.partition("=")
        key = key.strip()
        if not eq or not key:
            raise ConfigError(f"--param '{pair}' is not name=value", hint="e.g. --param players=10")
        value: Any = text
        if text.strip().startswith(("[", "{")):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ConfigError(
                    f"--param {key}: {text!r} looks like JSON but is not ({exc.msg})"
                ) from None
        node = result
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(
                    f"--param {key}: '{part}' is given both as a value and as an object"
                )
            node = child
        if parts[-1] in node:
            raise ConfigError(f"--param {key} is given twice")
        node[parts[-1]] = value
    return result
