from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mcp_iac.cli import main


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code = code
        self.out = out
        self.err = err

    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """Run ``mcp-iac`` in-process in a fresh project directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("MCP_IAC_STATE", raising=False)

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def deployment(
    resources: list[dict[str, object]],
    *,
    name: str = "app",
    variables: dict[str, object] | None = None,
    outputs: dict[str, object] | None = None,
) -> dict[str, object]:
    spec: dict[str, object] = {"resources": resources}
    if variables:
        spec["variables"] = variables
    if outputs:
        spec["outputs"] = outputs
    return {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": spec,
    }


def write(path: Path, doc: dict[str, object]) -> str:
    path.write_text(json.dumps(doc))
    return str(path)
