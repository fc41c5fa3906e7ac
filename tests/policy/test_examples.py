from __future__ import annotations

from pathlib import Path

from mcp_iac.patterns import load_pattern_paths
from mcp_iac.policy import PolicySet, run_policy_tests

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_example_policy_tests_pass() -> None:
    results = list(run_policy_tests(EXAMPLES / "policies" / "tests", default=PolicySet.build))
    assert len(results) == 5
    assert all(r.passed for r in results), [
        (r.name, r.error, r.unexpected) for r in results if not r.passed
    ]


def test_the_example_patterns_load_and_render() -> None:
    patterns = {p.name: p for p in load_pattern_paths([EXAMPLES / "patterns"])}
    assert set(patterns) == {"notes", "greeting"}
    assert len(patterns["notes"].render({"topic": "dns", "index": "true"}).resources) == 3
    assert (
        patterns["greeting"].render({"times": "2"}).resources[0].properties["content"]
        == "hello\nhello\n"
    )
