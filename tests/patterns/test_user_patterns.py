from __future__ import annotations

from pathlib import Path

import pytest

from mcp_iac.core import ConfigError
from mcp_iac.patterns import load_pattern_file, load_pattern_paths

SITE = """
apiVersion: iac.mcp/v1
kind: Pattern
metadata: {name: notes, description: A note per topic}
spec:
  parameters:
    topic: {type: string, pattern: "^[a-z]+$", description: The topic}
    copies: {type: integer, default: 2, minimum: 1, maximum: 5}
    extra: {type: boolean, default: false}
    lines: {type: array, default: [a, b]}
  deployment:
    metadata: {name: "notes-{{ topic }}"}
    spec:
      resources:
        - type: local:data
          name: "{{ topic }}"
          properties: {input: {copies: "{{ copies }}", lines: "{{ lines }}", text: "x{{ copies }}"}}
        - type: local:file
          name: "{{ topic }}-extra"
          when: "{{ extra }}"
          properties:
            path: "out/{{ topic }}.txt"
            content: "${local:data:{{ topic }}.output.text}"
"""


def test_a_yaml_pattern_renders_typed_values_interpolation_and_when(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text(SITE)
    (pattern,) = load_pattern_file(tmp_path / "notes.yaml")
    spec = pattern.render({"topic": "dns", "copies": "3"})
    assert spec.name == "notes-dns"
    (data,) = spec.resources
    assert data.properties == {"input": {"copies": 3, "lines": ["a", "b"], "text": "x3"}}
    spec = pattern.render({"topic": "dns", "extra": "true"})
    assert spec.resources[1].properties["content"] == "${local:data:dns.output.text}"
    schema = pattern.schema()
    assert schema["required"] == ["topic"]
    assert schema["properties"]["copies"]["maximum"] == 5


def test_a_yaml_pattern_validates_its_parameters(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text(SITE)
    (pattern,) = load_pattern_file(tmp_path / "notes.yaml")
    with pytest.raises(
        ConfigError, match="parameter 'copies': Input should be less than or equal to 5"
    ):
        pattern.render({"topic": "dns", "copies": "9"})
    with pytest.raises(ConfigError, match="parameter 'topic': String should match pattern"):
        pattern.render({"topic": "DNS"})


def test_python_patterns_are_found_in_a_directory(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text(SITE)
    (tmp_path / "py_pattern.py").write_text(
        "from pydantic import Field\n"
        "from mcp_iac import Deployment\n"
        "from mcp_iac.patterns import Params, pattern\n"
        "class P(Params):\n    greeting: str = Field('hi', description='what to say')\n"
        "@pattern('hello')\n"
        "def hello(p: P) -> Deployment:\n"
        "    '''Says hello.'''\n"
        "    d = Deployment('hello')\n"
        "    d.add('local:data', 'greeting', input=p.greeting)\n"
        "    return d\n"
    )
    patterns = {p.name: p for p in load_pattern_paths([tmp_path])}
    assert set(patterns) == {"notes", "hello"}
    assert patterns["hello"].description == "Says hello."
    spec = patterns["hello"].render({"greeting": "yo"}, name="hello-2")
    assert spec.name == "hello-2"
    assert spec.resources[0].properties == {"input": "yo"}


def test_a_yaml_pattern_with_a_bad_field_names_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(SITE.replace("deployment:", "deploymnt:"))
    with pytest.raises(
        ConfigError, match=r"bad.yaml, property 'spec.deployment': pattern 'notes': Field required"
    ):
        load_pattern_file(tmp_path / "bad.yaml")
