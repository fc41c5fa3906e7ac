"""The exception hierarchy: messages name their subject, exit codes, provider error codes."""

from __future__ import annotations

from mcp_iac.core import (
    ConfigError,
    CycleError,
    IacError,
    Location,
    PlanError,
    ProtectedResource,
    ProviderError,
    StalePlan,
    StateError,
    StateLocked,
    UnresolvedReference,
)


def test_every_error_is_an_iac_error_with_the_documented_exit_code() -> None:
    assert issubclass(UnresolvedReference, ConfigError)
    assert issubclass(CycleError, ConfigError)
    assert issubclass(ProtectedResource, PlanError)
    assert issubclass(StalePlan, PlanError)
    assert issubclass(StateLocked, StateError)
    assert ConfigError("x").exit_code == 2
    assert StateLocked("x").exit_code == 4
    assert isinstance(ProviderError("INTERNAL", "x"), IacError)


def test_a_config_error_message_starts_with_where_the_problem_is() -> None:
    err = ConfigError("bad", location=Location("d.yaml", "local:file:a", "path"), hint="fix it")
    assert err.message == "d.yaml, resource 'local:file:a', property 'path': bad"
    assert err.reason == "bad"
    assert str(err) == "d.yaml, resource 'local:file:a', property 'path': bad\n  hint: fix it"


def test_an_unresolved_reference_offers_its_candidates() -> None:
    err = UnresolvedReference("${web.ip}", "names nothing", candidates=("a", "b"))
    assert err.hint == "did you mean 'a' or 'b'?"
    assert err.reference == "${web.ip}"


def test_a_cycle_error_prints_the_cycle() -> None:
    err = CycleError(["a", "b", "a"])
    assert err.reason == "dependency cycle: a -> b -> a"
    assert err.cycle == ["a", "b", "a"]


def test_provider_errors_know_which_codes_are_retryable_and_map_unknown_codes_to_internal() -> None:
    assert ProviderError("UNAVAILABLE", "x").retryable
    assert not ProviderError("VALIDATION", "x").retryable
    assert ProviderError("VALIDATION", "x", retryable=True).retryable
    odd = ProviderError("WEIRD", "boom", server="aws")
    assert odd.code == "INTERNAL"
    assert odd.message == "server 'aws': WEIRD: boom"
