"""``aws:elb:loadBalancer``: an application or network load balancer with its listeners."""

from __future__ import annotations

import builtins
from typing import Literal, Self

from pydantic import Field, model_validator

from mcp_iac.sdk import CreateContext, Observed, TypeSpec

from ._aws import Raw
from ._base import AwsHandler
from ._elb import owned_arns, sync_tags, tags_by_arn
from ._errors import AwsError
from ._model import Model, Nested, Tags, derived_name, in_hint_order
from ._tags import managed, to_list, user_tags

_SECURE = ("HTTPS", "TLS")


class Listener(Nested):
    """A listener: a port and protocol, forwarding to a target group."""

    port: int = Field(ge=1, le=65535, description="Port the load balancer listens on.")
    protocol: Literal["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP"] = Field(
        default="HTTP", description="Protocol of the listener."
    )
    target_group_arn: str = Field(
        alias="targetGroupArn", min_length=1, description="Target group to forward to."
    )
    certificate_arn: str | None = Field(
        default=None, alias="certificateArn", description="Certificate (HTTPS, TLS)."
    )
    ssl_policy: str | None = Field(
        default=None, alias="sslPolicy", description="Security policy (HTTPS, TLS)."
    )

    @model_validator(mode="after")
    def _certificate(self) -> Self:
        if self.protocol in _SECURE and not self.certificate_arn:
            raise ValueError(f"a {self.protocol} listener needs certificateArn")
        if self.protocol not in _SECURE and (self.certificate_arn or self.ssl_policy):
            raise ValueError(f"a {self.protocol} listener takes no certificateArn or sslPolicy")
        return self


class LoadBalancerProperties(Model):
    """Properties of ``aws:elb:loadBalancer``."""

    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$",
        description="Name (32 characters at most); default: the resource's name and a key "
        "digest. Replaces.",
    )
    type: Literal["application", "network"] = Field(
        default="application", description="Application (HTTP) or network (TCP/UDP)."
    )
    scheme: Literal["internet-facing", "internal"] = Field(
        default="internet-facing", description="Public or internal addresses."
    )
    subnet_ids: list[str] = Field(
        alias="subnetIds", min_length=1, description="Subnets, in at least two zones for ALBs."
    )
    security_group_ids: list[str] = Field(
        default_factory=list, alias="securityGroupIds", description="Security groups."
    )
    listeners: list[Listener] = Field(default_factory=list, description="Listeners, by port.")
    tags: Tags = Field(default_factory=dict, description="Tags (key to value).")

    @model_validator(mode="after")
    def _ports(self) -> Self:
        ports = [listener.port for listener in self.listeners]
        doubled = sorted({p for p in ports if ports.count(p) > 1})
        if doubled:
            raise ValueError(f"two listeners on port(s) {doubled}: one listener per port")
        return self


class LoadBalancerOutputs(Model):
    """Outputs of ``aws:elb:loadBalancer``."""

    id: str = Field(description="The load balancer's ARN (its id).")
    arn: str = Field(description="The load balancer's ARN.")
    name: str = Field(description="Its name.")
    dns_name: str = Field(alias="dnsName", description="DNS name clients connect to.")
    zone_id: str = Field(
        alias="zoneId", description="Its canonical hosted zone id (for Route 53 aliases)."
    )
    listener_arns: list[str] = Field(alias="listenerArns", description="Listener ARNs.")


LOAD_BALANCER = TypeSpec(
    type="aws:elb:loadBalancer",
    description="An application or network load balancer, waited for until active; "
    "listeners, subnets, security groups and tags change in place.",
    properties=LoadBalancerProperties,
    outputs=LoadBalancerOutputs,
    replace_on_changes=("name", "type", "scheme"),
)


class LoadBalancerHandler(AwsHandler[LoadBalancerProperties, LoadBalancerOutputs]):
    """Load balancers through elbv2's CreateLoadBalancer, SetSubnets, SetSecurityGroups and
    the listener calls."""

    spec = LOAD_BALANCER
    fields = {
        "Name": "name",
        "Subnets": "subnetIds",
        "SecurityGroups": "securityGroupIds",
        "Scheme": "scheme",
        "Type": "type",
    }

    async def find(self, idempotency_key: str | None) -> builtins.list[str]:
        subject = self.subject("*")
        balancers = await self.aws.paginate(
            "elbv2", "describe_load_balancers", "LoadBalancers", subject=subject
        )
        arns = [b["LoadBalancerArn"] for b in balancers]
        return await owned_arns(self.aws, arns, idempotency_key, subject)

    async def _describe(self, id_: str) -> Raw | None:
        try:
            answer = await self.aws.call(
                "elbv2",
                "describe_load_balancers",
                subject=self.subject(id_),
                LoadBalancerArns=[id_],
            )
        except AwsError as exc:
            if exc.code in ("NOT_FOUND", "VALIDATION"):  # missing, or not an ARN
                return None
            raise
        balancers = answer.get("LoadBalancers") or []
        found: Raw | None = balancers[0] if balancers else None
        return found

    async def fetch(self, id_: str) -> Raw | None:
        balancer = await self._describe(id_)
        if balancer is None:
            return None
        subject = self.subject(id_)
        balancer["_tags"] = (await tags_by_arn(self.aws, [id_], subject)).get(id_, {})
        balancer["_listeners"] = await self.aws.paginate(
            "elbv2", "describe_listeners", "Listeners", subject=subject, LoadBalancerArn=id_
        )
        return balancer

    def tags_of(self, raw: Raw) -> dict[str, str]:
        tags: dict[str, str] = raw["_tags"]
        return tags

    @staticmethod
    def _listener(aws: Raw, hint: Listener | None) -> Listener:
        forward = [a for a in aws.get("DefaultActions", []) if a.get("TargetGroupArn")]
        certificates = aws.get("Certificates") or []
        secure = aws.get("Protocol") in _SECURE
        # AWS reports a default policy (moto even on plain listeners): shown when declared.
        policy = aws.get("SslPolicy") if secure and (hint is None or hint.ssl_policy) else None
        return Listener.shaped(
            {
                "port": aws["Port"],
                "protocol": aws.get("Protocol", "HTTP"),
                "targetGroupArn": forward[0]["TargetGroupArn"] if forward else "?",
                "certificateArn": certificates[0]["CertificateArn"] if certificates else None,
                "sslPolicy": policy,
            },
            hint,
        )

    def observe(
        self, raw: Raw, hint: LoadBalancerProperties | None
    ) -> Observed[LoadBalancerProperties, LoadBalancerOutputs]:
        arn = raw["LoadBalancerArn"]
        hinted = {listener.port: listener for listener in (hint.listeners if hint else [])}
        order = [listener.port for listener in hint.listeners] if hint else []

        def place(item: Raw) -> tuple[int, int]:  # the hint's order, then by port
            port = int(item["Port"])
            return (order.index(port) if port in order else len(order), port)

        listeners = sorted(raw["_listeners"], key=place)
        subnets = [z["SubnetId"] for z in raw.get("AvailabilityZones", []) if z.get("SubnetId")]
        props = LoadBalancerProperties.model_validate(
            {
                "name": raw["LoadBalancerName"],
                "type": raw.get("Type", "application"),
                "scheme": raw.get("Scheme", "internet-facing"),
                "subnetIds": in_hint_order(subnets, hint.subnet_ids if hint else None),
                "securityGroupIds": in_hint_order(
                    list(raw.get("SecurityGroups") or []),
                    hint.security_group_ids if hint else None,
                ),
                "listeners": [
                    self._listener(item, hinted.get(item["Port"])).model_dump(by_alias=True)
                    for item in listeners
                ],
                "tags": user_tags(self.tags_of(raw)),
            }
        )
        outputs = LoadBalancerOutputs.model_validate(
            {
                "id": arn,
                "arn": arn,
                "name": raw["LoadBalancerName"],
                "dnsName": raw.get("DNSName", ""),
                "zoneId": raw.get("CanonicalHostedZoneId", ""),
                "listenerArns": [item["ListenerArn"] for item in listeners],
            }
        )
        return Observed(arn, props, outputs)

    async def make(self, ctx: CreateContext, props: LoadBalancerProperties) -> str:
        params: Raw = {
            "Name": props.name or derived_name(ctx, limit=32),
            "Subnets": props.subnet_ids,
            "Scheme": props.scheme,
            "Type": props.type,
            "Tags": to_list({**props.tags, **managed(ctx)}),
        }
        if props.security_group_ids:
            params["SecurityGroups"] = props.security_group_ids
        answer = await self.aws.call(
            "elbv2", "create_load_balancer", subject=self.subject(ctx.name, props), **params
        )
        return str(answer["LoadBalancers"][0]["LoadBalancerArn"])

    async def configure(self, ctx: CreateContext, id_: str, props: LoadBalancerProperties) -> None:
        await self._sync_listeners(id_, await self.existing(id_), props)

    @staticmethod
    def _listener_params(listener: Listener) -> Raw:
        params: Raw = {
            "Port": listener.port,
            "Protocol": listener.protocol,
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": listener.target_group_arn}],
        }
        if listener.certificate_arn:
            params["Certificates"] = [{"CertificateArn": listener.certificate_arn}]
        if listener.ssl_policy:
            params["SslPolicy"] = listener.ssl_policy
        return params

    async def _sync_listeners(self, id_: str, raw: Raw, props: LoadBalancerProperties) -> None:
        subject = self.subject(id_, props)
        actual = {item["Port"]: item for item in raw["_listeners"]}
        for wanted in props.listeners:
            found = actual.pop(wanted.port, None)
            if found is None:
                await self.aws.call(
                    "elbv2",
                    "create_listener",
                    subject=subject,
                    LoadBalancerArn=id_,
                    **self._listener_params(wanted),
                )
            elif self._listener(found, wanted) != wanted:
                await self.aws.call(
                    "elbv2",
                    "modify_listener",
                    subject=subject,
                    ListenerArn=found["ListenerArn"],
                    **self._listener_params(wanted),
                )
        for extra in actual.values():
            await self.aws.call(
                "elbv2", "delete_listener", subject=subject, ListenerArn=extra["ListenerArn"]
            )

    async def settle(self, id_: str, props: LoadBalancerProperties) -> None:
        async def active() -> bool | None:
            balancer = await self._describe(id_)
            if balancer is None:
                raise self.missing(id_)
            state = balancer.get("State") or {}
            if state.get("Code") == "failed":
                raise AwsError(
                    "CONFLICT",
                    f"{self.spec.type} '{id_}' failed to provision: {state.get('Reason', '')}",
                    aws_code="LoadBalancerFailed",
                )
            return True if state.get("Code") in ("active", "active_impaired") else None

        await self.aws.wait_for(f"{self.spec.type} '{id_}' becoming active", active)

    async def remove(self, id_: str, raw: Raw) -> None:
        await self.aws.call(
            "elbv2", "delete_load_balancer", subject=self.subject(id_), LoadBalancerArn=id_
        )

        async def deleted() -> bool | None:
            return True if await self._describe(id_) is None else None

        # Its target groups stay "in use" until it is gone.
        await self.aws.wait_for(f"{self.spec.type} '{id_}' being deleted", deleted)

    async def update(
        self, id_: str, old: LoadBalancerProperties, new: LoadBalancerProperties
    ) -> LoadBalancerOutputs:
        raw = await self.existing(id_)
        subject = self.subject(id_, new)
        await sync_tags(self.aws, id_, self.tags_of(raw), new.tags, subject)
        current = self.observe(raw, new).properties
        if sorted(current.subnet_ids) != sorted(new.subnet_ids):
            await self.aws.call(
                "elbv2", "set_subnets", subject=subject, LoadBalancerArn=id_, Subnets=new.subnet_ids
            )
        if new.type == "application" and sorted(current.security_group_ids) != sorted(
            new.security_group_ids
        ):
            await self.aws.call(
                "elbv2",
                "set_security_groups",
                subject=subject,
                LoadBalancerArn=id_,
                SecurityGroups=new.security_group_ids,
            )
        await self._sync_listeners(id_, raw, new)
        await self.settle(id_, new)
        return await self.outputs_now(id_, new)
