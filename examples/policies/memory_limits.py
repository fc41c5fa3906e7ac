"""A Python policy: containers declare a memory limit (unknown values are undetermined)."""

from mcp_iac.policy import PlannedResource, policy, test


@policy(
    "container-memory-limit",
    title="Containers have a memory limit",
    severity="medium",
    enforcement="advisory",
    types=["docker:container"],
    message="{address} has no memory limit",
    remediation="Set memory (e.g. 512m) so one container cannot starve the host.",
)
def memory_limit(container: PlannedResource) -> object:
    """A container without ``memory`` may use all the host's memory."""
    return test(container.get("memory"), lambda limit: not limit)
