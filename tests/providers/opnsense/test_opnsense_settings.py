"""Settings from the environment: what is required, what each variable means, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcp_iac.core import ConfigError
from mcp_iac.providers.opnsense import Settings

BASE = {
    "OPNSENSE_URL": "https://fw.example.net",
    "OPNSENSE_API_KEY": "key",
    "OPNSENSE_API_SECRET": "s3cr3t-value",
}


def test_settings_read_the_three_required_variables_and_default_the_rest() -> None:
    settings = Settings.from_env(BASE)
    assert settings.url == "https://fw.example.net"
    assert settings.api_key.get_secret_value() == "key"
    assert settings.verify_tls is True
    assert settings.ca_bundle is None
    assert settings.timeout == 30.0
    assert "s3cr3t-value" not in repr(settings)


def test_missing_variables_are_named_with_a_hint() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"OPNSENSE_URL": "https://fw"})
    assert "OPNSENSE_API_KEY, OPNSENSE_API_SECRET" in str(caught.value)
    assert "System > Access > Users" in str(caught.value)


def test_a_trailing_api_path_is_dropped_from_the_url() -> None:
    settings = Settings.from_env({**BASE, "OPNSENSE_URL": "https://198.18.0.1:8443/api/"})
    assert settings.url == "https://198.18.0.1:8443"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("OPNSENSE_URL", "fw.example.net", "OPNSENSE_URL"),
        ("OPNSENSE_VERIFY_TLS", "maybe", "OPNSENSE_VERIFY_TLS"),
        ("OPNSENSE_TIMEOUT", "-1", "OPNSENSE_TIMEOUT"),
        ("OPNSENSE_TIMEOUT", "soon", "OPNSENSE_TIMEOUT"),
    ],
)
def test_an_invalid_value_names_its_variable(variable: str, value: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env({**BASE, variable: value})


def test_tls_options_are_read(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    settings = Settings.from_env(
        {**BASE, "OPNSENSE_CA_BUNDLE": str(bundle), "OPNSENSE_VERIFY_TLS": "false"}
    )
    assert settings.ca_bundle == bundle
    assert settings.verify_tls is False


def test_a_ca_bundle_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="OPNSENSE_CA_BUNDLE"):
        Settings.from_env({**BASE, "OPNSENSE_CA_BUNDLE": str(tmp_path / "nope.pem")})
