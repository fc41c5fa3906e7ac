"""Keeping the configuration in a state file across restarts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mcp_iac.emulators.opnsense import OpnsenseEmulator

from .conftest import client_for
from .helpers import Api


def test_the_configuration_history_and_pending_changes_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "sandbox" / "opnsense.json"
    with OpnsenseEmulator(state_file=state) as first, client_for(first) as client:
        alias = {"alias": {"name": "kept", "content": "1.1.1.1"}}
        uuid = Api(client).add("firewall/alias/addItem", alias)
        history = Api(client).get("core/backup/backups/this")["items"]
    assert state.exists()
    assert [p.name for p in state.parent.iterdir()] == ["opnsense.json"]  # no temporaries left
    with OpnsenseEmulator(state_file=state) as second, client_for(second) as client:
        assert second.records("firewall/alias")[uuid]["name"] == "kept"
        assert second.pending() == {"firewall/alias"}
        assert Api(client).get("core/backup/backups/this")["items"] == history


def test_a_new_state_file_starts_from_the_factory_configuration(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    emulator = OpnsenseEmulator(state_file=state)
    assert emulator.components()
    data = json.loads(state.read_text())
    assert data["format"] == 1
    assert len(data["revisions"]) == 1


def test_reset_is_persisted(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with OpnsenseEmulator(state_file=state) as emulator, client_for(emulator) as client:
        Api(client).add("firewall/alias/addItem", {"alias": {"name": "gone", "content": "1.1.1.1"}})
        emulator.reset()
    assert OpnsenseEmulator(state_file=state).records("firewall/alias") == {}


def test_a_file_that_is_not_an_emulator_state_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"something": "else"}')
    with pytest.raises(ValueError, match="not an OPNsense emulator state"):
        OpnsenseEmulator(state_file=state)
    state.write_text("not json")
    with pytest.raises(ValueError, match="not JSON"):
        OpnsenseEmulator(state_file=state)
