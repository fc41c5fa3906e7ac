"""OPNsense's error answers mapped to iac/1 codes (the pure part of ``_errors``; the same
paths against the emulator are in test_opnsense_provider.py)."""

from __future__ import annotations

from mcp_iac.providers.opnsense import _endpoints as ep
from mcp_iac.providers.opnsense import _errors
from mcp_iac.providers.opnsense._version import Version

URL = "https://198.18.0.1"


def test_validations_name_the_users_property_not_the_opnsense_field() -> None:
    error = _errors.refused(
        "opnsense:network:vlan 'iot'",
        "vlan",
        {"result": "failed", "validations": {"vlan.pcp": "Value out of range."}},
        {"pcp": "priority"},
    )
    assert error.code == "VALIDATION"
    assert "property 'priority': Value out of range." in error.reason
    assert error.details == [{"path": "priority", "message": "Value out of range."}]


def test_several_messages_and_unmapped_fields_are_all_reported() -> None:
    error = _errors.refused(
        "opnsense:firewall:nat 'fwd'",
        "rule",
        {
            "result": "failed",
            "validations": {
                "rule.destination.port": ["Please specify a valid portnumber.", "Twice."],
                "rule.poolopts": "Invalid option.",
            },
        },
        {"destination.port": "destinationPort"},
    )
    assert error.details == [
        {"path": "destinationPort", "message": "Please specify a valid portnumber. Twice."},
        {"path": "", "message": "OPNsense field 'poolopts': Invalid option."},
    ]


def test_a_uniqueness_message_is_a_conflict() -> None:
    error = _errors.refused(
        "opnsense:network:vlan 'iot'",
        "vlan",
        {"result": "failed", "validations": {"vlan.tag": "Tag for this device must be unique."}},
        {"tag": "tag"},
    )
    assert error.code == "CONFLICT"
    assert not error.retryable


def test_a_failure_without_validations_still_says_what_was_refused() -> None:
    error = _errors.refused("opnsense:firewall:alias 'a'", "alias", {"result": "failed"}, {})
    assert error.code == "VALIDATION"
    assert "opnsense:firewall:alias 'a'" in error.reason


def test_http_statuses_map_to_codes_that_say_what_to_do() -> None:
    get = ep.VLAN.get
    unauthorized = _errors.http_error(
        401,
        {"status": 401, "message": "Authentication Failed"},
        url=URL,
        endpoint=get,
        version=None,
    )
    assert unauthorized.code == "UNAUTHORIZED"
    assert URL in unauthorized.reason
    assert "OPNSENSE_API_KEY" in unauthorized.reason
    forbidden = _errors.http_error(403, {}, url=URL, endpoint=get, version=None)
    assert forbidden.code == "UNAUTHORIZED"
    assert forbidden.reason.startswith("forbidden: the API key lacks privilege")
    assert "api/interfaces/vlan_settings/getItem" in forbidden.reason
    limited = _errors.http_error(429, None, url=URL, endpoint=get, version=None)
    assert (limited.code, limited.retryable) == ("RATE_LIMITED", True)


def test_a_missing_endpoint_is_a_validation_error_naming_the_cause() -> None:
    body = {"errorMessage": "Endpoint not found"}
    plugin = _errors.http_error(
        404, body, url=URL, endpoint=ep.HAPROXY_SERVER.get, version=Version(26, 1)
    )
    assert plugin.code == "VALIDATION"
    assert "os-haproxy plugin is not installed" in plugin.reason
    assert _errors.missing_plugin(plugin)
    old = _errors.http_error(
        404, body, url=URL, endpoint=ep.PORT_FORWARD.set, version=Version(24, 7, 12)
    )
    assert "needs OPNsense 26.1 or later, OPNsense 24.7.12 lacks it" in old.reason
    assert not _errors.missing_plugin(old)


def test_server_errors_are_retryable_but_refusals_are_conflicts() -> None:
    crash = _errors.http_error(
        500,
        {"errorMessage": "Unexpected error, check log for details"},
        url=URL,
        endpoint=ep.ALIAS.delete,
        version=None,
    )
    assert (crash.code, crash.retryable) == ("UNAVAILABLE", True)
    refusal = _errors.http_error(
        500,
        {
            "errorMessage": "This VLAN cannot be deleted because it is assigned as an interface.",
            "errorTitle": "",
        },
        url=URL,
        endpoint=ep.VLAN.delete,
        version=None,
    )
    assert (refusal.code, refusal.retryable) == ("CONFLICT", False)
    assert "assigned as an interface" in refusal.reason
