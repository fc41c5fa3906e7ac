"""The intent parser on the seed's requests, against the real built-in patterns' schemas:
what it reads, what it fits, and what it says plainly it did not understand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mcp_iac.intents import Intent, interpret
from mcp_iac.patterns import BUILTIN_PATTERNS

THURSDAY = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
CATALOG: dict[str, Any] = {p.name: p.schema() for p in BUILTIN_PATTERNS}


def read(request: str, now: datetime = THURSDAY) -> Intent:
    return interpret(request, patterns=CATALOG, now=now)


def meanings(intent: Intent) -> dict[str, str]:
    return {u.said: u.meaning for u in intent.understood}


def test_a_minecraft_server_for_10_players_is_the_game_server_pattern() -> None:
    intent = read("Deploy a Minecraft server for 10 players")
    assert intent.kind == "pattern"
    assert intent.pattern == "game-server"
    assert intent.parameters == {"players": 10, "game": "minecraft"}
    assert intent.complete
    assert intent.not_understood == []
    assert intent.unsupported == []
    assert meanings(intent)["for 10 players"] == "10 players → players=10"


def test_ram_and_the_gaming_vlan_go_to_the_game_servers_memory_and_its_own_vlan() -> None:
    intent = read("Deploy Minecraft server with 4GB RAM on gaming VLAN")
    assert intent.pattern == "game-server"
    assert intent.parameters == {"ramGb": 4, "game": "minecraft"}
    said = meanings(intent)
    assert said["4GB RAM"] == "4096 MB of memory → ramGb=4"
    assert said["on gaming VLAN"] == "the 'gaming' VLAN → the pattern's vlanTag (20)"
    assert intent.complete
    assert intent.not_understood == []


def test_a_dev_environment_for_a_node_app_says_the_pattern_has_no_node_runtime() -> None:
    intent = read("Set up a dev environment for our Node.js app")
    assert intent.pattern == "dev-environment"
    assert intent.parameters == {}
    assert intent.complete  # every parameter has a default
    assert intent.unsupported == ["a node application ('dev-environment' has no parameter for it)"]
    assert intent.not_understood == []


def test_e_commerce_with_pci_compliance_is_the_pci_pattern_lacking_name_and_domain() -> None:
    intent = read("Deploy our e-commerce platform with PCI compliance")
    assert intent.pattern == "pci-compliant-ecommerce"
    assert meanings(intent)["PCI compliance"] == (
        "PCI DSS compliance: what pci-compliant-ecommerce is built for"
    )
    assert intent.missing == [
        "appName (string): Application name.",
        "domain (string): The shop's domain.",
    ]
    assert not intent.complete
    filled = intent.with_parameters({"appName": "store", "domain": "shop.example.com"})
    assert filled.complete
    assert filled.parameters == {"appName": "store", "domain": "shop.example.com"}


def test_the_seeds_pci_parameters_said_in_words_are_all_fitted() -> None:
    intent = read(
        "Deploy our e-commerce platform called store on shop.example.com with PCI compliance, "
        "stripe, postgres and redis, backups and monitoring"
    )
    assert intent.parameters == {
        "domain": "shop.example.com",
        "appName": "store",
        "databases": ["postgres", "redis"],
        "paymentProcessor": "stripe",
        "backup": {"enabled": True},
        "monitoring": True,
    }
    assert intent.complete
    assert intent.not_understood == []


def test_a_highly_available_web_app_lists_ddos_and_backups_as_not_supported() -> None:
    intent = read("Deploy a highly available web app with database backup and DDoS protection")
    assert intent.pattern == "load-balanced-web-app"
    assert meanings(intent)["highly available"] == (
        "high availability → minInstances=2 (the default)"
    )
    assert intent.unsupported == [
        "DDoS protection ('load-balanced-web-app' has no parameter for it)",
        "backups ('load-balanced-web-app' has no parameter for it)",
    ]
    assert [m.split(" ")[0] for m in intent.missing] == ["appName", "domain"]


def test_restore_production_from_last_tuesday_is_a_restore_at_the_end_of_that_day() -> None:
    intent = read("Restore production from last Tuesday")
    assert intent.kind == "restore"
    assert intent.pattern is None
    assert intent.deployment == "production"
    assert intent.restore_at == "2026-11-17T23:59:59Z"
    assert intent.restore_version is None
    assert intent.complete
    assert meanings(intent)["from last Tuesday"] == (
        "Tuesday 2026-11-17, as it was at the end of that day (23:59:59 UTC)"
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 17, 9, 0, tzinfo=UTC), "2026-11-10T23:59:59Z"),  # on a Tuesday
        (datetime(2026, 11, 18, 0, 30, tzinfo=UTC), "2026-11-17T23:59:59Z"),  # the day after
        (datetime(2026, 11, 23, 12, 0, tzinfo=UTC), "2026-11-17T23:59:59Z"),  # next Monday
    ],
)
def test_last_tuesday_is_the_most_recent_tuesday_before_today(now: datetime, expected: str) -> None:
    assert read("Restore production from last Tuesday", now).restore_at == expected


@pytest.mark.parametrize(
    ("request_", "at", "version"),
    [
        ("restore web to yesterday", "2026-11-18T23:59:59Z", None),
        ("roll back web to 3 hours ago", "2026-11-19T07:00:00Z", None),
        ("revert web as of 2026-11-02", "2026-11-02T23:59:59Z", None),
        ("restore web to 2026-11-02T18:30+02:00", "2026-11-02T16:30:00Z", None),
        ("rollback the web deployment to version 4", None, 4),
    ],
)
def test_restores_read_times_and_versions(
    request_: str, at: str | None, version: int | None
) -> None:
    intent = read(request_)
    assert (intent.kind, intent.deployment) == ("restore", "web")
    assert (intent.restore_at, intent.restore_version) == (at, version)
    assert intent.complete


def test_a_restore_without_a_deployment_or_a_time_says_what_is_missing() -> None:
    intent = read("restore everything")
    assert intent.kind == "restore"
    assert intent.missing == [
        "which deployment to restore (e.g. 'restore production ...')",
        "when to go back to: a time ('last Tuesday', '2026-11-17') or 'version N'",
    ]
    assert intent.not_understood == ["everything"]


def test_nonsense_is_not_understood_and_says_which_words() -> None:
    intent = read("Make me a purple unicorn")
    assert intent.kind == "unknown"
    assert intent.pattern is None
    assert intent.not_understood == ["purple", "unicorn"]
    assert intent.missing[0].startswith("what to make: a deployment pattern (")
    assert "I did not" not in intent.explain()
    assert "did not understand: 'purple', 'unicorn'" in intent.explain()


def test_a_value_a_pattern_does_not_take_is_reported_not_forced() -> None:
    intent = read("Deploy a valheim server for 4 players")
    assert intent.pattern == "game-server"
    assert intent.parameters == {"players": 4}
    assert intent.unsupported == [
        "the game Valheim: parameter 'game' takes it not (it only takes 'minecraft')"
    ]


def test_words_around_the_request_that_mean_nothing_are_listed() -> None:
    intent = read("Deploy a Minecraft server for 10 players with purple lighting")
    assert intent.pattern == "game-server"
    assert intent.not_understood == ["purple", "lighting"]


def test_a_project_pattern_is_chosen_when_the_request_names_it() -> None:
    catalog = {
        **CATALOG,
        "greeting-card": {
            "properties": {"name": {"type": "string"}, "players": {"type": "integer"}},
            "required": ["name"],
        },
    }
    intent = interpret(
        "Make a greeting card called ann for 3 players", patterns=catalog, now=THURSDAY
    )
    assert intent.pattern == "greeting-card"
    assert intent.parameters == {"name": "ann", "players": 3}
    assert intent.alternatives == []  # "players" alone is too little for a game server


def test_the_same_request_and_clock_always_read_the_same() -> None:
    request = "Deploy Minecraft server with 4GB RAM on gaming VLAN 21 at mc.example.org"
    assert read(request) == read(request)
    assert read(request).parameters == {
        "domain": "mc.example.org",
        "ramGb": 4,
        "vlanTag": 21,
        "game": "minecraft",
    }
