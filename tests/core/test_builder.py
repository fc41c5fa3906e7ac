"""The Python builder makes the same model as a deployment file."""

from __future__ import annotations

from pathlib import Path

import pytest

from mcp_iac.core import ConfigError, Deployment, load_document, load_file

PORTAL_YAML = """\
apiVersion: iac.mcp/v1
kind: Deployment
metadata: {name: portal}
spec:
  variables:
    vlanTag: {type: integer, default: 150}
  resources:
    - type: opnsense:network:vlan
      name: app-network
      properties: {tag: "${vlanTag}", interface: igc2}
    - type: aws:ec2:instance
      name: app-1
      server: aws-eu
      properties:
        vlan: "${opnsense:network:vlan:app-network.uuid}"
        url: "http://${opnsense:network:vlan:app-network.device}:8080"
        disk: "${opnsense:network:vlan:app-network.disks[0].id}"
      dependsOn: ["opnsense:network:vlan:app-network"]
      options: {protect: true, retries: 5}
  outputs:
    appIp: "${aws-eu:ec2:instance:app-1.privateIp}"
"""


def build() -> Deployment:
    with Deployment("portal") as d:
        tag = d.variable("vlanTag", "integer", default=150)
        vlan = d.add("opnsense:network:vlan", "app-network", tag=tag, interface="igc2")
        app = d.add(
            "aws:ec2:instance",
            "app-1",
            server="aws-eu",
            depends_on=[vlan],
            options={"protect": True, "retries": 5},
            vlan=vlan.out.uuid,
            url=f"http://{vlan.out.device}:8080",
            disk=vlan.out.disks[0].id,
        )
        d.output("appIp", app.out.privateIp)
    return d


def test_the_builder_makes_the_same_spec_as_the_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "portal.yaml"
    path.write_text(PORTAL_YAML)
    from_file = load_file(path)
    built = build().spec()
    assert built.source == "<python:portal>"
    assert built.model_copy(update={"source": None}) == from_file.model_copy(
        update={"source": None}
    )


def test_the_builder_also_gives_the_canonical_document_it_corresponds_to() -> None:
    document = build().document()
    assert document["apiVersion"] == "iac.mcp/v1"
    assert document["spec"]["resources"][1]["properties"]["vlan"] == (
        "${opnsense:network:vlan:app-network.uuid}"
    )
    assert load_document(document) == build().spec(source=None).model_copy(update={"source": None})


def test_output_references_render_as_reference_strings() -> None:
    with Deployment("x") as d:
        a = d.add("local:file", "a", path="/a")
    assert a.address == "local:file:a"
    assert str(a.out.id) == "${local:file:a.id}"
    assert str(a.out.items[2].name) == "${local:file:a.items[2].name}"
    assert repr(a.out.id) == "OutputRef(${local:file:a.id})"
    assert repr(a) == "Resource(local:file:a)"
    assert [r.address for r in d.resources()] == ["local:file:a"]


def test_a_reference_without_an_output_is_refused() -> None:
    with Deployment("x") as d:
        a = d.add("local:file", "a")
    with pytest.raises(ConfigError, match="needs an output"):
        str(a.out)


def test_a_resource_used_as_a_value_is_refused_with_how_to_reference_it() -> None:
    with Deployment("x") as d:
        a = d.add("local:file", "a")
        d.add("local:file", "b", source=a)
    with pytest.raises(ConfigError, match=r"used as a value; reference an output such as"):
        d.spec()


def test_the_builder_validates_like_the_loader() -> None:
    with Deployment("x") as d:
        d.add("local:file", "a")
        d.add("local:file", "a")
    with pytest.raises(ConfigError, match="declared twice") as caught:
        d.spec()
    assert caught.value.location.file == "<python:x>"


def test_properties_can_be_given_as_a_mapping_for_names_that_are_not_identifiers() -> None:
    with Deployment("x") as d:
        d.add("local:file", "a", properties={"content-type": "text"}, mode=420)
    assert d.spec().resources[0].properties == {"content-type": "text", "mode": 420}


def test_a_variable_without_default_is_required() -> None:
    with Deployment("x") as d:
        d.variable("who")
    assert d.spec().variables["who"].required
