"""Backend transactions around a run: opened before a server's first change, committed at the
end, and rolled back as the backstop when inverse operations cannot undo a change."""

from __future__ import annotations

import copy
from typing import Any

from mcp_iac.core import ProviderError
from mcp_iac.engine import ExecEvent
from mcp_iac.protocol import ProviderSchema

from .fakes import FakeObject, FakeProvider, Harness, doc, res


class SavepointProvider(FakeProvider):
    """A fake backend with savepoints: ``rollback`` restores every object as it was at
    ``begin`` (ids included), like OPNsense's configuration history."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.savepoints: dict[str, dict[str, FakeObject]] = {}
        self.log: list[tuple[str, str]] = []
        self.refuse_begin = False

    async def describe(self) -> ProviderSchema:
        schema = await super().describe()
        return schema.model_copy(update={"transactions": True})

    async def begin(self) -> str:
        if self.refuse_begin:
            raise ProviderError("CONFLICT", "the firewall keeps no history", server=self.server)
        tx = f"tx-{len(self.savepoints) + 1}"
        self.savepoints[tx] = copy.deepcopy(self.objects)
        self.log.append(("begin", tx))
        return tx

    async def commit(self, transaction_id: str) -> None:
        self.log.append(("commit", transaction_id))

    async def rollback(self, transaction_id: str) -> None:
        self.log.append(("rollback", transaction_id))
        self.objects = copy.deepcopy(self.savepoints[transaction_id])


BEFORE = doc(res("net", cidr="198.18.0.0/16"), res("web", size=1, net="${net.id}"))
AFTER = doc(
    res("net", cidr="198.18.0.0/16"),
    res("web", size=2, net="${net.id}"),  # update
    res("db", net="${net.id}"),  # create
    res("app", web="${web.ip}", db="${db.ip}"),  # create; fails below
)


def test_a_successful_run_opens_one_transaction_per_server_and_commits_it() -> None:
    h = Harness(SavepointProvider())
    assert h.up(BEFORE).status == "succeeded"
    assert h.provider.log == [("begin", "tx-1"), ("commit", "tx-1")]
    h.up(BEFORE)  # nothing to change: no transaction at all
    assert h.provider.log == [("begin", "tx-1"), ("commit", "tx-1")]


def test_when_inverse_operations_fail_the_transaction_puts_the_backend_back() -> None:
    h = Harness(SavepointProvider())
    assert h.up(BEFORE).status == "succeeded"
    before = h.world()
    h.provider.fail(op="create", address="fake:box:app", code="CONFLICT")
    # the undo of db's create fails, every time; web's update is undone by an inverse update
    h.provider.fail(op="delete", address="fake:box:db", code="UNAUTHORIZED", times=None)
    events: list[ExecEvent] = []
    result = h.apply(h.plan(AFTER), on_event=events.append)

    assert result.status == "rolled-back", result.still_differs
    assert result.still_differs == []
    assert h.provider.log[-2:] == [("begin", "tx-2"), ("rollback", "tx-2")]
    assert h.world() == before  # state and backend both as before the run
    h.consistent()
    [note] = [e.message for e in events if e.kind == "transaction" and e.action == "rollback"]
    assert "1 change(s) the inverse operations could not undo" in (note or "")


def test_when_inverse_operations_succeed_the_transaction_is_committed_not_rolled_back() -> None:
    h = Harness(SavepointProvider())
    assert h.up(BEFORE).status == "succeeded"
    before = h.world()
    h.provider.fail(op="create", address="fake:box:app", code="CONFLICT")
    assert h.apply(h.plan(AFTER)).status == "rolled-back"
    assert h.provider.log[-2:] == [("begin", "tx-2"), ("commit", "tx-2")]
    assert h.world() == before


def test_a_backend_that_refuses_a_transaction_still_gets_its_changes_and_inverse_rollback() -> None:
    h = Harness(SavepointProvider())
    h.provider.refuse_begin = True
    events: list[ExecEvent] = []
    result = h.apply(h.plan(BEFORE), on_event=events.append)
    assert result.status == "succeeded"
    assert h.provider.log == []
    [note] = [e.message for e in events if e.kind == "transaction"]
    assert "rollback will rely on inverse operations alone" in (note or "")


def test_providers_without_transactions_are_never_asked_for_one() -> None:
    h = Harness(FakeProvider())
    assert h.up(BEFORE).status == "succeeded"
    assert not hasattr(h.provider, "begin")
