"""Backend transactions (iac/1 ``iac_begin``/``iac_commit``/``iac_rollback``) around a run.

For a server whose provider offers them (``iac_describe`` says ``transactions: true``), a
transaction is opened just before the run's first change on that server and committed when the
run ends. Rollback stays the engine's inverse operations; the transaction is the backstop: when
an inverse operation on that server fails, the server is rolled back to where the transaction
began (OPNsense: the configuration revision recorded at begin), and what the journal says of
that server's resources is put back to match.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import anyio

from mcp_iac.core import IacError, ProviderError

from .ports import Provider, ProviderSource


@runtime_checkable
class TransactionalProvider(Protocol):
    """A provider with backend transactions (the optional iac/1 tools)."""

    async def begin(self) -> str: ...

    async def commit(self, transaction_id: str) -> None: ...

    async def rollback(self, transaction_id: str) -> None: ...


class Transactions:
    """The transactions one run has opened, one per server at most."""

    def __init__(self, providers: ProviderSource) -> None:
        self._providers = providers
        self._checked: dict[str, str | None] = {}
        self._locks: dict[str, anyio.Lock] = {}

    @property
    def open(self) -> dict[str, str]:
        """Server name to transaction id, for the servers with one open."""
        return {s: t for s, t in self._checked.items() if t is not None}

    async def open_once(self, server: str) -> str | None:
        """Before ``server``'s first change: open its transaction if its provider offers them.
        Returns the id when this call opened one, None otherwise (already decided, or not
        offered). A failing ``iac_begin`` is remembered as "no transaction" and raised."""
        if server in self._checked:
            return None
        async with self._locks.setdefault(server, anyio.Lock()):
            if server in self._checked:
                return None
            self._checked[server] = None
            provider = await self._providers.get(server)
            self._checked[server] = await _begin(provider)
            return self._checked[server]

    async def commit_all(self) -> dict[str, str]:
        """Commit every open transaction; the servers whose commit failed, with why (the
        changes are made either way: a failed commit only leaves the savepoint behind)."""
        problems: dict[str, str] = {}
        for server, tx in self.open.items():
            provider = await self._providers.get(server)
            assert isinstance(provider, TransactionalProvider)
            try:
                await provider.commit(tx)
            except IacError as exc:
                problems[server] = str(exc)
        self._checked.clear()
        return problems

    async def roll_back(self, server: str) -> None:
        """Roll ``server`` back to where its transaction began. Raises ProviderError."""
        tx = self._checked.get(server)
        if tx is None:
            raise ProviderError("CONFLICT", "no transaction is open", server=server)
        provider = await self._providers.get(server)
        assert isinstance(provider, TransactionalProvider)
        await provider.rollback(tx)
        self._checked[server] = None


async def _begin(provider: Provider) -> str | None:
    if not isinstance(provider, TransactionalProvider):
        return None
    if not (await provider.describe()).transactions:
        return None
    return await provider.begin()
