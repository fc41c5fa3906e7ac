"""Pack ``pci``: checks a cardholder-data environment needs (PCI DSS requirements 1, 3, 4,
10); the ``pci-compliant-ecommerce`` pattern passes them."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from pydantic import Field

from mcp_iac.core import UNKNOWN
from mcp_iac.policy._model import Finding
from mcp_iac.policy._policy import Policy, policy
from mcp_iac.policy._view import Maybe, PlannedResource, all_of, eq, negate, test

from . import _common as c
from ._pack import Pack, Settings

MODERN_TLS = (
    "ELBSecurityPolicy-TLS13-*",
    "ELBSecurityPolicy-TLS-1-2-*",
    "ELBSecurityPolicy-FS-1-2-*",
)


class PciSettings(Settings):
    """Settings of ``pci``."""

    min_backup_days: int = Field(
        default=7, ge=1, le=35, alias="minBackupDays", description="Least RDS backup retention."
    )


def _tls_listeners(r: PlannedResource) -> Iterator[Finding | Maybe]:
    listeners = c.rules(r.get("listeners"))
    if listeners is UNKNOWN:
        yield UNKNOWN
        return
    assert isinstance(listeners, list)
    for i, listener in enumerate(listeners):
        if not isinstance(listener, dict):
            yield Finding(path=f"listeners[{i}]", undetermined=True)
            continue
        protocol, ssl_policy = listener.get("protocol", "HTTP"), listener.get("sslPolicy")
        if UNKNOWN in (protocol, ssl_policy):
            yield Finding(path=f"listeners[{i}]", undetermined=True)
        elif protocol in ("HTTP", "TCP", "UDP", "TCP_UDP"):
            yield Finding(
                message=f"Load balancer {{address}} listener on port {listener.get('port')} "
                f"is unencrypted ({protocol})",
                path=f"listeners[{i}]",
            )
        elif not ssl_policy or not any(fnmatch.fnmatchcase(ssl_policy, g) for g in MODERN_TLS):
            yield Finding(
                message=f"Load balancer {{address}} listener on port {listener.get('port')} "
                f"allows TLS older than 1.2 (sslPolicy {ssl_policy or 'default'})",
                path=f"listeners[{i}].sslPolicy",
            )


def build(settings: PciSettings) -> list[Policy]:
    days = settings.min_backup_days

    def backups(r: PlannedResource) -> Maybe | str:
        kept = r.get("backupRetentionPeriod")
        kept = 1 if kept is None else kept  # AWS's default retention
        verdict = test(kept, lambda k: isinstance(k, int) and k < days)
        if verdict is True:
            return f"RDS instance {r.address} keeps backups {kept} day(s); PCI needs {days}"
        return verdict

    return [
        policy(
            "pci-no-public-database",
            title="Cardholder databases are not public",
            severity="critical",
            types=["aws:rds:instance"],
            message="RDS instance {address} is publicly accessible",
            remediation="Set publiclyAccessible: false and reach it from the application "
            "subnets only (PCI DSS 1.3).",
        )(lambda r: eq(r.get("publiclyAccessible", False), True)),
        policy(
            "pci-database-backups",
            title="Database backups are kept",
            severity="high",
            types=["aws:rds:instance"],
            message="RDS instance {address} keeps too few days of backups",
            remediation=f"Set backupRetentionPeriod to at least {days} (setting minBackupDays "
            "of the pci pack).",
        )(backups),
        policy(
            "pci-tls-listeners",
            title="Cardholder traffic is encrypted with TLS 1.2+",
            severity="high",
            types=["aws:elb:loadBalancer"],
            message="Load balancer {address} has an unencrypted listener",
            remediation="Use HTTPS or TLS listeners with sslPolicy "
            "ELBSecurityPolicy-TLS13-1-2-2021-06 (PCI DSS 4.2).",
        )(_tls_listeners),
        policy(
            "pci-firewall-logging",
            title="Firewall pass rules are logged",
            severity="medium",
            types=["opnsense:firewall:rule"],
            message="Firewall rule {address} passes traffic without logging it",
            remediation="Set log: true on pass rules (PCI DSS 10.2: log access to the "
            "cardholder-data environment).",
        )(lambda r: all_of(c.opnsense_passes(r), negate(eq(r.get("log", False), True)))),
        policy(
            "pci-bucket-versioning",
            title="Buckets keep versions",
            severity="medium",
            types=["aws:s3:bucket"],
            message="S3 bucket {address} does not keep object versions",
            remediation="Set versioning: true (PCI DSS 10.5: protect audit trails from change).",
        )(lambda r: test(r.get("versioning", False), lambda v: v is not True)),
    ]


PACK = Pack(
    name="pci",
    description="Cardholder-data checks: private databases with backups, TLS 1.2+ listeners, "
    "logged firewall rules, versioned buckets.",
    default=False,
    build=build,
    settings=PciSettings,
)
