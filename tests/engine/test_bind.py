"""Binding: references to resources, variables and secrets, and the edges they make."""

from __future__ import annotations

import json
import random
from dataclasses import fields
from typing import Any

import pytest

from mcp_iac.core import (
    ConfigError,
    CycleError,
    DeploymentSpec,
    Location,
    UnresolvedReference,
    load_document,
)
from mcp_iac.engine import (
    BoundDeployment,
    BoundResource,
    bind,
    coerce_variable,
    make_plan,
    secret_value,
)
from mcp_iac.engine._bind import new_bound

WEB = {"type": "aws:ec2:instance", "name": "web-1", "properties": {"size": "t3"}}
EIP = {"type": "aws:ec2:eip", "name": "web-1"}


def spec(*resources: dict[str, Any], **extra: Any) -> DeploymentSpec:
    return load_document(
        {
            "apiVersion": "iac.mcp/v1",
            "kind": "Deployment",
            "metadata": {"name": "portal"},
            "spec": {"resources": list(resources), **extra},
        },
        source="portal.yaml",
    )


def rule(**properties: Any) -> dict[str, Any]:
    return {"type": "opnsense:firewall:rule", "name": "allow", "properties": properties}


def bound_rule(*others: dict[str, Any], **properties: Any) -> dict[str, Any]:
    bound = bind(spec(*others, rule(**properties)), environ={})
    return bound.resources["opnsense:firewall:rule:allow"].template


def bind_error(
    s: DeploymentSpec,
    variables: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        bind(s, variables, environ=environ or {})
    return caught.value


# -- resource references ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "${aws:ec2:instance:web-1.privateIp}",
        "${aws:ec2:web-1.privateIp}",
        "${aws:web-1.privateIp}",
        "${web-1.privateIp}",
    ],
)
def test_full_addresses_unique_type_prefixes_and_names_all_find_the_same_resource(
    text: str,
) -> None:
    assert bound_rule(WEB, dst=text) == {"dst": "${aws:ec2:instance:web-1.privateIp}"}


def test_multi_segment_types_resolve_by_prefix_of_whole_segments() -> None:
    frontend = {"type": "opnsense:service:haproxy:frontend", "name": "web"}
    backend = {"type": "opnsense:service:haproxy:backend", "name": "web"}
    assert bound_rule(
        frontend,
        backend,
        a="${opnsense:service:haproxy:frontend:web.bind}",
        b="${opnsense:service:haproxy:backend:web.bind}",
    ) == {
        "a": "${opnsense:service:haproxy:frontend:web.bind}",
        "b": "${opnsense:service:haproxy:backend:web.bind}",
    }


def test_a_prefix_must_be_whole_segments() -> None:
    err = bind_error(spec(WEB, rule(dst="${aws:ec:web-1.privateIp}")))
    assert isinstance(err, UnresolvedReference)
    assert err.candidates == ("aws:ec2:instance:web-1",)


def test_a_resource_on_a_named_server_is_referenced_by_that_server() -> None:
    eu = {**WEB, "server": "aws-eu"}
    assert bound_rule(eu, dst="${aws-eu:ec2:web-1.ip}") == {
        "dst": "${aws-eu:ec2:instance:web-1.ip}"
    }


def test_an_ambiguous_prefix_is_an_error_listing_the_matches() -> None:
    err = bind_error(spec(WEB, EIP, rule(dst="${aws:ec2:web-1.privateIp}")))
    assert isinstance(err, UnresolvedReference)
    assert "is ambiguous: it matches 'aws:ec2:eip:web-1', 'aws:ec2:instance:web-1'" in str(err)
    assert err.location == Location("portal.yaml", "opnsense:firewall:rule:allow", "dst")


def test_an_ambiguous_name_is_an_error_and_the_full_address_resolves_it() -> None:
    err = bind_error(spec(WEB, EIP, rule(dst="${web-1.privateIp}")))
    assert "is ambiguous" in str(err)
    assert bound_rule(WEB, EIP, dst="${aws:ec2:eip:web-1.ip}") == {"dst": "${aws:ec2:eip:web-1.ip}"}


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("${aws:ec2:instance:web-2.privateIp}", "aws:ec2:instance:web-1"),
        ("${aws:ec2:instanse:web-1.privateIp}", "aws:ec2:instance:web-1"),
        ("${web1.privateIp}", "web-1"),
        ("${web_1.privateIp}", "web-1"),
    ],
)
def test_a_typo_in_a_reference_is_an_error_with_did_you_mean(text: str, suggestion: str) -> None:
    err = bind_error(spec(WEB, rule(dst=text)))
    assert isinstance(err, UnresolvedReference)
    assert err.reference == text
    assert "names no resource in this deployment" in str(err)
    assert err.hint == f"did you mean '{suggestion}'?"


def test_errors_name_the_file_the_resource_and_the_nested_property() -> None:
    err = bind_error(spec(WEB, rule(rules=[{"port": 22}, {"dst": "${nope.ip}"}])))
    assert err.location == Location("portal.yaml", "opnsense:firewall:rule:allow", "rules[1].dst")
    assert str(err).startswith(
        "portal.yaml, resource 'opnsense:firewall:rule:allow', property 'rules[1].dst': "
    )


def test_a_malformed_reference_is_a_config_error_at_its_location() -> None:
    err = bind_error(spec(WEB, rule(dst="${web-1.ip")))
    assert "has no closing" in str(err)
    assert err.location.property == "dst"


def test_a_reference_in_a_deployment_output_is_checked_and_canonicalised() -> None:
    bound = bind(spec(WEB, outputs={"ip": "${web-1.privateIp}"}))
    assert bound.outputs == {"ip": "${aws:ec2:instance:web-1.privateIp}"}
    err = bind_error(spec(WEB, outputs={"ip": "${web-2.privateIp}"}))
    assert err.location == Location(file="portal.yaml", property="outputs.ip")


# -- edges ------------------------------------------------------------------------------------


def test_every_reference_and_every_depends_on_entry_is_a_dependency_edge() -> None:
    net = {"type": "aws:ec2:vpc", "name": "net"}
    app = {
        "type": "aws:ec2:instance",
        "name": "app",
        "properties": {"a": "${web-1.privateIp}", "b": ["x-${web-1.privateIp}"]},
        "dependsOn": ["net"],
    }
    bound = bind(spec(net, WEB, app))
    res = bound.resources["aws:ec2:instance:app"]
    assert res.dependencies == ("aws:ec2:instance:web-1", "aws:ec2:vpc:net")
    assert res.ref_dependencies == frozenset({"aws:ec2:instance:web-1"})
    assert res.urn == "portal/aws:ec2:instance:app"
    assert bound.resources["aws:ec2:vpc:net"].dependencies == ()


def test_an_unknown_depends_on_entry_names_its_position() -> None:
    app = {"type": "aws:ec2:instance", "name": "app", "dependsOn": ["web-1", "wbe-1"]}
    err = bind_error(spec(WEB, app))
    assert isinstance(err, UnresolvedReference)
    assert err.location.property == "dependsOn[1]"
    assert err.candidates == ("web-1",)


@pytest.mark.parametrize(
    "resource",
    [
        {**WEB, "properties": {"me": "${web-1.privateIp}"}},
        {**WEB, "properties": {"me": "x ${aws:ec2:instance:web-1.id}"}},
        {**WEB, "properties": {"me": {"deep": ["${aws:ec2:instance:web-1.id}"]}}},
        {**WEB, "dependsOn": ["aws:ec2:instance:web-1"]},
    ],
)
def test_a_resource_that_references_itself_is_a_cycle(resource: dict[str, Any]) -> None:
    err = bind_error(spec(resource))
    assert isinstance(err, CycleError)
    assert err.cycle == ["aws:ec2:instance:web-1", "aws:ec2:instance:web-1"]


# -- whole values and interpolation -----------------------------------------------------------


def test_a_whole_value_variable_keeps_its_type_and_interpolation_makes_text() -> None:
    s = spec(
        rule(
            port="${port}",
            ports="${ports}",
            on="${on}",
            url="http://h:${port}/${on}",
            none="${nothing}",
            blank="[${nothing}]",
        ),
        variables={
            "port": 8080,
            "ports": [80, 443],
            "on": True,
            "nothing": {"type": "any", "default": None},
        },
    )
    template = bind(s).resources["opnsense:firewall:rule:allow"].template
    assert template == {
        "port": 8080,
        "ports": [80, 443],
        "on": True,
        "url": "http://h:8080/true",
        "none": None,
        "blank": "[]",
    }


def test_an_object_or_list_variable_inside_a_longer_string_is_an_error() -> None:
    s = spec(rule(dst="to ${ports}"), variables={"ports": [80, 443]})
    err = bind_error(s)
    assert "'${ports}' is a list and cannot be interpolated into a string" in str(err)
    assert err.location.property == "dst"
    s = spec(rule(dst="to ${cfg}"), variables={"cfg": {"type": "object", "default": {"a": 1}}})
    assert "is a dict and cannot be interpolated" in str(bind_error(s))


def test_a_whole_value_resource_reference_stays_a_reference_for_the_planner() -> None:
    assert bound_rule(WEB, dst="${web-1.tags}") == {"dst": "${aws:ec2:instance:web-1.tags}"}


def test_literal_dollar_braces_survive_binding_and_variables_are_not_re_read() -> None:
    s = spec(rule(cmd="echo $${HOME} ${v}", whole="${v}"), variables={"v": "${not-a-ref}"})
    template = bind(s).resources["opnsense:firewall:rule:allow"].template
    assert template == {"cmd": "echo $${HOME} $${not-a-ref}", "whole": "$${not-a-ref}"}
    bound = bind(s)
    plan = make_plan(bound, {}, deployment="portal", now="t")
    step = plan.step("opnsense:firewall:rule:allow")
    assert step is not None
    assert step.after == {"cmd": "echo ${HOME} ${not-a-ref}", "whole": "${not-a-ref}"}


def test_a_variable_name_typo_suggests_the_variable() -> None:
    err = bind_error(spec(rule(port="${prot}"), variables={"port": 1}))
    assert isinstance(err, UnresolvedReference)
    assert "names no variable" in str(err)
    assert err.candidates == ("port",)


# -- variables --------------------------------------------------------------------------------

TYPED = {
    "count": {"type": "integer", "default": 1},
    "ratio": {"type": "number", "default": 0.5},
    "enabled": {"type": "boolean", "default": False},
    "zones": {"type": "list", "default": []},
    "tags": {"type": "object", "default": {}},
    "name": {"type": "string", "default": "x"},
}


def bind_vars(variables: dict[str, Any]) -> dict[str, Any]:
    return bind(spec(variables=TYPED), variables).variables


def test_var_strings_are_typed_by_the_declaration() -> None:
    assert bind_vars(
        {
            "count": "3",
            "ratio": "1.5",
            "enabled": "true",
            "zones": '["a", "b"]',
            "tags": '{"env": "prod"}',
            "name": "42",
        }
    ) == {
        "count": 3,
        "ratio": 1.5,
        "enabled": True,
        "zones": ["a", "b"],
        "tags": {"env": "prod"},
        "name": "42",
    }


@pytest.mark.parametrize(
    ("raw", "value"),
    [("true", True), ("False", False), ("1", True), ("0", False), ("yes", True), ("no", False)],
)
def test_boolean_vars_accept_the_usual_spellings(raw: str, value: bool) -> None:
    assert bind_vars({"enabled": raw})["enabled"] is value


def test_defaults_apply_when_no_var_is_given() -> None:
    assert bind_vars({}) == {
        "count": 1,
        "ratio": 0.5,
        "enabled": False,
        "zones": [],
        "tags": {},
        "name": "x",
    }


@pytest.mark.parametrize(
    ("name", "raw", "hint"),
    [
        ("count", "three", "--var count=150"),
        ("count", "1.5", "--var count=150"),
        ("enabled", "maybe", "--var enabled=true"),
        ("zones", "a,b", "--var zones='[1, 2]'"),
        ("zones", '{"a": 1}', None),
        ("ratio", "fast", "--var ratio=1.5"),
    ],
)
def test_a_var_that_does_not_fit_its_type_is_an_error_with_an_example(
    name: str, raw: str, hint: str | None
) -> None:
    err = bind_error(spec(variables=TYPED), {name: raw})
    assert f"is not a valid {TYPED[name]['type']}" in err.reason
    assert err.location == Location(file="portal.yaml", property=f"variables.{name}")
    if hint:
        assert err.hint == f"pass e.g. {hint}"


def test_a_missing_required_variable_is_an_error_saying_how_to_pass_it() -> None:
    err = bind_error(spec(variables={"vlan": {"type": "integer"}}))
    assert err.reason == "variable 'vlan' has no default and was not given"
    assert err.hint == "pass --var vlan=VALUE"
    assert bind(spec(variables={"vlan": {"type": "integer"}}), {"vlan": "20"}).variables == {
        "vlan": 20
    }


def test_an_undeclared_var_is_an_error_with_did_you_mean() -> None:
    err = bind_error(spec(variables=TYPED), {"cont": "3"})
    assert "declares no variable 'cont'" in err.reason
    assert err.hint == "did you mean 'count'?"


def test_a_default_of_the_wrong_type_is_an_error() -> None:
    err = bind_error(spec(variables={"n": {"type": "integer", "default": "many"}}))
    assert "'many' is not a valid integer" in err.reason


def test_coerce_variable_leaves_values_of_the_right_type_alone() -> None:
    from mcp_iac.core import VariableSpec

    assert coerce_variable("n", VariableSpec(type="integer"), 5, source=None) == 5
    assert coerce_variable("a", VariableSpec(type="any"), {"x": 1}, source=None) == {"x": 1}
    with pytest.raises(ConfigError, match="is not a valid string"):
        coerce_variable("s", VariableSpec(type="string"), 5, source=None)


# -- secrets ----------------------------------------------------------------------------------

TOKEN = "s3cr3t-value"


@pytest.mark.parametrize("env_name", ["MCP_IAC_SECRET_API_TOKEN", "API_TOKEN"])
def test_a_secret_reference_needs_its_environment_variable(env_name: str) -> None:
    s = spec(rule(auth="Bearer ${secret:API_TOKEN}"))
    bound = bind(s, environ={env_name: TOKEN})
    assert bound.secrets == frozenset({"API_TOKEN"})
    assert bound.resources["opnsense:firewall:rule:allow"].template == {
        "auth": "Bearer ${secret:API_TOKEN}"
    }


def test_the_prefixed_secret_variable_wins_over_the_plain_one() -> None:
    env = {"MCP_IAC_SECRET_K": "prefixed", "K": "plain"}
    assert secret_value("K", env) == "prefixed"
    assert secret_value("K", {"K": "plain"}) == "plain"
    assert secret_value("K", {}) is None


def test_a_missing_secret_is_an_error_saying_what_to_export() -> None:
    err = bind_error(spec(rule(auth="${secret:API_TOKEN}")))
    assert err.reason == "secret 'API_TOKEN' is not set"
    assert err.hint == "export MCP_IAC_SECRET_API_TOKEN=... (or API_TOKEN) before running"
    assert err.location.property == "auth"


def test_secrets_need_not_exist_when_checking_is_off() -> None:
    bound = bind(spec(rule(auth="${secret:API_TOKEN}")), environ={}, check_secrets=False)
    assert bound.secrets == frozenset({"API_TOKEN"})


def planned(bound: BoundDeployment, environ: dict[str, str]) -> str:
    plan = make_plan(bound, {}, deployment="portal", environ=environ, now="t")
    return json.dumps(plan.to_dict())


def test_secret_values_never_appear_in_the_plan_document() -> None:
    env = {"MCP_IAC_SECRET_API_TOKEN": TOKEN}
    s = spec(
        rule(
            whole="${secret:API_TOKEN}",
            inside="Bearer ${secret:API_TOKEN}",
            nested={"list": ["${secret:API_TOKEN}"]},
        ),
        outputs={"auth": "${secret:API_TOKEN}"},
    )
    bound = bind(s, environ=env)
    text = planned(bound, env)
    assert TOKEN not in text
    step = json.loads(text)["steps"][0]
    assert step["after"] == {
        "whole": "(sensitive)",
        "inside": "(sensitive)",
        "nested": {"list": ["(sensitive)"]},
    }
    assert step["template"]["whole"] == "${secret:API_TOKEN}"


def test_canonical_strings_resolve_the_same_whether_parsed_or_handed_over() -> None:
    from mcp_iac.core import load_document, parse_template
    from mcp_iac.engine import bind
    from mcp_iac.engine._resolve import template_parts

    doc = {
        "apiVersion": "iac.mcp/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "variables": {"v": {"type": "string", "default": "x${y"}},
            "resources": [
                {"type": "t:a", "name": "a", "properties": {}},
                {
                    "type": "t:b",
                    "name": "b",
                    "properties": {
                        "p": "pre $${lit} ${a.id} mid ${v} ${a.o[1].k} end",
                        "q": "${t:a:a.id}",
                        "r": "lit-${a.id}",
                        "s": "${secret:S}-${a.id}",
                    },
                },
            ],
        },
    }
    bound = bind(load_document(doc), environ={"S": "x"})
    for text in bound.resources["t:b:b"].template.values():
        assert isinstance(text, str)
        assert template_parts(text) == tuple(parse_template(text))


@pytest.mark.parametrize(
    "text",
    [
        "${aws:ec2:instance:web-1.a.b[0]}",
        "${ aws:ec2:instance:web-1.a.b[0] }",
        "${aws:ec2:instance:web-1.a.b[00]}",
        "${aws:ec2:web-1.a.b[0]}",
        "${aws:web-1.a.b[0]}",
        "${web-1.a.b[0]}",
    ],
)
def test_every_spelling_of_a_reference_binds_to_one_canonical_text_and_its_parse(
    text: str,
) -> None:
    from mcp_iac.core import parse_template
    from mcp_iac.engine._resolve import template_parts

    bound = bind(spec(WEB, rule(whole=text, inside=f"<{text}>", listed=[{"x": text}])), environ={})
    template = bound.resources["opnsense:firewall:rule:allow"].template
    canonical = "${aws:ec2:instance:web-1.a.b[0]}"
    assert template == {
        "whole": canonical,
        "inside": f"<{canonical}>",
        "listed": [{"x": canonical}],
    }
    for value in (canonical, f"<{canonical}>"):
        assert template_parts(value) == tuple(parse_template(value))
    assert bound.resources["opnsense:firewall:rule:allow"].ref_dependencies == {
        "aws:ec2:instance:web-1"
    }


def test_a_full_address_that_names_nothing_is_an_error_at_its_nested_property() -> None:
    err = bind_error(spec(WEB, rule(rules=[{"port": 22}, {"dst": "${aws:ec2:instance:web-2.ip}"}])))
    assert isinstance(err, UnresolvedReference)
    assert err.location == Location("portal.yaml", "opnsense:firewall:rule:allow", "rules[1].dst")
    assert err.hint == "did you mean 'aws:ec2:instance:web-1'?"


def test_a_reference_repeated_across_resources_is_an_edge_of_each_and_still_finds_cycles() -> None:
    text = "${aws:ec2:instance:web-1.privateIp}"
    a = {"type": "aws:ec2:instance", "name": "a", "properties": {"x": text, "y": [text]}}
    b = {"type": "aws:ec2:instance", "name": "b", "properties": {"x": "${ web-1.privateIp }"}}
    bound = bind(spec(WEB, a, b, rule(z=text, w="${ web-1.privateIp }")), environ={})
    for address in ("aws:ec2:instance:a", "aws:ec2:instance:b", "opnsense:firewall:rule:allow"):
        assert bound.resources[address].ref_dependencies == {"aws:ec2:instance:web-1"}
    assert bound.resources["aws:ec2:instance:a"].template == {"x": text, "y": [text]}
    assert bound.resources["opnsense:firewall:rule:allow"].template == {"z": text, "w": text}
    # the same text, bound already for another resource, in the resource it names
    err = bind_error(spec(a, {**WEB, "properties": {"me": text}}))
    assert isinstance(err, CycleError)
    assert err.cycle == ["aws:ec2:instance:web-1", "aws:ec2:instance:web-1"]


# -- locations of errors deep in properties and outputs ---------------------------------------

RULE = "opnsense:firewall:rule:allow"


@pytest.mark.parametrize(
    ("document", "address", "prop"),
    [
        (spec(WEB, rule(a=[[1, ["${nope.x}"]]])), RULE, "a[0][1][0]"),
        (spec(WEB, rule(a={"b": [{"c": 1}, {"d": {"e": "${web-2.ip}"}}]})), RULE, "a.b[1].d.e"),
        (spec(WEB, rule(a=[0, "${web-1.ip"])), RULE, "a[1]"),
        (spec(WEB, EIP, rule(a={"x": ["${aws:web-1.ip}"]})), RULE, "a.x[0]"),
        (spec(WEB, rule(a={"b": ["x-${nope}"]})), RULE, "a.b[0]"),
        (spec(WEB, rule(a=[{"k": "${secret:NOPE}"}])), RULE, "a[0].k"),
        (spec(WEB, outputs={"o": {"a": [1, {"b": "${web-9.x}"}]}}), None, "outputs.o.a[1].b"),
        (spec(WEB, outputs={"o": ["${web-1.x}", "${nope}"]}), None, "outputs.o[1]"),
    ],
)
def test_an_error_deep_in_lists_and_objects_names_its_whole_path(
    document: DeploymentSpec, address: str | None, prop: str
) -> None:
    assert bind_error(document).location == Location("portal.yaml", address, prop)


def test_a_reference_bound_before_is_still_a_cycle_deep_in_the_resource_it_names() -> None:
    text = "${aws:ec2:instance:web-1.id}"
    err = bind_error(spec(rule(a=text), {**WEB, "properties": {"x": {"y": [text]}}}))
    assert isinstance(err, CycleError)


# -- the walk over properties agrees with binding each value alone ---------------------------

LEAVES = [
    "${aws:ec2:instance:web-1.ip}",
    "${web-1.ip}",
    "${ aws:ec2:eip:eip-1.id }",
    "x-${aws:ec2:eip:eip-1.id}-${n}",
    "${n}",
    "${s}",
    "${s}-${n}",
    "lit $${x}",
    "plain",
    3,
    2.5,
    True,
    None,
]
OTHERS = (WEB, {"type": "aws:ec2:eip", "name": "eip-1"})
VARIABLES = {"n": 7, "s": "not a ${ref}"}


def random_tree(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth == 0 or roll < 0.5:
        return rng.choice(LEAVES)
    if roll < 0.75:
        return [random_tree(rng, depth - 1) for _ in range(rng.randrange(4))]
    return {f"k{i}": random_tree(rng, depth - 1) for i in range(rng.randrange(4))}


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in leaves(v, (*path, k))]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in leaves(v, (*path, i))]
    return [(path, value)]


def test_binding_a_tree_binds_each_leaf_as_it_would_be_bound_alone() -> None:
    rng = random.Random(11)
    for _ in range(200):
        tree = {f"p{i}": random_tree(rng, 4) for i in range(rng.randrange(1, 4))}
        bound = bind(spec(*OTHERS, rule(**tree), variables=VARIABLES), environ={})
        resource = bound.resources[RULE]
        assert [path for path, _ in leaves(resource.template)] == [p for p, _ in leaves(tree)]
        deps: set[str] = set()
        for path, value in leaves(tree):
            alone = bind(spec(*OTHERS, rule(v=value), variables=VARIABLES), environ={})
            got: Any = resource.template
            for key in path:
                got = got[key]
            assert got == alone.resources[RULE].template["v"]
            deps |= alone.resources[RULE].ref_dependencies
        assert resource.ref_dependencies == deps
        assert resource.dependencies == tuple(sorted(deps))


# -- bound resources filled through their slots -----------------------------------------------


def test_new_bound_builds_the_resource_the_constructor_builds() -> None:
    assert new_bound is not BoundResource  # the fast builder is in use
    (r,) = spec(WEB).resources
    values: dict[str, Any] = {
        "spec": r,
        "address": r.address,
        "urn": "portal/" + r.address,
        "template": {"size": "t3"},
        "dependencies": ("a:b:c", "a:b:d"),
        "ref_dependencies": frozenset({"a:b:c"}),
    }
    assert list(values) == [f.name for f in fields(BoundResource) if f.init]
    built, made = new_bound(*values.values()), BoundResource(**values)
    assert type(built) is BoundResource
    assert built == made
    assert repr(built) == repr(made)
    for f in fields(BoundResource):  # every slot, those the constructor derives too
        assert getattr(built, f.name) is getattr(made, f.name), f.name
    with pytest.raises(AttributeError):
        built.urn = "other"  # type: ignore[misc]  # proving it is refused
    with pytest.raises(TypeError):
        new_bound(*list(values.values())[:-1])  # one missing


def test_a_bound_resource_has_its_specs_type_server_name_and_options_at_hand() -> None:
    (r,) = spec(WEB).resources
    made = BoundResource(spec=r, address=r.address, urn="u", template={}, dependencies=())
    assert (made.type, made.server, made.name, made.options) == (
        r.type,
        r.server,
        r.name,
        r.options,
    )
    assert repr(made).endswith(", ref_dependencies=frozenset())")  # shown with the spec
    bound = bind(spec(WEB), environ={})
    for address, res in bound.resources.items():
        assert (res.type, res.server, res.name, res.options) == (
            res.spec.type,
            res.spec.server,
            res.spec.name,
            res.spec.options,
        ), address


def test_the_binder_keeps_the_target_and_path_of_each_string_that_is_one_resource_reference() -> (
    None
):
    from mcp_iac.core import Ref, parse_template

    text = "${aws:ec2:instance:web-1.a.b[0]}"
    bound = bind(
        spec(
            WEB,
            rule(
                whole=text,
                short="${web-1.a.b[0]}",
                inside=f"<{text}>",
                listed=[{"x": "${web-1.id}"}],
                secret="${secret:S}",
            ),
        ),
        environ={"S": "x"},
    )
    assert bound.ref_targets == {
        text: ("aws:ec2:instance:web-1", ("a", "b", 0)),
        "${aws:ec2:instance:web-1.id}": ("aws:ec2:instance:web-1", ("id",)),
    }
    for canonical, (address, path) in bound.ref_targets.items():
        [ref] = parse_template(canonical)
        assert isinstance(ref, Ref)
        assert (ref.kind, ref.target, ref.path) == ("resource", address, path)


# -- a reference written canonically to a full address: bound without its Ref --------------


FULL_ADDRESS_CASES = [
    "${aws:ec2:instance:web-1.privateIp}",  # the fast path
    "${aws:ec2:instance:web-1.a.b[0][12].c}",
    "${aws:ec2:eip:web-1.id}",
    "${aws:ec2:instance:web-2.ip}",  # no such resource: the general path's error
    "${aws:ec2:web-1.ip}",  # shorter forms: the general path
    "${aws:web-1.ip}",
    "${web-1.ip}",  # ambiguous
    "${ aws:ec2:instance:web-1.ip }",  # not canonical
    "${aws:ec2:instance:web-1.x[01]}",
    "${opnsense:firewall:rule:allow.id}",  # itself: a cycle
]


def bound_or_error(text: str, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    from mcp_iac.engine._bind import Binder

    with monkeypatch.context() as patched:
        if not fast:
            patched.setattr(Binder, "_canonical_full_ref", lambda self, value: None)
        try:
            bound = bind(spec(WEB, EIP, rule(a=text, b=[text, {"c": text}])), environ={})
        except ConfigError as exc:
            return (type(exc), str(exc), exc.location, exc.hint)
        except CycleError as exc:
            return (type(exc), str(exc))
    res = bound.resources["opnsense:firewall:rule:allow"]
    return (res.template, res.dependencies, res.ref_dependencies, dict(bound.ref_targets))


@pytest.mark.parametrize("text", FULL_ADDRESS_CASES)
def test_a_reference_binds_alike_with_and_without_the_full_address_fast_path(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = bound_or_error(text, fast=True, monkeypatch=monkeypatch)
    assert fast == bound_or_error(text, fast=False, monkeypatch=monkeypatch)
