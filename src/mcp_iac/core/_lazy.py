"""Lazy package exports (PEP 562): a package names what it offers, and each name imports its
submodule the first time it is used.

A command runs once and exits, so what it imports is a large part of what it costs: ``mcp-iac
plan`` must not load the executor, the journal, mapping files or AES for secrets at rest when it
needs none of them. Packages whose submodules are expensive to import export through this.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, whose name ``N`` lives in the submodule
    ``exports[N]`` (relative, e.g. ``"_executor"``). A loaded name is stored in the package, so
    the next lookup is an ordinary attribute."""
    table = dict(exports)

    def __getattr__(name: str) -> Any:
        submodule = table.get(name)
        if submodule is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{submodule}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *table})

    return __getattr__, __dir__
