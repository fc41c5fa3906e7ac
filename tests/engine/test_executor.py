"""Applying a plan: real outputs flow into references, the journal brackets every call, secrets
stay wrapped, and deployment outputs are resolved at the end."""

from __future__ import annotations

from dataclasses import replace

from mcp_iac.core import Secret
from mcp_iac.engine import Executor

from .fakes import BOX_SCHEMA, FAST, FakeProvider, Harness, doc, res

CHAIN = doc(
    res("web", size=1),
    res("app", upstream="${web.ip}", url="http://${web.ip}:8080/", web_id="${fake:box:web.id}"),
    outputs={"url": "http://${app.ip}/", "web": "${web.id}"},
)


def test_references_are_resolved_with_real_outputs_right_before_each_step() -> None:
    h = Harness()
    plan = h.plan(CHAIN)
    app_step = plan.step("fake:box:app")
    assert app_step is not None
    assert app_step.unknown_paths == ("upstream", "url", "web_id")
    result = h.apply(plan)
    assert result.status == "succeeded"
    web = h.records()["fake:box:web"]
    sent = h.recorder.first("create", "fake:box:app").properties
    assert sent == {
        "upstream": web.outputs["ip"],
        "url": f"http://{web.outputs['ip']}:8080/",
        "web_id": web.id,
    }
    assert h.recorded()["fake:box:app"] == sent
    h.consistent()


def test_records_keep_dependencies_idempotency_keys_and_the_provider_id() -> None:
    h = Harness()
    h.up(CHAIN)
    app = h.records()["fake:box:app"]
    obj = h.provider.objects[app.id]
    assert app.dependencies == ("fake:box:web",)
    assert app.idempotency_key == obj.idempotency_key
    assert app.idempotency_key.startswith("test/fake:box:app@")
    assert app.urn == "test/fake:box:app"
    assert app.outputs == obj.outputs


def test_deployment_outputs_are_resolved_against_what_was_applied() -> None:
    h = Harness()
    result = h.up(CHAIN)
    app, web = h.records()["fake:box:app"], h.records()["fake:box:web"]
    assert result.outputs == {"url": f"http://{app.outputs['ip']}/", "web": web.id}
    assert result.output_errors == {}


def test_outputs_that_name_a_resource_that_failed_are_reported_as_errors() -> None:
    h = Harness()
    h.provider.fail(op="create", address="fake:box:app", code="CONFLICT")
    result = h.up(CHAIN, options=replace(FAST, on_failure="continue"))
    assert result.status == "failed"
    assert result.outputs == {"web": h.records()["fake:box:web"].id}
    assert "does not exist (yet)" in result.output_errors["url"]


def test_every_provider_call_is_bracketed_by_a_journal_operation() -> None:
    h = Harness()
    h.up(doc(res("a", size=1), res("b")))
    h.provider.fail(op="create", address="fake:box:c", code="CONFLICT")
    plan = h.plan(doc(res("a", size=2), res("c")))
    result = h.apply(plan, options=replace(FAST, on_failure="continue"))
    assert result.status == "failed"
    ops = h.state.operations(h.last_run)
    assert sorted((o.intent.kind, o.intent.address, o.status) for o in ops) == [
        ("create", "fake:box:c", "failed"),
        ("delete", "fake:box:b", "done"),
        ("update", "fake:box:a", "done"),
    ]
    update = next(o for o in ops if o.intent.kind == "update")
    assert update.intent.prior is not None
    assert update.intent.prior.properties == {"size": 1}
    assert update.intent.inputs == {"size": 2}
    assert h.state.pending_operations("test") == []


def test_no_op_steps_make_no_calls_and_are_reported_unchanged() -> None:
    h = Harness()
    h.up(CHAIN)
    first = len(h.recorder.calls)
    plan = h.plan(CHAIN)
    assert not plan.has_changes
    result = h.apply(plan)
    assert result.status == "succeeded"
    assert {o.status for o in result.outcomes.values()} == {"unchanged"}
    assert h.recorder.calls[first:] == []


def test_an_update_whose_unknown_inputs_turn_out_unchanged_makes_no_call() -> None:
    h = Harness()
    h.up(CHAIN)
    changed = doc(
        res("web", size=2),
        res("app", upstream="${web.ip}", url="http://${web.ip}:8080/", web_id="${fake:box:web.id}"),
    )
    plan = h.plan(changed)
    app_step = plan.step("fake:box:app")
    assert app_step is not None
    assert app_step.action == "update"  # web's ip might change: planned as an update
    first = len(h.recorder.calls)
    result = h.apply(plan)
    assert [(c.op, c.address) for c in h.recorder.calls[first:]] == [("update", "fake:box:web")]
    assert result.outcomes["fake:box:app"].status == "unchanged"


def test_turning_protect_off_is_recorded_without_a_provider_call_and_then_allows_delete() -> None:
    h = Harness()
    h.up(doc(res("a", size=1, options={"protect": True})))
    assert h.records()["fake:box:a"].protect
    first = len(h.recorder.calls)
    result = h.up(doc(res("a", size=1, options={"protect": False})))
    assert result.status == "succeeded"
    assert h.recorder.calls[first:] == []
    assert not h.records()["fake:box:a"].protect
    assert h.up(doc()).status == "succeeded"
    assert h.provider.objects == {}


def test_secrets_reach_the_provider_in_clear_but_stay_wrapped_in_state() -> None:
    h = Harness(environ={"MCP_IAC_SECRET_PW": "hunter2"})
    h.up(doc(res("db", password="${secret:PW}", dsn="pg://u:${secret:PW}@h", user="u")))
    sent = h.recorder.first("create", "fake:box:db").properties
    assert sent == {"password": "hunter2", "dsn": "pg://u:hunter2@h", "user": "u"}
    record = h.records()["fake:box:db"]
    assert record.properties == {
        "password": Secret("hunter2"),
        "dsn": Secret("pg://u:hunter2@h"),
        "user": "u",
    }
    h.consistent()


def test_outputs_that_echo_a_secret_input_are_wrapped_too() -> None:
    h = Harness(FakeProvider(echo=("dsn", "user")), environ={"PW": "hunter2"})
    h.up(doc(res("db", dsn="pg://u:${secret:PW}@h", user="u")))
    outputs = h.records()["fake:box:db"].outputs
    assert outputs["dsn"] == Secret("pg://u:hunter2@h")
    assert outputs["user"] == "u"
    assert not isinstance(outputs["ip"], Secret)


def test_outputs_at_the_schema_secret_paths_are_wrapped() -> None:
    secret_ip = BOX_SCHEMA.model_copy(update={"secret_paths": ("ip",)})
    h = Harness(FakeProvider(types=[secret_ip]))
    h.up(doc(res("db")))
    outputs = h.records()["fake:box:db"].outputs
    assert isinstance(outputs["ip"], Secret)
    assert not isinstance(outputs["id"], Secret)


def test_the_executor_reads_current_state_when_it_starts() -> None:
    h = Harness()
    h.up(doc(res("a")))
    run_id = h.state.begin_run("test", kind="apply", intent="x")
    executor = Executor(h.plan(doc(res("a"))), state=h.state, providers=h.source, run_id=run_id)
    assert set(executor.records) == {"fake:box:a"}
