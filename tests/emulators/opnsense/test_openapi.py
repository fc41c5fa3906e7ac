"""Every endpoint the emulator serves exists in OPNsense's OpenAPI spec of its release.

Evidence: PyPI ``opnsense-openapi`` 0.5.0 (see ``openapi_specs``). For each targeted series the
spec covers, every release of the series is checked; what the generator cannot see (plugins,
FilterBaseController's children, inherited actions) is accepted only with that reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mcp_iac.emulators.opnsense import SUPPORTED_VERSIONS, OpnsenseEmulator

from .conftest import client_for
from .openapi_specs import (
    blind_spot,
    model_fields,
    normal,
    releases,
    series_of,
    series_releases,
    spec_endpoints,
    spec_paths,
    wheel_or_skip,
)

COVERED = ("24.7", "25.1", "25.7", "26.1")


@pytest.fixture(scope="module")
def wheel() -> Path:
    return wheel_or_skip()


def test_the_wheel_has_core_specs_of_24_1_to_26_1_and_none_of_26_7_or_plugins(
    wheel: Path,
) -> None:
    every = releases(wheel)
    assert len(every) == 56
    assert (every[0], every[-1]) == ("24.1", "26.1.6")
    assert sorted({series_of(r) for r in every}) == ["24.1", "24.7", "25.1", "25.7", "26.1"]
    assert [v for v in SUPPORTED_VERSIONS if not series_releases(wheel, v)] == ["26.7"]
    for release in every:
        assert not [p for p in spec_paths(wheel, release) if p.startswith("/api/haproxy/")]


def test_the_specs_declare_methods_and_uuid_parameters_the_way_the_helper_expects(
    wheel: Path,
) -> None:
    endpoints = spec_endpoints(wheel, "26.1")
    assert ("POST", "/api/interfaces/vlan_settings/setItem/{uuid}") in endpoints
    assert ("GET", "/api/core/firmware/info") in endpoints
    assert normal("/api/interfaces/vlan_settings/setItem/{uuid}") in spec_paths(wheel, "26.1")
    params = {p for _, path in endpoints for p in path.split("/") if p.startswith("{")}
    assert params == {"{uuid}"}


@pytest.mark.parametrize("series", COVERED)
def test_every_core_endpoint_of_the_emulator_is_in_every_release_of_its_series(
    wheel: Path, series: str
) -> None:
    served = [path for _, path in OpnsenseEmulator(version=series).endpoints()]
    missing = [
        f"{release}: {path}"
        for release in series_releases(wheel, series)
        for path in served
        if path not in spec_paths(wheel, release) and blind_spot(path) is None
    ]
    assert not missing, "the emulator serves endpoints OPNsense lacks:\n" + "\n".join(missing)


@pytest.mark.parametrize("series", COVERED)
def test_what_is_accepted_for_a_blind_spot_really_is_missing_and_has_the_evidence_there_is(
    wheel: Path, series: str
) -> None:
    served = {path for _, path in OpnsenseEmulator(version=series).endpoints()}
    for release in series_releases(wheel, series):
        paths = spec_paths(wheel, release)
        unseen = {p for p in served if p not in paths}
        assert unseen, "no blind spot left: the generator improved, tighten this test"
        for path in unseen:
            reason = blind_spot(path)
            assert reason is not None
            command = path.rsplit("/", 1)[1]
            if "FilterBaseController" in reason and command in {
                "apply", "savepoint", "cancelRollback", "revert",
            }:  # fmt: skip
                assert f"/api/firewall/filter_base/{command}" in paths, (release, path)


def test_plugin_endpoints_are_exactly_the_haproxy_ones_and_the_spec_has_none(
    wheel: Path,
) -> None:
    with_plugin = {p for _, p in OpnsenseEmulator().endpoints()}
    without = {p for _, p in OpnsenseEmulator(plugins=frozenset()).endpoints()}
    plugin = with_plugin - without
    assert plugin
    assert all(p.startswith("/api/haproxy/") for p in plugin)
    assert all("plugin module" in (blind_spot(p) or "") for p in plugin)


@pytest.mark.parametrize("series", ["25.1", "25.7", "26.1"])
def test_the_user_and_group_fields_the_emulator_shows_are_those_of_the_specs_models(
    wheel: Path, series: str, started: Callable[..., OpnsenseEmulator]
) -> None:
    emulator = started(version=series)
    with client_for(emulator) as client:
        release = client.get("/api/core/firmware/info").json()["product_version"]
        user = client.get("/api/auth/user/get").json()["user"]
        group = client.get("/api/auth/group/get").json()["group"]
    shown = set(user) - {"otp_uri", "certs"}  # what UserController::getAction adds
    user_fields = model_fields(wheel, release, "OPNsenseAuthUser", "user")
    group_fields = model_fields(wheel, release, "OPNsenseAuthGroup", "group")
    # Exactly the model's fields, but for those the emulator leaves out on purpose.
    assert user_fields - shown == {"apikeys", "priv", "language", "dashboard"}
    assert shown <= user_fields
    assert group_fields - set(group) == {"priv", "source_networks"}
    assert set(group) <= group_fields
