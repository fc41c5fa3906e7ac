"""Loading deployment documents: the three forms, and errors that say where and what."""

from __future__ import annotations

import datetime as dt
import enum
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mcp_iac.core import (
    API_VERSION,
    JSON,
    ConfigError,
    DeploymentSpec,
    Location,
    ResourceOptions,
    ResourceSpec,
    load_document,
    load_file,
)
from mcp_iac.core._loader import _PLAIN_DEPTH, _is_plain, _NotPlain, _plain_copy

CANONICAL_YAML = """\
apiVersion: iac.mcp/v1
kind: Deployment
metadata:
  name: customer-portal
spec:
  variables:
    vlanTag: {type: integer, default: 150}
  resources:
    - type: opnsense:network:vlan
      name: app-network
      properties: {tag: "${vlanTag}", interface: igc2}
    - type: aws:ec2:instance
      name: app-1
      properties: {instanceType: t3.medium, vlan: "${opnsense:network:vlan:app-network.uuid}"}
      dependsOn: ["opnsense:network:vlan:app-network"]
      options: {protect: true, ignoreChanges: [tags.owner], deleteBeforeReplace: true,
                timeoutSeconds: 30, retries: 4}
  outputs:
    appIp: "${aws:ec2:instance:app-1.privateIp}"
"""

VLAN = {"tag": "${vlanTag}", "interface": "igc2"}
INSTANCE = {"instanceType": "t3.medium", "vlan": "${opnsense:network:vlan:app-network.uuid}"}
OPTIONS = {
    "protect": True,
    "ignoreChanges": ["tags.owner"],
    "deleteBeforeReplace": True,
    "timeoutSeconds": 30,
    "retries": 4,
}


def canonical(*resources: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "Deployment",
        "metadata": {"name": "portal"},
        "spec": {"resources": list(resources), **spec},
    }


def load_error(document: Any) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_document(document, source="deploy.yaml")
    return caught.value


# -- the three forms ------------------------------------------------------------------------------


def test_canonical_yaml_loads_resources_addresses_options_variables_and_outputs(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text(CANONICAL_YAML)
    spec = load_file(path)
    assert spec.name == "customer-portal"
    assert spec.source == str(path)
    assert [r.address for r in spec.resources] == [
        "opnsense:network:vlan:app-network",
        "aws:ec2:instance:app-1",
    ]
    vlan, instance = spec.resources
    assert (vlan.type, vlan.server, vlan.provider) == (
        "opnsense:network:vlan",
        "opnsense",
        "opnsense",
    )
    assert vlan.properties == VLAN
    assert instance.depends_on == ("opnsense:network:vlan:app-network",)
    assert instance.options == ResourceOptions(
        protect=True,
        ignoreChanges=("tags.owner",),
        deleteBeforeReplace=True,
        timeoutSeconds=30,
        retries=4,
    )
    assert vlan.options == ResourceOptions()
    assert spec.variables["vlanTag"].type == "integer"
    assert spec.variables["vlanTag"].default == 150
    assert not spec.variables["vlanTag"].required
    assert spec.outputs == {"appIp": "${aws:ec2:instance:app-1.privateIp}"}
    assert spec.resource("aws:ec2:instance:app-1") is instance
    assert spec.resource("aws:ec2:instance:app-2") is None


def test_json_files_load_like_yaml(tmp_path: Path) -> None:
    document = canonical({"type": "local:file", "name": "hello", "properties": {"path": "/x"}})
    path = tmp_path / "deploy.json"
    path.write_text(json.dumps(document))
    assert load_file(path).resources == load_document(document).resources


def test_seed_resources_form_canonical_form_and_server_resources_form_load_into_one_model() -> None:
    canonical_doc = canonical(
        {"type": "opnsense:network:vlan", "name": "app-network", "properties": VLAN},
        {
            "type": "aws:ec2:instance",
            "name": "app-1",
            "properties": INSTANCE,
            "dependsOn": ["opnsense:network:vlan:app-network"],
            "options": OPTIONS,
        },
        outputs={"appIp": "${aws:ec2:instance:app-1.privateIp}"},
        variables={"vlanTag": {"type": "integer", "default": 150}},
    )
    seed_list = {
        "name": "portal",
        "variables": {"vlanTag": {"type": "integer", "default": 150}},
        "resources": [
            {
                "server": "opnsense",
                "type": "network:vlan",
                "name": "app-network",
                "properties": VLAN,
            },
            {
                "server": "aws",
                "type": "ec2:instance",
                "name": "app-1",
                "properties": INSTANCE,
                "dependencies": ["opnsense:network:vlan:app-network"],
                "options": OPTIONS,
            },
        ],
        "outputs": {"appIp": "${aws:ec2:instance:app-1.privateIp}"},
    }
    seed_by_server = {
        "name": "portal",
        "variables": {"vlanTag": 150},
        "serverResources": {
            "opnsense": [{"type": "network:vlan", "name": "app-network", "properties": VLAN}],
            "aws": [
                {
                    "type": "ec2:instance",
                    "name": "app-1",
                    "properties": INSTANCE,
                    "depends_on": "opnsense:network:vlan:app-network",
                    "options": OPTIONS,
                }
            ],
        },
        "outputs": {"appIp": "${aws:ec2:instance:app-1.privateIp}"},
    }
    specs = [load_document(d) for d in (canonical_doc, seed_list, seed_by_server)]
    assert specs[0] == specs[1] == specs[2]
    assert specs[0].resources[0].type == "opnsense:network:vlan"


def test_a_named_server_instance_keeps_the_provider_in_the_type_and_the_server_in_the_address() -> (
    None
):
    spec = load_document(
        canonical({"type": "aws:ec2:instance", "name": "app-1", "server": "aws-eu"})
    )
    (r,) = spec.resources
    assert (r.type, r.server, r.provider, r.address) == (
        "aws:ec2:instance",
        "aws-eu",
        "aws",
        "aws-eu:ec2:instance:app-1",
    )


def test_seed_form_accepts_a_type_that_already_names_its_server() -> None:
    spec = load_document(
        {"name": "p", "resources": [{"server": "aws", "type": "aws:ec2:instance", "name": "x"}]}
    )
    assert spec.resources[0].type == "aws:ec2:instance"


def test_multi_segment_types_give_multi_segment_addresses() -> None:
    spec = load_document(canonical({"type": "opnsense:service:haproxy:frontend", "name": "web"}))
    assert spec.resources[0].address == "opnsense:service:haproxy:frontend:web"


def test_scalar_variables_are_shorthand_for_a_default_of_the_inferred_type() -> None:
    spec = load_document(canonical(variables={"n": 3, "s": "x", "b": True, "f": 1.5, "l": [1]}))
    assert {k: (v.type, v.default) for k, v in spec.variables.items()} == {
        "n": ("integer", 3),
        "s": ("string", "x"),
        "b": ("boolean", True),
        "f": ("number", 1.5),
        "l": ("list", [1]),
    }


def test_a_variable_without_default_is_required_but_an_explicit_null_default_is_not() -> None:
    spec = load_document(
        canonical(variables={"needed": {"type": "string"}, "optional": {"default": None}})
    )
    assert spec.variables["needed"].required
    assert not spec.variables["optional"].required


def test_yaml_dates_become_json_strings(tmp_path: Path) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text(CANONICAL_YAML.replace("interface: igc2", "since: 2026-01-02"))
    assert load_file(path).resources[0].properties["since"] == "2026-01-02"


def test_loaded_specs_are_frozen() -> None:
    spec = load_document(canonical({"type": "local:file", "name": "x"}))
    with pytest.raises(ValueError, match="frozen"):
        spec.resources[0].name = "y"  # type: ignore[misc]  # proving it is refused


# -- errors name the file, the resource and the property -----------------------------------------


def test_an_unknown_top_level_field_is_named_with_did_you_mean() -> None:
    err = load_error({**canonical(), "spek": {}})
    assert err.location == Location(file="deploy.yaml", property="spek")
    assert err.hint == "did you mean 'spec'?"
    assert str(err).startswith("deploy.yaml, property 'spek': unknown field 'spek'")


def test_an_unknown_resource_field_names_the_file_the_entry_and_suggests_the_right_one() -> None:
    err = load_error(canonical({"type": "local:file", "name": "x", "propertes": {}}))
    assert err.location.file == "deploy.yaml"
    assert err.location.property == "spec.resources[0] (x).propertes"
    assert err.hint == "did you mean 'properties'?"


def test_an_unknown_spec_field_lists_the_allowed_ones_when_nothing_is_close() -> None:
    err = load_error(canonical(zzz=1))
    assert err.location.property == "spec.zzz"
    assert err.hint == "allowed: variables, resources, outputs"


def test_an_unknown_option_names_the_resource_address_and_suggests_the_option() -> None:
    err = load_error(canonical({"type": "local:file", "name": "x", "options": {"protcet": True}}))
    assert err.location == Location("deploy.yaml", "local:file:x", "options.protcet")
    assert err.hint == "did you mean 'protect'?"
    assert "resource 'local:file:x'" in str(err)


@pytest.mark.parametrize(
    ("options", "prop", "message"),
    [
        ({"retries": -1}, "options.retries", "greater than or equal to 0"),
        ({"retries": 21}, "options.retries", "less than or equal to 20"),
        ({"timeoutSeconds": 0}, "options.timeoutSeconds", "greater than 0"),
        ({"timeoutSeconds": "soon"}, "options.timeoutSeconds", "valid number"),
        ({"protect": "maybe"}, "options.protect", "valid boolean"),
        ({"ignoreChanges": "tags"}, "options.ignoreChanges", "valid tuple"),
    ],
)
def test_bad_option_values_name_the_resource_and_the_option(
    options: dict[str, Any], prop: str, message: str
) -> None:
    err = load_error(canonical({"type": "local:file", "name": "x", "options": options}))
    assert err.location == Location("deploy.yaml", "local:file:x", prop)
    assert message in err.reason


def test_options_must_be_a_mapping() -> None:
    err = load_error(canonical({"type": "local:file", "name": "x", "options": ["protect"]}))
    assert err.location == Location("deploy.yaml", "local:file:x", "options")


def test_a_duplicate_address_is_refused_naming_both_entries() -> None:
    err = load_error(
        canonical({"type": "local:file", "name": "x"}, {"type": "local:file", "name": "x"})
    )
    assert err.location.address == "local:file:x"
    assert "declared twice (entries 0 and 1)" in err.reason


def test_duplicates_across_the_seed_forms_are_found_too() -> None:
    err = load_error(
        {
            "name": "p",
            "resources": [{"server": "aws", "type": "ec2:instance", "name": "x"}],
            "serverResources": {"aws": [{"type": "ec2:instance", "name": "x"}]},
        }
    )
    assert err.location.address == "aws:ec2:instance:x"


def test_the_same_name_on_another_type_or_server_is_not_a_duplicate() -> None:
    spec = load_document(
        canonical(
            {"type": "aws:ec2:instance", "name": "x"},
            {"type": "aws:ec2:eip", "name": "x"},
            {"type": "aws:ec2:instance", "name": "x", "server": "aws-eu"},
        )
    )
    assert len(spec.resources) == 3


@pytest.mark.parametrize("name", ["a.b", "a:b", "", "sp ace", 7, "web\n"])
def test_invalid_resource_names_are_refused(name: object) -> None:
    err = load_error(canonical({"type": "local:file", "name": name}))
    assert err.location.property == "spec.resources[0].name"


@pytest.mark.parametrize(
    "rtype", ["local", "local:", ":file", "local:fi.le", "1local:file", "local:file\n"]
)
def test_invalid_types_are_refused_with_the_expected_shape(rtype: str) -> None:
    err = load_error(canonical({"type": rtype, "name": "x"}))
    assert err.location.property == "spec.resources[0] (x).type"
    assert "<provider>:<category>" in err.reason


def test_a_missing_type_is_refused() -> None:
    err = load_error(canonical({"name": "x"}))
    assert "'type' is required" in err.reason


def test_properties_must_be_a_mapping_and_the_error_names_the_resource() -> None:
    err = load_error(canonical({"type": "local:file", "name": "x", "properties": [1]}))
    assert err.location == Location("deploy.yaml", "local:file:x", "properties")


def test_depends_on_must_be_a_list_of_strings() -> None:
    err = load_error(canonical({"type": "local:file", "name": "x", "dependsOn": [1]}))
    assert err.location == Location("deploy.yaml", "local:file:x", "dependsOn")


@pytest.mark.parametrize(
    ("document", "prop"),
    [
        (
            {"apiVersion": "iac.mcp/v2", "kind": "Deployment", "metadata": {"name": "p"}},
            "apiVersion",
        ),
        ({"apiVersion": API_VERSION, "kind": "Stack", "metadata": {"name": "p"}}, "kind"),
        ({"apiVersion": API_VERSION, "kind": "Deployment", "metadata": {}}, "metadata.name"),
        (
            {"apiVersion": API_VERSION, "kind": "Deployment", "metadata": {"name": "a b"}},
            "metadata.name",
        ),
        (
            {
                "apiVersion": API_VERSION,
                "kind": "Deployment",
                "metadata": {"name": "p"},
                "spec": {"resources": {"a": 1}},
            },
            "spec.resources",
        ),
        (
            {
                "apiVersion": API_VERSION,
                "kind": "Deployment",
                "metadata": {"name": "p"},
                "spec": {"outputs": []},
            },
            "spec.outputs",
        ),
        (
            {
                "apiVersion": API_VERSION,
                "kind": "Deployment",
                "metadata": {"name": "p"},
                "spec": {"variables": {"n": {"type": "int"}}},
            },
            "spec.variables.n.type",
        ),
        ({"name": "p", "serverResources": []}, "serverResources"),
        ({"name": "p", "serverResources": {"aws": {}}}, "serverResources.aws"),
        ({"resources": []}, "name"),
    ],
)
def test_malformed_documents_name_the_offending_property(
    document: dict[str, Any], prop: str
) -> None:
    assert load_error(document).location == Location(file="deploy.yaml", property=prop)


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    err = load_error([1, 2])
    assert "must be a mapping" in err.reason


def test_a_missing_file_says_how_to_pass_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist") as caught:
        load_file(tmp_path / "nope.yaml")
    assert caught.value.hint is not None
    assert "--file" in caught.value.hint


def test_yaml_syntax_errors_give_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text("apiVersion: iac.mcp/v1\nkind: [Deployment\n")
    with pytest.raises(ConfigError, match=r"invalid YAML at line \d+") as caught:
        load_file(path)
    assert caught.value.location.file == str(path)


def test_json_syntax_errors_give_the_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "deploy.json"
    path.write_text('{"name": "p",\n "resources": [}\n')
    with pytest.raises(ConfigError, match="invalid JSON at line 2, column 16"):
        load_file(path)


def test_config_errors_exit_with_code_two() -> None:
    assert load_error([]).exit_code == 2


def test_the_model_is_the_same_whatever_the_source_except_the_source() -> None:
    document = canonical({"type": "local:file", "name": "x"})
    a = load_document(document, source="a.yaml")
    b = load_document(document, source="b.yaml")
    assert a != b
    assert a.model_copy(update={"source": None}) == b.model_copy(update={"source": None})
    assert isinstance(a, DeploymentSpec)


# -- the fast paths load what the general ones did ------------------------------------------------


class _Colour(enum.IntEnum):
    RED = 1


class _Word(enum.StrEnum):
    HELLO = "hello"


class _Opaque:
    def __str__(self) -> str:
        return "opaque!"


_SHARED: dict[str, Any] = {"k": [1, "two"]}
PLAIN_CASES: dict[str, dict[Any, Any]] = {
    "json already": {"a": 1, "b": 1.5, "c": True, "d": None, "e": "s", "f": [1, [2, {"g": []}]]},
    "dates": {"on": dt.date(2026, 1, 2), "at": dt.datetime(2026, 1, 2, 3, 4, 5)},
    "tuples and sets": {"t": (1, (2, 3)), "s": {3}, "f": frozenset()},
    "keys that are not strings": {"n": {1: "a", 2.5: "b", False: "c", None: "d"}},
    "keys that collide once converted": {"x": {1: "int", "1": "str"}},
    "special floats": {"nan": float("nan"), "inf": float("inf"), "neg": -0.0},
    "subclasses": {"colour": _Colour.RED, "word": _Word.HELLO, "list": [_Word.HELLO]},
    "other objects": {"o": _Opaque(), "b": b"bytes"},
    "shared subtrees": {"a": _SHARED, "b": _SHARED, "c": [_SHARED]},
    "empty": {},
}


def properties_of(value: Any, *, json_types: bool = False) -> Any:
    document = canonical({"type": "local:file", "name": "x", "properties": value})
    (r,) = load_document(document, json_types=json_types).resources
    return r.properties


@pytest.mark.parametrize("value", PLAIN_CASES.values(), ids=PLAIN_CASES.keys())
def test_properties_load_as_their_json_round_trip_whatever_their_types(
    value: dict[Any, Any],
) -> None:
    # repr tells 1 from 1.0 and True, a str from a str enum, and shows the order of keys
    assert repr(properties_of(value)) == repr(json.loads(json.dumps(value, default=str)))


@pytest.mark.parametrize("case", PLAIN_CASES)
def test_only_plain_json_is_copied_without_conversion(case: str) -> None:
    value = PLAIN_CASES[case]
    plain = case in ("json already", "special floats", "shared subtrees", "empty")
    assert _is_plain(value, _PLAIN_DEPTH) == plain
    if plain:
        assert repr(_plain_copy(value, _PLAIN_DEPTH)) == repr(value)
    else:
        with pytest.raises(_NotPlain):
            _plain_copy(value, _PLAIN_DEPTH)


def test_properties_share_nothing_with_the_document_unless_it_is_json() -> None:
    document = canonical(
        {"type": "local:data", "name": "a", "properties": {"input": _SHARED}},
        {"type": "local:data", "name": "b", "properties": {"input": _SHARED}},
    )
    a, b = load_document(document).resources
    assert a.properties["input"] == b.properties["input"] == _SHARED
    assert a.properties["input"] is not b.properties["input"]
    assert a.properties["input"]["k"] is not _SHARED["k"]
    a, b = load_document(document, json_types=True).resources
    assert a.properties["input"] is b.properties["input"] is _SHARED


def test_properties_that_contain_themselves_fail_as_the_json_round_trip_does() -> None:
    cyclic: dict[str, Any] = {"a": []}
    cyclic["a"].append(cyclic)
    with pytest.raises(ValueError, match="Circular reference detected"):
        properties_of(cyclic)


def test_a_date_as_a_key_fails_as_the_json_round_trip_does() -> None:
    value = {"k": {dt.date(2026, 1, 2): 1}}
    with pytest.raises(TypeError) as slow:
        json.dumps(value, default=str)
    with pytest.raises(TypeError) as fast:
        properties_of(value)
    assert str(fast.value) == str(slow.value)


RESOURCES = (
    {"type": "local:file", "name": "plain"},
    {
        "type": "aws:ec2:instance",
        "name": "web-1",
        "server": "aws-eu",
        "properties": {"tags": {"a": "b"}, "list": [1, 2.5, None, True], "ref": "${x.y}"},
        "dependsOn": ["local:file:plain"],
        "options": OPTIONS,
    },
    {"type": "opnsense:service:haproxy:frontend", "name": "fe", "dependsOn": "plain"},
)


@pytest.mark.parametrize("json_types", [False, True])
def test_loaded_resources_equal_those_the_validating_constructor_builds(json_types: bool) -> None:
    spec = load_document(canonical(*RESOURCES), json_types=json_types)
    assert len(spec.resources) == len(RESOURCES)
    for loaded in spec.resources:
        built = ResourceSpec(
            type=loaded.type,
            name=loaded.name,
            server=loaded.server,
            properties=loaded.properties,
            depends_on=loaded.depends_on,
            options=loaded.options,
        )
        assert loaded == built
        assert (loaded.address, loaded.provider) == (built.address, built.provider)
        assert loaded.__dict__ == built.__dict__  # fields and cached properties, nothing else
        assert loaded.model_fields_set == built.model_fields_set
        assert loaded.model_dump(by_alias=True) == built.model_dump(by_alias=True)
        assert repr(loaded) == repr(built)
        with pytest.raises(ValueError, match="frozen"):
            loaded.name = "other"  # type: ignore[misc]  # proving it is refused


def _nested(depth: int) -> JSON:
    value: JSON = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [1, _PLAIN_DEPTH - 1, _PLAIN_DEPTH, 253])
@pytest.mark.parametrize("json_types", [False, True])
def test_nested_properties_load_whether_or_not_they_are_validated_again(
    depth: int, json_types: bool
) -> None:
    document = canonical({"type": "local:file", "name": "x", "properties": {"p": _nested(depth)}})
    (r,) = load_document(document, json_types=json_types).resources
    assert r.properties == {"p": _nested(depth)}
    assert r == ResourceSpec(type="local:file", name="x", server="local", properties=r.properties)


@pytest.mark.parametrize("json_types", [False, True])
def test_properties_nested_too_deep_are_refused_naming_the_resource_and_property(
    json_types: bool,
) -> None:
    document = canonical({"type": "local:file", "name": "x", "properties": {"p": _nested(300)}})
    with pytest.raises(ConfigError) as caught:
        load_document(document, source="deploy.yaml", json_types=json_types)
    err = caught.value
    assert err.reason == "not a JSON value: Recursion error - maximum validation depth exceeded"
    assert (err.location.file, err.location.address) == ("deploy.yaml", "local:file:x")
    assert (err.location.property or "").startswith("p.list.0.list.0.")


def test_nesting_is_measured_through_lists_and_objects() -> None:
    assert _is_plain({"a": 1}, 1)
    assert not _is_plain({"a": [1]}, 1)
    assert _is_plain({"a": [1], "b": {"c": {}}}, 3)
    assert not _is_plain({"a": [1], "b": {"c": {"d": []}}}, 3)
    assert _is_plain([], 1)
    assert not _is_plain([], 0)
    assert _is_plain("scalar", 0)
    with pytest.raises(_NotPlain):
        _plain_copy({"a": [1], "b": {"c": {"d": []}}}, 3)
    assert _plain_copy({"a": [1], "b": {"c": {}}}, 3) == {"a": [1], "b": {"c": {}}}


def test_the_first_unknown_field_is_named_also_next_to_a_seed_alias() -> None:
    err = load_error(
        {"name": "p", "resources": [{"type": "a:b", "name": "x", "depends_on": [], "colour": 1}]}
    )
    assert (err.reason, err.location.property) == (
        "unknown field 'colour'",
        "resources[0] (x).colour",
    )
    err = load_error(canonical({"type": "a:b", "name": "x", "zeta": 1, "alpha": 2}))
    assert err.location.property == "spec.resources[0] (x).zeta"


def test_each_resource_with_a_bad_type_is_named_even_after_good_ones_of_that_provider() -> None:
    err = load_error(
        canonical(
            {"type": "local:file", "name": "a"},
            {"type": "local:file", "name": "b"},
            {"type": "local:fi.le", "name": "c"},
        )
    )
    assert err.location.property == "spec.resources[2] (c).type"
    assert "'local:fi.le' is not a resource type" in err.reason


# -- which error a resource with several faults reports (as before the checks were reordered) ----

FIRST_ERROR_CASES: dict[str, tuple[Any, str]] = {
    "unknown field before a bad type": (
        canonical({"type": 3, "name": "x", "bogus": 1}),
        "deploy.yaml, property 'spec.resources[0] (x).bogus': unknown field 'bogus'\n"
        "  hint: allowed: type, name, server, properties, dependsOn, options",
    ),
    "unknown field, name not a string": (
        canonical({"type": "local:file", "name": 5, "zzz": 1}),
        "deploy.yaml, property 'spec.resources[0].zzz': unknown field 'zzz'\n"
        "  hint: allowed: type, name, server, properties, dependsOn, options",
    ),
    "type not a string": (
        canonical({"type": ["local:file"], "name": "x"}),
        "deploy.yaml, property 'spec.resources[0] (x).type': 'type' is required, e.g. 'local:file'",
    ),
    "bad type before bad name": (
        canonical({"type": None, "name": "a.b"}),
        "deploy.yaml, property 'spec.resources[0] (a.b).type': 'type' is required, "
        "e.g. 'local:file'",
    ),
    "bad name before bad server": (
        canonical({"type": "local:file", "name": "a b", "server": "x y"}),
        "deploy.yaml, property 'spec.resources[0].name': name 'a b' is invalid: use letters, "
        "digits, '-' and '_' (no dots or colons)",
    ),
    "server not a string": (
        canonical({"type": "local:file", "name": "x", "server": 1}),
        "deploy.yaml, property 'spec.resources[0] (x).server': server 1 is not a valid server name",
    ),
    "empty server": (
        canonical({"type": "local:file", "name": "x", "server": ""}),
        "deploy.yaml, property 'spec.resources[0] (x).server': server '' is not a valid server "
        "name",
    ),
    "bad type on a named server": (
        canonical({"type": "local", "name": "x", "server": "s"}),
        "deploy.yaml, property 'spec.resources[0] (x).type': 'local' is not a resource type; "
        "expected '<provider>:<category>[:<kind>...]' with segments of letters, digits, '-' "
        "and '_'",
    ),
    "properties before dependsOn": (
        canonical({"type": "local:file", "name": "x", "properties": "p", "dependsOn": 1}),
        "deploy.yaml, resource 'local:file:x', property 'properties': properties must be a mapping",
    ),
    "dependsOn before options": (
        canonical({"type": "local:file", "name": "x", "dependsOn": [1], "options": 1}),
        "deploy.yaml, resource 'local:file:x', property 'dependsOn': dependsOn must be a list of "
        "addresses or names",
    ),
    "options before properties values": (
        canonical(
            {
                "type": "local:file",
                "name": "x",
                "options": {"retries": -1},
                "properties": {"d": {1: 2}},
            }
        ),
        "deploy.yaml, resource 'local:file:x', property 'options.retries': Input should be "
        "greater than or equal to 0",
    ),
    "seed alias with a bad value": (
        {
            "name": "p",
            "resources": [{"server": "aws", "type": "ec2:vm", "name": "x", "depends_on": 3}],
        },
        "deploy.yaml, resource 'aws:ec2:vm:x', property 'dependsOn': dependsOn must be a list of "
        "addresses or names",
    ),
    "seed type already prefixed": (
        {"name": "p", "resources": [{"server": "aws", "type": "aws:ec2:vm", "properties": []}]},
        "deploy.yaml, property 'resources[0].name': name None is invalid: use letters, digits, "
        "'-' and '_' (no dots or colons)",
    ),
    "seed by server bad type": (
        {"name": "p", "serverResources": {"aws": [{"type": "ec2:", "name": "x"}]}},
        "deploy.yaml, property 'serverResources.aws[0] (x).type': 'aws:ec2:' is not a resource "
        "type; expected '<provider>:<category>[:<kind>...]' with segments of letters, digits, "
        "'-' and '_'",
    ),
    "duplicate after a good one": (
        canonical(
            {"type": "local:file", "name": "a"},
            {"type": "local:file", "name": "x"},
            {"type": "local:file", "name": "b"},
            {"type": "local:file", "name": "x"},
        ),
        "deploy.yaml, resource 'local:file:x': duplicate resource: 'local:file:x' is declared "
        "twice (entries 1 and 3)\n  hint: names must be unique per server and type",
    ),
    "the first duplicate of two": (
        canonical(
            {"type": "a:b", "name": "x"},
            {"type": "a:b", "name": "y"},
            {"type": "a:b", "name": "y"},
            {"type": "a:b", "name": "x"},
        ),
        "deploy.yaml, resource 'a:b:y': duplicate resource: 'a:b:y' is declared twice "
        "(entries 1 and 2)\n  hint: names must be unique per server and type",
    ),
    "a duplicate by the type's own server": (
        canonical({"type": "a:b", "name": "x", "server": "a"}, {"type": "a:b", "name": "x"}),
        "deploy.yaml, resource 'a:b:x': duplicate resource: 'a:b:x' is declared twice "
        "(entries 0 and 1)\n  hint: names must be unique per server and type",
    ),
}


@pytest.mark.parametrize("json_types", [False, True])
@pytest.mark.parametrize("case", FIRST_ERROR_CASES)
def test_a_resource_with_several_faults_reports_the_same_first_one(
    case: str, json_types: bool
) -> None:
    document, message = FIRST_ERROR_CASES[case]
    with pytest.raises(ConfigError) as caught:
        load_document(document, source="deploy.yaml", json_types=json_types)
    assert str(caught.value) == message


def test_addresses_join_the_server_every_type_segment_and_the_name() -> None:
    spec = load_document(
        {
            "name": "p",
            "resources": [
                {"server": "aws-eu", "type": "aws-eu:ec2:instance", "name": "a"},
                {"server": "opn", "type": "service:haproxy:frontend", "name": "b"},
            ],
            "serverResources": {"opn": [{"type": "firewall:rule", "name": "c"}]},
        }
    )
    for r in spec.resources:
        assert r.address == ":".join((r.server, *r.type.split(":")[1:], r.name))
    assert [r.address for r in spec.resources] == [
        "aws-eu:ec2:instance:a",
        "opn:service:haproxy:frontend:b",
        "opn:firewall:rule:c",
    ]


# -- the plainness check agrees with the walk it replaced -------------------------------------


def is_plain_oracle(value: Any, depth: int) -> bool:
    """_is_plain as first written: keys checked before values."""
    kind = type(value)
    if kind in (str, int, float, bool, type(None)):
        return True
    if depth == 0:
        return False
    if kind is list:
        items = value
    elif kind is dict and all(type(k) is str for k in value):
        items = value.values()
    else:
        return False
    return all(is_plain_oracle(item, depth - 1) for item in items)


def random_value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth == 0 or roll < 0.4:
        return rng.choice(
            ["s", 1, 1.5, True, None, _Word.HELLO, _Colour.RED, (1,), b"b", dt.date(2026, 1, 2)]
            if roll < 0.05
            else ["s", "${a.b}", 0, -2.5, False, None]
        )
    if roll < 0.7:
        return [random_value(rng, depth - 1) for _ in range(rng.randrange(4))]
    keys = ["a", "b", "c", 1, _Word.HELLO, None] if roll < 0.75 else ["a", "b", "c", "d"]
    return {rng.choice(keys): random_value(rng, depth - 1) for _ in range(rng.randrange(4))}


def test_is_plain_agrees_with_the_walk_it_replaced_at_every_depth() -> None:
    rng = random.Random(7)
    plain = 0
    for _ in range(3000):
        value = random_value(rng, rng.randrange(7))
        for depth in range(6):
            assert _is_plain(value, depth) == is_plain_oracle(value, depth), (value, depth)
        plain += is_plain_oracle(value, 6)
    assert 300 < plain < 2700  # both outcomes are well exercised


# -- a resource built from checked fields is the model the validating constructor builds ----


def test_a_checked_spec_has_the_pydantic_state_of_a_validated_one() -> None:
    (loaded,) = load_document(canonical(RESOURCES[1]), json_types=True).resources
    built = ResourceSpec.model_validate(RESOURCES[1] | {"server": "aws-eu"})
    assert loaded == built
    for slot in ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"):
        assert getattr(loaded, slot) == getattr(built, slot), slot
    copied = loaded.model_copy(update={"name": "web-2"})
    assert (copied.name, loaded.name) == ("web-2", "web-1")
    assert loaded.model_fields_set == built.model_fields_set
    assert copied.model_fields_set is not loaded.model_fields_set
    assert hash(loaded.options) == hash(built.options)


# -- only YAML documents need the YAML parser -------------------------------------------------


def test_loading_a_json_deployment_does_not_import_yaml(tmp_path: Path) -> None:
    path = tmp_path / "deploy.json"
    path.write_text(json.dumps(canonical({"type": "local:file", "name": "x"})))
    script = (
        "import sys\n"
        "from mcp_iac.core import load_file\n"
        f"assert load_file({str(path)!r}).resources[0].address == 'local:file:x'\n"
        "assert 'yaml' not in sys.modules, 'yaml was imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
