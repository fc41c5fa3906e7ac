"""A Python pattern: a parameter model and a generator returning a Deployment."""

from pydantic import Field

from mcp_iac import Deployment
from mcp_iac.patterns import Params, pattern


class GreetingParams(Params):
    greeting: str = Field("hello", min_length=1, description="What to say.")
    times: int = Field(1, ge=1, le=10, description="How often.")


@pattern("greeting")
def greeting(p: GreetingParams) -> Deployment:
    """A file that greets, written by the local provider."""
    d = Deployment("greeting")
    d.add("local:file", "greeting", path="out/greeting.txt", content=(p.greeting + "\n") * p.times)
    return d
