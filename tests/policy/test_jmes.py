from __future__ import annotations

import pytest

from mcp_iac.core import UNKNOWN
from mcp_iac.policy import Expression, port_covers

DATA = {
    "properties": {
        "source": "any",
        "destination": UNKNOWN,
        "tags": {"Owner": "ops"},
        "ingress": [{"port": 22}, {"port": UNKNOWN}],
        "ports": [80, UNKNOWN],
    }
}


@pytest.mark.parametrize(
    ("expression", "truth"),
    [
        ("properties.source == 'any'", True),
        ("properties.destination == 'any'", UNKNOWN),
        ("properties.source == 'any' && properties.destination == 'any'", UNKNOWN),
        ("properties.source == 'x' && properties.destination == 'any'", False),
        ("properties.destination == 'any' && properties.source == 'x'", False),
        ("properties.source == 'any' || properties.destination == 'any'", True),
        ("properties.source == 'x' || properties.destination == 'any'", UNKNOWN),
        ("!(properties.destination == 'any')", UNKNOWN),
        ("properties.destination.deep.field", UNKNOWN),
        ("contains(properties.ports, `80`)", True),
        ("contains(properties.ports, `443`)", UNKNOWN),
        ("length(properties.ports) == `2`", True),
        ("properties.ingress[?port == `22`]", UNKNOWN),
        ("get(properties.tags, 'Owner')", True),
        ("get(properties.tags, 'CostCenter')", False),
        ("port_in('20:25', `22`)", True),
        ("to_string(properties.ports)", UNKNOWN),
        ("properties.nothing", False),
    ],
)
def test_conditions_over_unknown_values_follow_three_valued_logic(
    expression: str, truth: object
) -> None:
    assert Expression(expression).truth(DATA) is truth


def test_an_invalid_expression_says_where() -> None:
    with pytest.raises(ValueError, match=r"invalid JMESPath expression 'a ==': .* at column"):
        Expression("a ==")


def test_a_function_given_the_wrong_type_is_an_error_not_false() -> None:
    with pytest.raises(ValueError, match="invalid type"):
        Expression("starts_with(`1`, 'a')").search({})


@pytest.mark.parametrize(
    ("spec", "covered"),
    [
        (None, True),
        ("any", True),
        (22, True),
        ("22", True),
        ("10-30", True),
        ("10:21", False),
        ("80,443", False),
        ("ssh", True),
        ("web_ports", False),
        ([21, 22], True),
    ],
)
def test_port_specifications(spec: object, covered: bool) -> None:
    assert port_covers(spec, 22) is covered
