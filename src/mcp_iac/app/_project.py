"""Where a command runs: the project directory, its deployment file, state store and providers."""

from __future__ import annotations

import os
import runpy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mcp_iac.core import ConfigError, Deployment, DeploymentSpec, gc_paused, load_file
from mcp_iac.engine import ProviderSource, StateStore

DEFAULT_FILES = ("deployment.yaml", "deployment.yml", "deployment.json", "deployment.py")


def find_deployment_file(file: str | Path | None, root: Path) -> Path:
    """The deployment file named, or the default one in ``root``."""
    if file is not None:
        return Path(file)
    for name in DEFAULT_FILES:
        candidate = root / name
        if candidate.exists():
            return candidate
    raise ConfigError(
        f"no deployment file given and none of {', '.join(DEFAULT_FILES)} exists in {root}",
        hint="pass one with -f FILE (e.g. -f examples/local.yaml)",
    )


def load_spec(path: Path) -> DeploymentSpec:
    """Load a deployment from YAML/JSON, or from a Python file that builds one."""
    if path.suffix == ".py":
        return _load_python(path)
    with gc_paused():
        return load_file(path)


def _load_python(path: Path) -> DeploymentSpec:
    if not path.exists():
        raise ConfigError(f"deployment file '{path}' does not exist")
    namespace = runpy.run_path(str(path), run_name="__mcp_iac__")
    found = [v for v in namespace.values() if isinstance(v, Deployment)]
    if len(found) != 1:
        raise ConfigError(
            f"'{path}' must define exactly one Deployment at module level (found {len(found)})",
            hint="e.g. deployment = Deployment('name') and add resources to it",
        )
    return found[0].spec(source=str(path))


@dataclass
class Project:
    """The context every use case runs in."""

    root: Path
    state: StateStore
    providers: ProviderSource
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    who: str = ""

    def close(self) -> None:
        self.state.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
