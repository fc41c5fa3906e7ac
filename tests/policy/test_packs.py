from __future__ import annotations

import pytest

from mcp_iac.core import ConfigError
from mcp_iac.policy import DEFAULT_PACKS, PACKS, PolicySet

from .conftest import plan_of, rule


def evaluate(*resources: dict[str, object], packs: dict[str, object] | None = None):
    return PolicySet.build(packs=packs).evaluate(plan_of(*resources))


def test_the_seeds_any_to_any_rule_gives_exactly_one_violation_about_any_to_any_traffic() -> None:
    report = evaluate(rule("bad-rule", source="any", destination="any", action="pass"))
    assert len(report.violations) == 1
    (only,) = report.violations
    assert "any-to-any traffic" in only.message
    assert only.address == "opnsense:firewall:rule:bad-rule"
    assert only.policy == "no-any-to-any"
    assert only.blocking
    assert report.blocking


def test_a_block_rule_from_anywhere_to_anywhere_is_fine() -> None:
    assert not evaluate(rule("r", source="any", destination="any", action="block")).results


def test_a_rule_whose_destination_is_known_only_after_apply_is_undetermined_not_a_violation() -> (
    None
):
    report = evaluate(
        {"type": "local:data", "name": "ip", "properties": {"input": "x"}},
        rule("r", source="any", destination="${local:data:ip.output}"),
    )
    assert not report.violations
    assert not report.blocking
    (result,) = report.undetermined
    assert result.policy == "no-any-to-any"
    assert result.address == "opnsense:firewall:rule:r"


def test_ssh_from_anywhere_is_critical_and_names_port_22() -> None:
    report = evaluate(
        rule("ssh", source="any", destination="198.18.0.5", destinationPort="22", protocol="tcp")
    )
    (v,) = report.violations
    assert v.policy == "no-ssh-from-internet"
    assert v.severity == "critical"
    assert (
        v.message
        == "SSH exposed to internet: opnsense:firewall:rule:ssh lets any source reach port 22"
    )


@pytest.mark.parametrize("port", [22, "22", "20:25", "ssh", "20-30,443"])
def test_every_spelling_of_a_port_range_that_covers_ssh_counts(port: object) -> None:
    report = evaluate(rule("r", source="any", destination="198.18.0.5", destinationPort=port))
    assert [v.policy for v in report.violations] == ["no-ssh-from-internet"]


def test_ssh_from_a_management_network_is_fine() -> None:
    report = evaluate(rule("r", source="198.18.9.0/24", destination="any", destinationPort=22))
    assert not report.results


def test_a_port_forward_of_ssh_from_anywhere_is_refused() -> None:
    report = evaluate(
        {
            "type": "opnsense:firewall:nat",
            "name": "fwd",
            "properties": {"kind": "portForward", "destinationPort": 22, "target": "198.18.0.9"},
        }
    )
    assert [v.policy for v in report.violations] == ["no-ssh-from-internet"]


def sg(name: str, *ingress: dict[str, object], **extra: object) -> dict[str, object]:
    return {
        "type": "aws:ec2:securityGroup",
        "name": name,
        "properties": {"ingress": list(ingress), **extra},
    }


def test_an_aws_rule_opening_ssh_to_the_internet_is_refused_with_its_path() -> None:
    report = evaluate(
        sg(
            "web",
            {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]},
            {"protocol": "tcp", "fromPort": 20, "toPort": 30, "ipv6CidrBlocks": ["::/0"]},
        )
    )
    (v,) = report.violations
    assert (v.policy, v.path) == ("aws-no-public-ssh", "ingress[1]")
    assert (
        v.message
        == "Security group aws:ec2:securityGroup:web allows SSH (port 22) from the internet"
    )


def test_an_aws_all_traffic_rule_from_the_internet_is_any_to_any_and_public_ssh() -> None:
    report = evaluate(sg("open", {"protocol": "-1", "cidrBlocks": ["0.0.0.0/0"]}))
    assert sorted(v.policy for v in report.violations) == ["aws-no-public-ssh", "no-any-to-any"]


def test_an_https_frontend_without_certificate_is_plain_http() -> None:
    frontend = {
        "type": "opnsense:service:haproxy:frontend",
        "name": "web",
        "properties": {"name": "web", "bind": "0.0.0.0:80", "mode": "http"},
    }
    (v,) = evaluate(frontend).violations
    assert v.policy == "https-only-frontends"
    frontend["properties"] = {"name": "web", "bind": "0.0.0.0:443", "mode": "tcp"}
    assert not evaluate(frontend).results


def test_an_http_load_balancer_listener_is_reported_by_port() -> None:
    lb = {
        "type": "aws:elb:loadBalancer",
        "name": "alb",
        "properties": {"listeners": [{"port": 80, "protocol": "HTTP", "targetGroupArn": "x"}]},
    }
    (v,) = evaluate(lb).violations
    assert v.message == "Load balancer aws:elb:loadBalancer:alb listens with plain HTTP on port 80"


def vlan(tag: object) -> dict[str, object]:
    return {
        "type": "opnsense:network:vlan",
        "name": "v",
        "properties": {"interface": "igc1", "tag": tag},
    }


def test_vlan_tag_1_is_outside_the_default_range() -> None:
    (v,) = evaluate(vlan(1)).violations
    assert v.message == "VLAN opnsense:network:vlan:v uses tag 1, outside the allowed range 2-4094"


def test_the_vlan_range_and_reserved_tags_are_settings() -> None:
    packs = {"vlan-tag-range": {"min": 100, "max": 199, "reserved": [150]}}
    assert not evaluate(vlan(120), packs=packs).results
    assert evaluate(vlan(99), packs=packs).blocking
    (v,) = evaluate(vlan(150), packs=packs).violations
    assert "reserved tag 150" in v.message


def test_required_tags_reports_each_missing_tag_like_the_seed() -> None:
    report = evaluate(
        {
            "type": "aws:s3:bucket",
            "name": "b",
            "properties": {"tags": {"Owner": "ops", "Environment": ""}},
        },
        packs={"required-tags": None},
    )
    assert sorted(v.message for v in report.violations) == [
        "Missing required tag: CostCenter",
        "Missing required tag: Environment",
    ]


def test_required_tags_reads_docker_labels_and_a_configured_list() -> None:
    container = {
        "type": "docker:container",
        "name": "c",
        "properties": {"image": "x", "labels": {"team": "a"}},
    }
    report = evaluate(container, packs={"required-tags": {"tags": ["team", "app"]}})
    assert [v.message for v in report.violations] == ["Missing required tag: app"]


def test_instance_types_off_the_allowlist_are_refused() -> None:
    report = evaluate(
        {"type": "aws:ec2:instance", "name": "big", "properties": {"instanceType": "m5.24xlarge"}},
        {"type": "aws:ec2:instance", "name": "ok", "properties": {"instanceType": "t4g.small"}},
        packs={"instance-type-allowlist": None},
    )
    (v,) = report.violations
    assert v.address == "aws:ec2:instance:big"
    assert "m5.24xlarge" in v.message


def test_the_pci_pack_refuses_a_public_database_without_backups() -> None:
    db = {
        "type": "aws:rds:instance",
        "name": "db",
        "properties": {"engine": "postgres", "publiclyAccessible": True},
    }
    report = evaluate(db, packs={"pci": None})
    assert sorted(v.policy for v in report.violations) == [
        "pci-database-backups",
        "pci-no-public-database",
    ]


def test_the_default_packs_are_the_safety_ones() -> None:
    assert DEFAULT_PACKS == (
        "security-group-restrictions",
        "aws-no-public-ssh",
        "https-only-frontends",
        "vlan-tag-range",
    )
    assert set(PACKS) >= {"required-tags", "instance-type-allowlist", "pci"}


def test_an_unknown_pack_suggests_the_nearest() -> None:
    with pytest.raises(ConfigError) as info:
        PolicySet.build(packs={"required-tag": None}, source="mcp-iac.yaml")
    assert str(info.value) == (
        "mcp-iac.yaml, property 'policies.packs': no built-in policy pack 'required-tag'\n"
        "  hint: did you mean 'required-tags'?"
    )


def test_bad_pack_settings_name_the_setting() -> None:
    with pytest.raises(ConfigError) as info:
        PolicySet.build(packs={"vlan-tag-range": {"minimum": 3}}, source="mcp-iac.yaml")
    assert "property 'policies.packs.vlan-tag-range.minimum'" in str(info.value)
    assert "takes: min, max, reserved" in str(info.value)
