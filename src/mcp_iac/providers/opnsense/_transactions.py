"""iac/1 transactions on OPNsense's configuration history.

Every saved change makes a revision of ``config.xml`` (System → Configuration → History).
``begin`` records the newest revision; ``rollback`` restores it
(``POST /api/core/backup/revertBackup/<id>``) and runs the apply action of every component
written since, because a restored ``config.xml`` is not live until its services are
reconfigured. ``commit`` keeps everything (nothing to do on the firewall).

This is the last line of defence behind the engine's own inverse operations: it undoes every
change to the firewall's configuration made since ``begin``, by anyone.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Literal

from mcp_iac.core import ProviderError

from ._client import OpnsenseClient
from ._endpoints import Component
from ._errors import missing_plugin


class ConfigHistoryTransactions:
    """``TransactionHandler`` of the provider SDK, over ``client``; ``components`` are what a
    rollback reconfigures when it does not know what was written (the provider restarted)."""

    def __init__(self, client: OpnsenseClient, components: Sequence[Component]) -> None:
        self.client = client
        self.components = tuple(components)
        self._state: dict[str, Literal["open", "committed", "rolled back"]] = {}

    async def begin(self) -> str:
        """Record the newest configuration revision; the transaction id names it.

        Raises:
            ProviderError: ``CONFLICT`` when the history is empty (nothing to return to).
        """
        history = await self.client.backups()
        newest = next((str(item["id"]) for item in history if item.get("id")), None)
        if newest is None:
            raise ProviderError(
                "CONFLICT",
                f"{self.client.url} keeps no configuration history, so a transaction has no "
                "revision to roll back to; set a backup count above 0 under System > "
                "Configuration > History",
            )
        self.client.written.clear()
        transaction_id = f"{newest}#{secrets.token_hex(4)}"
        self._state[transaction_id] = "open"
        return transaction_id

    async def commit(self, transaction_id: str) -> None:
        """Keep the changes.

        Raises:
            ProviderError: ``CONFLICT`` when the transaction was rolled back.
        """
        if self._state.get(transaction_id) == "rolled back":
            raise ProviderError(
                "CONFLICT", f"transaction '{transaction_id}' was rolled back; it cannot commit"
            )
        self._state[transaction_id] = "committed"

    async def rollback(self, transaction_id: str) -> None:
        """Restore the revision ``begin`` recorded and reconfigure what changed.

        Raises:
            ProviderError: ``CONFLICT`` when the revision has left the history (the backup
                count is too low for the changes made since) or the transaction was
                committed; ``UNAVAILABLE`` when the firewall fails to revert.
        """
        state = self._state.get(transaction_id)
        if state == "rolled back":
            return
        if state == "committed":
            raise ProviderError(
                "CONFLICT", f"transaction '{transaction_id}' was committed; it cannot roll back"
            )
        async with self.client.session():
            await self._revert(transaction_id, state)

    async def _revert(self, transaction_id: str, state: str | None) -> None:
        revision = transaction_id.split("#", 1)[0]
        status = await self.client.revert(revision)
        if status == "not_found":
            raise ProviderError(
                "CONFLICT",
                f"{self.client.url}: revision {revision} is no longer in the configuration "
                "history (raise the backup count under System > Configuration > History); the "
                "changes made since the transaction began are still there",
            )
        if status != "reverted":
            raise ProviderError(
                "UNAVAILABLE", f"{self.client.url}: reverting to {revision} answered '{status}'"
            )
        # Unknown here (the provider restarted since begin): reconfigure everything.
        written = set(self.client.written) if state == "open" else None
        self._state[transaction_id] = "rolled back"
        await self._reconfigure(
            [c for c in self.components if written is None or c.name in written]
        )
        self.client.written.clear()

    async def _reconfigure(self, components: Sequence[Component]) -> None:
        version = await self.client.version()
        done: set[str] = set()
        for component in components:
            apply = component.apply
            if apply is None or apply.path in done:
                continue
            if component.since is not None and version < component.since:
                continue
            done.add(apply.path)
            try:
                await self.client.apply(component, subject=f"rollback of {component.title}s")
            except ProviderError as exc:
                if not missing_plugin(exc):  # a plugin that is not installed has nothing to apply
                    raise
