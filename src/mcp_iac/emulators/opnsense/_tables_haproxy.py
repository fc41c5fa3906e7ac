"""Component tables of the HAProxy plugin (``os-haproxy``): servers, backends, frontends."""

from __future__ import annotations

from typing import Final

from ._fields import (
    Boolean,
    CertRef,
    Field,
    Generated,
    Integer,
    Option,
    Relation,
    Text,
    options,
)
from ._schema import Commands, Component

ON: Final = Boolean(required=True, default="1")
OFF: Final = Boolean(required=True, default="0")
HAPROXY_NAME: Final = Text(
    required=True,
    mask=r"^([0-9a-zA-Z._\-]){1,255}$",
    message="Should be a string between 1 and 255 characters.",
)
HAPROXY_DESCRIPTION: Final = Text(
    mask=r"^.{1,255}$", message="Should be a string between 1 and 255 characters."
)
DURATION: Final = Text(
    mask=r"^([0-9]{1,8}(?:us|ms|s|m|h|d)?)$",
    message='Should be a number between 1 and 8 characters, optionally followed by either "d", '
    '"h", "m", "s", "ms" or "us".',
)
TCP_PORT: Final = Integer(
    minimum=1, maximum=65535, message="Please specify a value between 1 and 65535."
)
_LISTEN = r"(?:(?:quic[46]@)?[0-9a-zA-Z._\-*:\[\]]+:[0-9]+(?:-[0-9]+)?|unix@[0-9a-z_\-]+)"
TLS_VERSIONS: Final = options(
    *((v, v) for v in ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"))
)


def _haproxy(noun: str, search: str, fields: tuple[tuple[str, Field], ...], path: str) -> Component:
    return Component(
        id=f"haproxy/settings/{noun.lower()}",
        module="haproxy",
        controller="settings",
        model="OPNsense.HAProxy.HAProxy",
        model_name="haproxy",
        mount="HAProxy",
        path=path,
        post_key=noun.lower(),
        fields=fields,
        commands=Commands(
            f"get{noun}", f"add{noun}", f"set{noun}", f"del{noun}", search, f"toggle{noun}"
        ),
        apply_group="haproxy",
        plugin="haproxy",
        safe_delete=True,
        default_sort="name",
    )


HAPROXY_SERVER: Final = _haproxy(
    "Server",
    "searchServers",
    (
        ("id", Generated(required=True, kind="uniqid")),
        ("enabled", ON),
        ("name", HAPROXY_NAME),
        ("description", HAPROXY_DESCRIPTION),
        (
            "address",
            Text(
                mask=r"^([0-9a-zA-Z\.,_\-:]){0,1024}$",
                message="Please specify a valid servername or IP address.",
            ),
        ),
        ("port", TCP_PORT),
        ("checkport", TCP_PORT),
        (
            "mode",
            Option(
                default="active",
                values=options(
                    ("active", "active [default]"), ("backup", "backup"), ("disabled", "disabled")
                ),
            ),
        ),
        (
            "multiplexer_protocol",
            Option(
                default="unspecified",
                values=options(
                    ("unspecified", "auto-selection [recommended]"),
                    ("fcgi", "FastCGI"),
                    ("h2", "HTTP/2"),
                    ("h1", "HTTP/1.1"),
                ),
            ),
        ),
        (
            "type",
            Option(
                required=True,
                default="static",
                values=options(
                    ("static", "static"), ("template", "template"), ("unix", "unix socket")
                ),
            ),
        ),
        ("serviceName", Text()),
        (
            "number",
            Text(mask=r"^[0-9]+(-[0-9]+)?$", message="Please specify a valid number or range."),
        ),
        ("ssl", OFF),
        (
            "sslSNI",
            Text(
                mask=r"^([0-9a-zA-Z._\-]){1,255}$",
                message="Should be a string between 1 and 255 characters.",
            ),
        ),
        ("sslVerify", ON),
        (
            "sslCA",
            CertRef(
                kind="ca", multiple=True, message="Please select one or more CAs from the list."
            ),
        ),
        (
            "sslClientCertificate",
            CertRef(message="Please select a valid certificate from the list."),
        ),
        (
            "maxConnections",
            Integer(
                minimum=0,
                maximum=10000000,
                message="Please specify a value between 0 and 10000000.",
            ),
        ),
        (
            "weight",
            Integer(minimum=0, maximum=256, message="Please specify a value between 0 and 256."),
        ),
        ("checkInterval", DURATION),
        ("checkDownInterval", DURATION),
        ("source", Text()),
        ("advanced", Text()),
        (
            "unix_socket",
            Relation(target="haproxy/settings/frontend", message="Related frontend item not found"),
        ),
    ),
    "servers.server",
)

HAPROXY_BACKEND: Final = _haproxy(
    "Backend",
    "searchBackends",
    (
        ("id", Generated(kind="uniqid")),
        ("enabled", ON),
        ("name", HAPROXY_NAME),
        ("description", HAPROXY_DESCRIPTION),
        (
            "mode",
            Option(
                required=True,
                default="http",
                values=options(("http", "HTTP (Layer 7) [default]"), ("tcp", "TCP (Layer 4)")),
            ),
        ),
        (
            "algorithm",
            Option(
                required=True,
                default="source",
                values=options(
                    ("source", "Source-IP Hash [default]"),
                    ("roundrobin", "Round Robin"),
                    ("static-rr", "Static Round Robin"),
                    ("leastconn", "Least Connections"),
                    ("uri", "URI Hash (only HTTP mode)"),
                    ("random", "Random Algorithm"),
                ),
            ),
        ),
        (
            "random_draws",
            Integer(
                required=True,
                default="2",
                minimum=2,
                maximum=1000,
                message="Please specify a value between 2 and 1000.",
            ),
        ),
        ("proxyProtocol", Option(values=options(("v1", "Version 1"), ("v2", "Version 2")))),
        (
            "linkedServers",
            Relation(
                target="haproxy/settings/server",
                multiple=True,
                message="Related server item not found",
            ),
        ),
        ("source", Text()),
        ("healthCheckEnabled", ON),
        (
            "healthCheck",
            Relation(
                target="haproxy/settings/healthcheck", message="Related health check item not found"
            ),
        ),
        ("healthCheckLogStatus", Boolean(default="0")),
        ("checkInterval", DURATION),
        ("checkDownInterval", DURATION),
        (
            "healthCheckFall",
            Integer(minimum=1, maximum=100, message="Please specify a value between 1 and 100."),
        ),
        (
            "healthCheckRise",
            Integer(minimum=1, maximum=100, message="Please specify a value between 1 and 100."),
        ),
        ("http2Enabled", Boolean(default="1")),
        ("forwardFor", Boolean(default="0")),
        (
            "persistence",
            Option(
                default="sticktable",
                values=options(
                    ("sticktable", "Stick-table persistence [default]"),
                    ("cookie", "Cookie-based persistence (HTTP/HTTPS only)"),
                ),
            ),
        ),
        (
            "persistence_cookiemode",
            Option(
                required=True,
                default="piggyback",
                values=options(
                    ("piggyback", "Piggyback on existing cookie"), ("new", "Insert new cookie")
                ),
            ),
        ),
        ("persistence_cookiename", Text(default="SRVCOOKIE")),
        (
            "stickiness_pattern",
            Option(
                default="sourceipv4",
                values=options(
                    ("binary", "Binary"),
                    ("cookievalue", "Cookie value"),
                    ("integer", "Integer"),
                    ("rdpcookie", "RDP-Cookie"),
                    ("sourceipv4", "Source-IPv4 [default]"),
                    ("sourceipv6", "Source-IPv6"),
                    ("string", "String"),
                ),
            ),
        ),
        ("stickiness_expire", Text(required=True, default="30m")),
        ("stickiness_size", Text(required=True, default="50k")),
        ("tuning_timeoutConnect", DURATION),
        ("tuning_timeoutServer", DURATION),
        (
            "tuning_retries",
            Integer(minimum=0, maximum=100, message="Please specify a value between 0 and 100."),
        ),
        (
            "tuning_httpreuse",
            Option(
                default="safe",
                values=options(
                    ("never", "Never"),
                    ("safe", "Safe [default]"),
                    ("aggressive", "Aggressive"),
                    ("always", "Always"),
                ),
            ),
        ),
        ("customOptions", Text()),
        (
            "linkedActions",
            Relation(
                target="haproxy/settings/action",
                multiple=True,
                message="Related action item not found",
            ),
        ),
    ),
    "backends.backend",
)

HAPROXY_FRONTEND: Final = _haproxy(
    "Frontend",
    "searchFrontends",
    (
        ("id", Generated(kind="uniqid")),
        ("enabled", ON),
        ("name", HAPROXY_NAME),
        ("description", HAPROXY_DESCRIPTION),
        (
            "bind",
            Text(
                required=True,
                mask=rf"^{_LISTEN}(,{_LISTEN})*$",
                message="Please provide a valid listen address, i.e. 127.0.0.1:8080, "
                "[::1]:8080, www.example.com:443, quic4@www.example.com or "
                "unix@socket-name. Port range as start-end, i.e. 127.0.0.1:1220-1240.",
            ),
        ),
        ("bindOptions", Text()),
        (
            "mode",
            Option(
                required=True,
                default="http",
                values=options(
                    ("http", "HTTP / HTTPS (SSL offloading) [default]"),
                    ("ssl", "SSL / HTTPS (TCP mode)"),
                    ("tcp", "TCP"),
                ),
            ),
        ),
        (
            "defaultBackend",
            Relation(target="haproxy/settings/backend", message="Related backend item not found"),
        ),
        ("ssl_enabled", OFF),
        (
            "ssl_certificates",
            CertRef(multiple=True, message="Please select a valid certificate from the list."),
        ),
        (
            "ssl_default_certificate",
            CertRef(message="Please select a valid certificate from the list."),
        ),
        ("ssl_customOptions", Text()),
        ("ssl_advancedEnabled", OFF),
        ("ssl_minVersion", Option(default="TLSv1.2", values=TLS_VERSIONS)),
        ("ssl_maxVersion", Option(values=TLS_VERSIONS)),
        ("ssl_hstsEnabled", ON),
        ("forwardFor", OFF),
        (
            "connectionBehaviour",
            Option(
                required=True,
                default="http-keep-alive",
                values=options(
                    ("http-keep-alive", "http-keep-alive [default]"),
                    ("httpclose", "httpclose"),
                    ("http-server-close", "http-server-close"),
                ),
            ),
        ),
        ("customOptions", Text()),
        (
            "linkedActions",
            Relation(
                target="haproxy/settings/action",
                multiple=True,
                message="Related action item not found",
            ),
        ),
    ),
    "frontends.frontend",
)


HAPROXY: Final[tuple[Component, ...]] = (HAPROXY_SERVER, HAPROXY_BACKEND, HAPROXY_FRONTEND)
