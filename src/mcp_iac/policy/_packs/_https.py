"""Pack ``https-only-frontends``: public HTTP services terminate TLS."""

from __future__ import annotations

from collections.abc import Iterator

from mcp_iac.core import UNKNOWN
from mcp_iac.policy._model import Finding
from mcp_iac.policy._policy import Policy, policy
from mcp_iac.policy._view import Maybe, PlannedResource, all_of, eq, test

from . import _common as c
from ._pack import Pack


def _plain_http(r: PlannedResource) -> Iterator[Finding | Maybe]:
    if r.type == "opnsense:service:haproxy:frontend":
        # mode http without a certificate is plain HTTP; ssl terminates TLS; tcp passes
        # the bytes through untouched (TLS to a backend that terminates it, or not HTTP)
        yield all_of(
            eq(r.get("mode", "http"), "http"),
            test(r.get("sslCertificate"), lambda cert: not cert),
            negate_disabled(r),
        )
        return
    listeners = c.rules(r.get("listeners"))
    if listeners is UNKNOWN:
        yield UNKNOWN
        return
    assert isinstance(listeners, list)
    for i, listener in enumerate(listeners):
        protocol = listener.get("protocol", "HTTP") if isinstance(listener, dict) else UNKNOWN
        verdict = eq(protocol, "HTTP")
        if verdict is not False:
            port = listener.get("port") if isinstance(listener, dict) else None
            yield Finding(
                message=f"Load balancer {{address}} listens with plain HTTP on port {port}",
                path=f"listeners[{i}]",
                undetermined=verdict is UNKNOWN,
            )


def negate_disabled(r: PlannedResource) -> Maybe:
    return test(r.get("enabled", True), lambda enabled: enabled is not False)


def build(_: object) -> list[Policy]:
    return [
        policy(
            "https-only-frontends",
            title="Frontends serve HTTPS only",
            severity="high",
            types=["opnsense:service:haproxy:frontend", "aws:elb:loadBalancer"],
            message="HAProxy frontend {address} serves plain HTTP",
            remediation="Terminate TLS: give the HAProxy frontend an sslCertificate (or mode "
            "ssl / tcp passthrough to a TLS backend); make load balancer listeners HTTPS or "
            "TLS with a certificateArn.",
            description="An HAProxy frontend in http mode without a certificate, or an AWS "
            "load balancer listener with protocol HTTP.",
        )(_plain_http)
    ]


PACK = Pack(
    name="https-only-frontends",
    description="HAProxy frontends and AWS load balancer listeners terminate TLS.",
    default=True,
    build=build,
)
