"""docs/cli.md stays in sync with the commands and options the CLI really registers.

Every command and subcommand has a ``### `mcp-iac ...` `` section; every option of a command
(long and short spellings) and every argument is mentioned in that section; every option with a
non-trivial default states it; and no section documents an option the command does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from mcp_iac.cli._app import app

CLI_DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
COMMAND_HEADING_RE = re.compile(r"^`mcp-iac((?: [a-z][a-z-]*)*)`$")
TABLE_OPTION_RE = re.compile(r"^\|\s*(`-[^|]*)\|")
OPTION_TOKEN_RE = re.compile(r"`(--?[A-Za-z][A-Za-z0-9-]*)`")


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """(``"state restore"``, click command) for every command and group, recursively."""
    for name, command in sorted(group.commands.items()):
        if getattr(command, "hidden", False):
            continue
        path = (*prefix, name)
        yield " ".join(path), command
        if hasattr(command, "commands"):
            yield from _commands(command, path)


ROOT = typer.main.get_command(app)
COMMANDS = dict(_commands(ROOT))


def _sections(text: str) -> dict[str, str]:
    """Command path -> the text of its ``mcp-iac ...`` section (up to the next heading of the
    same or a higher level)."""
    lines = text.splitlines()
    headings: list[tuple[int, int, str]] = []
    in_fence = False
    for idx, line in enumerate(lines):
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        match = None if in_fence else HEADING_RE.match(line)
        if match:
            headings.append((idx, len(match.group(1)), match.group(2)))
    sections: dict[str, str] = {}
    for pos, (idx, level, title) in enumerate(headings):
        command = COMMAND_HEADING_RE.match(title)
        if command is None:
            continue
        end = len(lines)
        for later_idx, later_level, _ in headings[pos + 1 :]:
            if later_level <= level:
                end = later_idx
                break
        sections[command.group(1).strip()] = "\n".join(lines[idx + 1 : end])
    return sections


DOC = CLI_DOC.read_text(encoding="utf-8")
SECTIONS = _sections(DOC)


def _mentions(text: str, token: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", text) is not None


def _options(command: Any) -> list[Any]:
    return [p for p in command.params if p.param_type_name == "option"]


def _arguments(command: Any) -> list[Any]:
    return [p for p in command.params if p.param_type_name == "argument"]


def test_the_app_registers_the_commands_this_test_expects() -> None:
    # guards the walk itself: the state group and its subcommands must be found
    assert {"plan", "up", "destroy", "state", "state restore", "state list"} <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_has_a_section(path: str) -> None:
    assert path in SECTIONS, (
        f"docs/cli.md has no heading `mcp-iac {path}` (e.g. '### `mcp-iac {path}`')"
    )
    assert f"mcp-iac {path}" in DOC


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_option_and_argument_is_documented_in_its_section(path: str) -> None:
    command = COMMANDS[path]
    section = SECTIONS.get(path, "")
    missing = [
        opt
        for param in _options(command)
        for opt in (*param.opts, *param.secondary_opts)
        if not _mentions(section, opt)
    ]
    missing += [
        param.name.upper()
        for param in _arguments(command)
        if not _mentions(section, param.name.upper())
    ]
    assert not missing, f"`mcp-iac {path}`: not documented in docs/cli.md: {missing}"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_non_trivial_default_is_stated(path: str) -> None:
    section = SECTIONS.get(path, "")
    for param in _options(COMMANDS[path]):
        default = param.default
        if default is None or isinstance(default, bool) or default in ((), []):
            continue
        assert f"`{default}`" in section, (
            f"`mcp-iac {path}` {param.opts[0]}: default `{default}` not stated in docs/cli.md"
        )


@pytest.mark.parametrize("path", sorted(SECTIONS))
def test_no_section_documents_a_command_or_option_that_does_not_exist(path: str) -> None:
    assert path in COMMANDS, f"docs/cli.md documents `mcp-iac {path}`, which is not a command"
    real = {
        opt for param in _options(COMMANDS[path]) for opt in (*param.opts, *param.secondary_opts)
    }
    for line in SECTIONS[path].splitlines():
        row = TABLE_OPTION_RE.match(line)
        if row is None:
            continue
        for opt in OPTION_TOKEN_RE.findall(row.group(1)):
            assert opt in real, f"`mcp-iac {path}`: docs/cli.md lists {opt}, which it lacks"


def test_help_and_exit_codes_are_documented() -> None:
    assert "--help" in DOC
    assert "-h" in DOC
    for code in ("0", "1", "2", "3", "4", "5"):
        assert re.search(rf"^\| {code} \|", DOC, re.MULTILINE), f"exit code {code} not in table"
