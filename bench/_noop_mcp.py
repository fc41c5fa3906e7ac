"""A no-op iac/1 provider built with the SDK, for measuring the MCP path (not a benchmark).

``python bench/_noop_mcp.py`` serves it over stdio; :func:`build_server` gives the in-process
``MCPServer``. Type ``noop:thing``: create returns at once, ids are the idempotency keys.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from mcp_iac.sdk import CreateContext, Created, IacProvider, Observed, TypeSpec


class ThingProps(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    input: Any = None


class ThingOuts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    output: Any = None


THING = TypeSpec(
    type="noop:thing", description="Nothing at all.", properties=ThingProps, outputs=ThingOuts
)


class Things:
    async def create(self, ctx: CreateContext, props: ThingProps) -> Created[ThingOuts]:
        key = ctx.idempotency_key
        return Created(key, ThingOuts(id=key, output=props.input))

    async def read(
        self, id_: str, props: ThingProps | None
    ) -> Observed[ThingProps, ThingOuts] | None:
        return Observed(id_, props or ThingProps(), ThingOuts(id=id_))

    async def update(self, id_: str, old: ThingProps, new: ThingProps) -> ThingOuts:
        return ThingOuts(id=id_, output=new.input)

    async def delete(self, id_: str, props: ThingProps | None) -> None:
        return None

    async def list(
        self, idempotency_key: str | None = None
    ) -> list[Observed[ThingProps, ThingOuts]]:
        return []


def build_provider() -> IacProvider:
    provider = IacProvider("noop", version="0")
    provider.add(THING, Things())
    return provider


def build_server() -> Any:
    return build_provider().build()


if __name__ == "__main__":
    build_provider().serve()
