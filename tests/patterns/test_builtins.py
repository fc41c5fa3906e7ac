from __future__ import annotations

from typing import Any

import pytest

from mcp_iac.core import ConfigError
from mcp_iac.engine import bind, make_plan
from mcp_iac.patterns import BUILTIN_PATTERNS, PatternLibrary, parse_param_pairs
from mcp_iac.policy import PACKS, PolicySet

REQUIRED: dict[str, dict[str, Any]] = {
    "load-balanced-web-app": {"appName": "test-app", "domain": "test.example.com"},
    "pci-compliant-ecommerce": {"appName": "store", "domain": "shop.example.com"},
    "secure-database-cluster": {"name": "orders"},
}
LIBRARY = PatternLibrary(BUILTIN_PATTERNS)


def test_the_six_built_in_patterns_are_there() -> None:
    assert [p.name for p in LIBRARY] == [
        "load-balanced-web-app",
        "secure-database-cluster",
        "iot-edge",
        "dev-environment",
        "game-server",
        "pci-compliant-ecommerce",
    ]


@pytest.mark.parametrize("pattern", BUILTIN_PATTERNS, ids=lambda p: p.name)
def test_every_built_in_pattern_renders_and_passes_every_built_in_pack(pattern: Any) -> None:
    spec = pattern.render(REQUIRED.get(pattern.name, {}))
    plan = make_plan(bind(spec, None), {}, deployment=spec.name)
    report = PolicySet.build(packs=dict.fromkeys(PACKS)).evaluate(plan)
    assert not report.violations, [r.message for r in report.violations]
    assert pattern.description
    assert pattern.schema()["type"] == "object"


def test_the_web_app_orders_the_rule_after_the_vlan_and_the_frontend_after_the_certificate() -> (
    None
):
    spec = LIBRARY.get("load-balanced-web-app").render(REQUIRED["load-balanced-web-app"])
    bound = bind(spec, None)
    deps = {a: set(r.dependencies) for a, r in bound.resources.items()}

    def ancestors(address: str) -> set[str]:
        seen: set[str] = set()
        todo = [address]
        while todo:
            for d in deps[todo.pop()]:
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
        return seen

    assert "opnsense:network:vlan:test-app-vlan" in ancestors(
        "opnsense:firewall:rule:test-app-allow-https"
    )
    assert "aws:acm:certificate:test-app-cert" in ancestors(
        "opnsense:service:haproxy:frontend:test-app-frontend"
    )


def test_the_game_server_sizes_memory_from_players_and_opens_its_port() -> None:
    spec = LIBRARY.get("game-server").render(parse_param_pairs(["players=40"]))
    container = spec.resource("docker:container:minecraft")
    assert container is not None
    assert container.properties["memory"] == "4608m"
    assert container.properties["env"]["MAX_PLAYERS"] == "40"
    rule = spec.resource("opnsense:firewall:rule:minecraft-allow-players")
    assert rule is not None
    assert rule.properties["destinationPort"] == 25565
    assert rule.properties["destination"] == "${docker:container:minecraft.ipAddress}"
    assert spec.resource("opnsense:service:dhcp:range:minecraft-dhcp") is not None
    assert spec.resource("opnsense:service:dns:override:minecraft-dns") is not None


def test_the_pci_pattern_takes_the_seeds_parameters() -> None:
    raw = parse_param_pairs(
        [
            "appName=store",
            "domain=shop.example.com",
            "paymentProcessor=stripe",
            'databases=["postgres","redis"]',
            "monitoring=true",
            "backup.enabled=true",
            "backup.schedule=0 2 * * *",
            "backup.retention=30",
        ]
    )
    spec = LIBRARY.get("pci-compliant-ecommerce").render(raw)
    db = spec.resource("aws:rds:instance:store-db")
    assert db is not None
    assert db.properties["backupRetentionPeriod"] == 30
    assert db.properties["publiclyAccessible"] is False
    assert spec.resource("aws:s3:bucket:store-logs") is not None


@pytest.mark.parametrize(
    ("name", "raw", "message", "hint"),
    [
        (
            "game-server",
            {"players": "0"},
            "pattern 'game-server', parameter 'players': "
            'Input should be greater than or equal to 1 (got "0")',
            "see mcp-iac pattern show game-server",
        ),
        (
            "game-server",
            {"player": "3"},
            "pattern 'game-server': unknown parameter 'player'",
            "did you mean 'players'?",
        ),
        (
            "load-balanced-web-app",
            {"domain": "a.example.com"},
            "pattern 'load-balanced-web-app': parameter 'appName' is required",
            "pass --param appName=VALUE",
        ),
        (
            "load-balanced-web-app",
            {"appName": "a", "domain": "a.example.com", "minInstances": "5", "maxInstances": "2"},
            "minInstances (5) is greater than maxInstances (2)",
            None,
        ),
    ],
)
def test_parameter_errors_name_the_pattern_and_parameter(
    name: str, raw: dict[str, Any], message: str, hint: str | None
) -> None:
    with pytest.raises(ConfigError) as info:
        LIBRARY.get(name).render(raw)
    assert message in info.value.message
    if hint:
        assert info.value.hint == hint


def test_an_unknown_pattern_suggests_a_name() -> None:
    with pytest.raises(ConfigError) as info:
        LIBRARY.get("game-sever")
    assert info.value.hint == "did you mean 'game-server'?"


def test_param_pairs_nest_parse_json_and_refuse_nonsense() -> None:
    assert parse_param_pairs(["a.b=1", "a.c=[1, 2]", "d=x=y"]) == {
        "a": {"b": "1", "c": [1, 2]},
        "d": "x=y",
    }
    with pytest.raises(ConfigError, match="is not name=value"):
        parse_param_pairs(["players"])
    with pytest.raises(ConfigError, match="given twice"):
        parse_param_pairs(["a=1", "a=2"])
