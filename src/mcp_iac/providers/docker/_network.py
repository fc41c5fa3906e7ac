"""``docker:network``: a user-defined network, normally with an explicit subnet."""

from __future__ import annotations

import builtins
import ipaddress
from typing import Any

from docker.errors import NotFound
from docker.types import IPAMConfig, IPAMPool
from pydantic import Field, ValidationInfo, field_validator, model_validator

from mcp_iac.core import ProviderError
from mcp_iac.sdk import CreateContext, Created, Example, Observed, TypeSpec

from . import _labels as labels
from ._base import refuse_replace_changes, subject
from ._engine import Engine
from ._model import LABELS_DESCRIPTION, Model, check_labels, invalid, is_observed, observed

TYPE = "docker:network"


class NetworkProperties(Model):
    """Properties of ``docker:network``."""

    name: str | None = Field(
        default=None,
        pattern=labels.NAME_PATTERN,
        description="The network's name (default: the resource name and 8 hex digits of its "
        "idempotency key).",
    )
    driver: str = Field(default="bridge", min_length=1, description="Network driver.")
    subnet: str | None = Field(
        default=None,
        description="The subnet in CIDR notation, e.g. 198.18.10.0/24 (default: the engine "
        "picks one from its address pools).",
    )
    gateway: str | None = Field(
        default=None, description="The gateway address, inside the subnet (needs subnet)."
    )
    internal: bool = Field(default=False, description="No traffic to or from outside it.")
    options: dict[str, str] = Field(default_factory=dict, description="Driver options.")
    labels: dict[str, str] = Field(default_factory=dict, description=LABELS_DESCRIPTION)

    _labels = field_validator("labels")(check_labels)

    @field_validator("subnet")
    @classmethod
    def _cidr(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or is_observed(info):
            return value
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise invalid(
                f"'{value}' is not a subnet in CIDR notation like 198.18.10.0/24"
            ) from None
        if str(network) != value:
            raise invalid(f"'{value}' has host bits set; the subnet is {network}")
        return value

    @model_validator(mode="after")
    def _gateway_in_subnet(self, info: ValidationInfo) -> NetworkProperties:
        if self.gateway is None or is_observed(info):
            return self
        if self.subnet is None:
            raise invalid("gateway needs subnet: give the subnet the gateway belongs to")
        try:
            address = ipaddress.ip_address(self.gateway)
        except ValueError:
            raise invalid(f"gateway '{self.gateway}' is not an IP address") from None
        if address not in ipaddress.ip_network(self.subnet):
            raise invalid(f"gateway {address} is not inside subnet {self.subnet}")
        return self


class NetworkOutputs(Model):
    """Outputs of ``docker:network``."""

    id: str = Field(description="The network's id.")
    name: str = Field(description="The network's name (what containers attach to).")
    subnet: str = Field(description="The subnet ('' when the engine reports none).")
    gateway: str = Field(description="The gateway ('' when the engine reports none).")


NETWORK = TypeSpec(
    type=TYPE,
    description="A user-defined Docker network (give it an explicit subnet).",
    properties=NetworkProperties,
    outputs=NetworkOutputs,
    replace_on_changes=(
        "name",
        "driver",
        "subnet",
        "gateway",
        "internal",
        "options",
        "labels",
    ),
    delete_before_replace=True,
    examples=(
        Example(
            properties={"subnet": "198.18.10.0/24", "gateway": "198.18.10.1"},
            description="A bridge network on a subnet of the benchmarking range 198.18.0.0/15.",
        ),
    ),
)


def _observe(
    network: Any, hint: NetworkProperties | None
) -> Observed[NetworkProperties, NetworkOutputs]:
    attrs = network.attrs
    found_labels = attrs.get("Labels") or {}
    name = attrs["Name"]
    configs = (attrs.get("IPAM") or {}).get("Config") or [{}]
    subnet = configs[0].get("Subnet") or ""
    gateway = configs[0].get("Gateway") or ""
    derived = labels.derived_name(found_labels)

    def declared(actual: str, hinted: str | None) -> str | None:
        # Report what the engine chose only where the declaration chose it too.
        if hint is not None and hinted is None:
            return None
        return actual or None

    props = observed(
        NetworkProperties,
        {
            "name": None if (name == derived and (hint is None or hint.name is None)) else name,
            "driver": attrs.get("Driver") or "",
            "subnet": declared(subnet, hint.subnet if hint else None),
            "gateway": declared(gateway, hint.gateway if hint else None),
            "internal": bool(attrs.get("Internal")),
            "options": attrs.get("Options") or {},
            "labels": labels.user_labels(found_labels),
        },
    )
    outputs = NetworkOutputs(id=attrs["Id"], name=name, subnet=subnet, gateway=gateway)
    return Observed(attrs["Id"], props, outputs, name=found_labels.get(labels.NAME, ""))


def _get(client: Any, id_: str) -> Any:
    try:
        network = client.networks.get(id_)
    except NotFound:
        return None
    # A name or id prefix also finds a network: only the exact id (or name) counts.
    return network if id_ in (network.id, network.name) else None


class NetworkHandler:
    """Creates, reads, deletes and lists networks (a network never changes in place)."""

    spec = NETWORK

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def create(self, ctx: CreateContext, props: NetworkProperties) -> Created[NetworkOutputs]:
        key = ctx.idempotency_key
        for item in await self.list(key):
            return Created(item.id, item.outputs)
        name = props.name or labels.default_name(ctx.name, key)
        what = subject(TYPE, name)

        def make(client: Any) -> Any:
            if any(n.name == name for n in client.networks.list(names=[name])):
                raise ProviderError(
                    "CONFLICT",
                    f"{what} already exists and was not made by this resource; import it, "
                    "remove it, or choose another name",
                )
            ipam = None
            if props.subnet is not None:
                pool = IPAMPool(subnet=props.subnet, gateway=props.gateway)
                ipam = IPAMConfig(pool_configs=[pool])
            return client.networks.create(
                name,
                driver=props.driver,
                options=props.options or None,
                ipam=ipam,
                internal=props.internal,
                labels={**props.labels, **labels.ours(TYPE, ctx)},
                check_duplicate=True,
            )

        network = await self.engine.run(make, subject=what)
        found = await self.read(network.id, props)
        if found is None:  # removed by someone else in this very moment
            raise ProviderError("CONFLICT", f"{what} disappeared right after it was created")
        return Created(found.id, found.outputs)

    async def read(
        self, id_: str, props: NetworkProperties | None
    ) -> Observed[NetworkProperties, NetworkOutputs] | None:
        network = await self.engine.run(_get, id_, subject=subject(TYPE, id_))
        return None if network is None else _observe(network, props)

    async def update(
        self, id_: str, old: NetworkProperties, new: NetworkProperties
    ) -> NetworkOutputs:
        refuse_replace_changes(NETWORK, id_, old, new)
        found = await self.read(id_, new)
        if found is None:
            raise ProviderError("NOT_FOUND", f"{subject(TYPE, id_)} does not exist")
        return found.outputs

    async def delete(self, id_: str, props: NetworkProperties | None) -> None:
        def remove(client: Any) -> None:
            network = _get(client, id_)
            if network is None:
                return
            try:
                network.remove()
            except NotFound:
                return

        await self.engine.run(remove, subject=subject(TYPE, id_))

    async def list(
        self, idempotency_key: str | None = None
    ) -> builtins.list[Observed[NetworkProperties, NetworkOutputs]]:
        def find(client: Any) -> builtins.list[Any]:
            found = client.networks.list(filters=labels.label_filter(TYPE, idempotency_key))
            return [
                n for n in found if labels.made_by(n.attrs.get("Labels"), TYPE, idempotency_key)
            ]

        networks = await self.engine.run(find, subject=f"{TYPE} list")
        return [_observe(n, None) for n in networks]
