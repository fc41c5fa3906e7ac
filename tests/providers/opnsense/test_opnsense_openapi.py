"""Every endpoint the client can call exists in OPNsense's API, per release.

The evidence is the per-release OpenAPI specs of PyPI ``opnsense-openapi`` 0.5.0 (generated
from OPNsense's controllers), read through the emulator tests' helper
(``tests/emulators/opnsense/openapi_specs.py``), for every release of the targeted series the
package has (24.7 to 26.1; it has none of 26.7).

The generator has blind spots (``blind_spot``): controllers extending
``FilterBaseController`` (``filter``, ``source_nat``, ``one_to_one``, ``d_nat``), actions
inherited from ``ApiMutableServiceControllerBase`` (``unbound/service/reconfigure``,
``kea/service/reconfigure``) and plugins (HAProxy). An endpoint of the client that no spec
lists must be in a blind spot, and the list of those is pinned below, so a client change or a
fixed generator shows up here. Those paths come from OPNsense's controllers
(``../shared/reference/opnsense-api.md``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mcp_iac.providers.opnsense import Endpoint, Version, all_endpoints
from mcp_iac.providers.opnsense._user import UserHandler
from tests.emulators.opnsense.openapi_specs import (
    blind_spot,
    model_fields,
    series_releases,
    spec_paths,
    wheel_or_skip,
)

SERIES = ("24.7", "25.1", "25.7", "26.1")
"""Targeted release series the package has specs of."""

BLIND: frozenset[str] = frozenset(
    {
        *(
            f"/api/firewall/{controller}/{command}"
            for controller in ("filter", "source_nat", "one_to_one", "d_nat")
            for command in ("getRule", "setRule", "delRule", "searchRule", "apply")
        ),
        "/api/unbound/service/reconfigure",
        "/api/kea/service/reconfigure",
        *(
            f"/api/haproxy/settings/{command}"
            for noun in ("Server", "Backend", "Frontend")
            for command in (f"get{noun}", f"set{noun}", f"del{noun}")
        ),
        "/api/haproxy/settings/searchServers",
        "/api/haproxy/settings/searchBackends",
        "/api/haproxy/settings/searchFrontends",
        "/api/haproxy/service/reconfigure",
    }
)
"""The client's endpoints the specs cannot show."""


@pytest.fixture(scope="module")
def wheel() -> Path:
    return wheel_or_skip()


@pytest.fixture(scope="module")
def releases(wheel: Path) -> dict[str, frozenset[str]]:
    """Release → the normalized paths of its spec, for every release of the targeted series."""
    found = {r: spec_paths(wheel, r) for s in SERIES for r in series_releases(wheel, s)}
    assert {".".join(r.split(".")[:2]) for r in found} == set(SERIES)
    return found


def _applies(endpoint: Endpoint, release: str) -> bool:
    return endpoint.since is None or Version.parse(release) >= endpoint.since


def test_every_endpoint_of_the_client_is_in_the_spec_of_each_release_or_a_blind_spot(
    releases: dict[str, frozenset[str]],
) -> None:
    missing = [
        f"OPNsense {release} has no {endpoint}"
        for release, paths in sorted(releases.items(), key=lambda kv: Version.parse(kv[0]))
        for endpoint in all_endpoints()
        if _applies(endpoint, release)
        and endpoint.path not in paths
        and blind_spot(endpoint.path) is None
    ]
    assert not missing, "\n".join(missing)


def test_the_blind_spots_the_client_relies_on_are_pinned(
    releases: dict[str, frozenset[str]],
) -> None:
    unseen = {e.path for e in all_endpoints() if not any(e.path in p for p in releases.values())}
    assert unseen == BLIND
    assert all(blind_spot(path) for path in BLIND)
    # What the specs do show of those controllers: FilterBaseController's own apply.
    assert all("/api/firewall/filter_base/apply" in paths for paths in releases.values())


def test_the_trust_store_and_kea_endpoints_are_in_every_targeted_release(
    releases: dict[str, frozenset[str]],
) -> None:
    for prefix in ("/api/trust/cert/", "/api/kea/dhcpv4/", "/api/core/backup/"):
        called = [e for e in all_endpoints() if e.path.startswith(prefix)]
        assert called
        assert all(e.path in paths for e in called for paths in releases.values()), prefix


def test_the_user_endpoints_are_in_every_release_from_25_1_and_in_no_24_7(
    releases: dict[str, frozenset[str]],
) -> None:
    called = {e.path for e in all_endpoints() if e.path.startswith("/api/auth/user/")}
    assert called == {f"/api/auth/user/{c}" for c in ("get", "set", "del", "search")}
    for release, paths in releases.items():
        if release.startswith("24.7"):
            assert not called & paths, release
        else:
            assert called <= paths, release


def test_every_user_field_the_provider_writes_or_reads_is_in_the_model_of_each_release(
    wheel: Path, releases: dict[str, frozenset[str]]
) -> None:
    used = {*UserHandler.field_paths, "uid"}
    for release in releases:
        if not release.startswith("24.7"):
            missing = used - model_fields(wheel, release, "OPNsenseAuthUser", "user")
            assert not missing, (release, missing)
