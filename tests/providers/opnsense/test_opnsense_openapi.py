"""Every endpoint the client can call exists in OPNsense's API, per release.

The evidence is the per-version OpenAPI specs of PyPI ``opnsense-openapi`` 0.5.0 (generated
from OPNsense's controllers). Its wheel needs Python 3.12 to install, so it is fetched with
``pip download --python-version 3.12`` and the JSON read from the zip.

The generator has two blind spots, listed in ``SPEC_GAPS`` with the evidence the spec does
hold; the test keeps that list exact (an endpoint in it must really be missing from the spec,
so a fixed generator shows up here):

- it writes ``FilterBaseController``'s actions once, as ``firewall/filter_base/*``, and leaves
  out the controllers extending it (``filter``, ``source_nat``, ``one_to_one``, ``d_nat``);
- it leaves out actions a controller inherits unchanged from ``ApiMutableServiceControllerBase``
  (``reconfigure`` of ``unbound/service`` and ``kea/service``).

Plugin endpoints (HAProxy) are not in the core specs at all.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mcp_iac.providers.opnsense import Endpoint, Version, all_endpoints

PACKAGE = "opnsense-openapi==0.5.0"
SERIES = ("24.7", "25.1", "25.7", "26.1")
"""Targeted release series the package has specs of (it has none of 26.7 yet)."""

_FILTER_BASE = "FilterBaseController's actions are listed once, as /api/firewall/filter_base/*"
_SERVICE_BASE = "inherited unchanged from ApiMutableServiceControllerBase"

SPEC_GAPS: dict[str, tuple[str, str | None]] = {
    **{
        f"/api/firewall/{controller}/{command}": (
            _FILTER_BASE,
            "/api/firewall/filter_base/apply" if command == "apply" else None,
        )
        for controller in ("filter", "source_nat", "one_to_one", "d_nat")
        for command in ("getRule", "setRule", "delRule", "searchRule", "apply")
    },
    "/api/unbound/service/reconfigure": (_SERVICE_BASE, "/api/unbound/service/reconfigureGeneral"),
    # Kea's ServiceController defines no action of its own: the spec has no kea/service at all.
    "/api/kea/service/reconfigure": (_SERVICE_BASE, None),
}
"""Endpoint path → (why the spec lacks it, a path of the spec that shows the controller or
the base action exists; None when the spec holds nothing about it)."""


def _normal(path: str) -> str:
    """A path without its parameter segments (the specs declare some, not all)."""
    return "/".join(part for part in path.split("/") if not part.startswith("{"))


@pytest.fixture(scope="module")
def specs(request: pytest.FixtureRequest) -> dict[str, set[str]]:
    """Release → the normalized paths of its spec (first and last release of each series)."""
    cache = request.config.cache
    assert cache is not None
    folder = Path(cache.mkdir("opnsense-openapi"))
    wheels = sorted(folder.glob("opnsense_openapi-0.5.0-*.whl"))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", PACKAGE, "--python-version", "3.12",
             "--only-binary=:all:", "--no-deps", "--quiet", "-d", str(folder)],
            check=True,
            timeout=300,
        )  # fmt: skip
        wheels = sorted(folder.glob("opnsense_openapi-0.5.0-*.whl"))
    found: dict[str, set[str]] = {}
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = {
            m.group(1): name
            for name in wheel.namelist()
            if (m := re.search(r"specs/opnsense-([\d.]+)\.json$", name))
        }
        for series in SERIES:
            releases = sorted(
                (v for v in names if Version.parse(v).series == series), key=Version.parse
            )
            for release in {releases[0], releases[-1]}:
                spec = json.loads(wheel.read(names[release]))
                found[release] = {_normal(p) for p in spec["paths"]}
    return found


def _applies(endpoint: Endpoint, release: str) -> bool:
    return endpoint.since is None or Version.parse(release) >= endpoint.since


def _core() -> Iterator[Endpoint]:
    return (e for e in all_endpoints() if e.plugin is None)


def test_every_core_endpoint_of_the_client_is_in_the_spec_of_each_release(
    specs: dict[str, set[str]],
) -> None:
    missing = [
        f"{release}: {endpoint}"
        for release, paths in sorted(specs.items())
        for endpoint in _core()
        if endpoint.path not in SPEC_GAPS
        and _applies(endpoint, release)
        and endpoint.path not in paths
    ]
    assert not missing, "endpoints the client calls that OPNsense lacks:\n" + "\n".join(missing)
    assert len(specs) == 2 * len(SERIES)


def test_the_spec_gaps_are_exactly_the_generators_blind_spots(
    specs: dict[str, set[str]],
) -> None:
    called = {e.path for e in _core()}
    assert set(SPEC_GAPS) <= called, "a gap the client no longer calls: drop it from SPEC_GAPS"
    for release, paths in specs.items():
        for path, (_why, evidence) in SPEC_GAPS.items():
            assert path not in paths, f"{release} now lists {path}: drop it from SPEC_GAPS"
            if evidence is not None:
                assert evidence in paths, f"{release}: the evidence {evidence} for {path} is gone"


def test_the_trust_store_endpoints_are_in_every_targeted_release(
    specs: dict[str, set[str]],
) -> None:
    # The trust store API came with 24.7, the oldest targeted release.
    trust = [e for e in _core() if e.path.startswith("/api/trust/cert/")]
    assert trust
    assert all(e.path in specs[r] for e in trust for r in specs)


def test_plugin_endpoints_are_not_claimed_by_the_core_spec(specs: dict[str, set[str]]) -> None:
    plugin = [e for e in all_endpoints() if e.plugin is not None]
    assert {e.plugin for e in plugin} == {"os-haproxy"}
    assert not [e for e in plugin for paths in specs.values() if e.path in paths]
