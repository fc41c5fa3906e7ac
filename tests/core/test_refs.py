"""The reference grammar (DESIGN.md section 3): parsing ``${...}``, paths and the ``$${`` escape."""

from __future__ import annotations

import pytest

from mcp_iac.core import (
    GrammarError,
    Ref,
    escape_literal,
    format_path,
    has_refs,
    iter_strings,
    parse_path,
    parse_ref,
    parse_template,
)


def ref(text: str) -> Ref:
    (only,) = parse_template(text)
    assert isinstance(only, Ref)
    return only


def test_a_full_address_reference_splits_into_target_segments_and_output_path() -> None:
    r = ref("${aws:ec2:instance:web-1.privateIp}")
    assert r.kind == "resource"
    assert r.segments == ("aws", "ec2", "instance", "web-1")
    assert r.target == "aws:ec2:instance:web-1"
    assert r.path == ("privateIp",)
    assert r.text == "${aws:ec2:instance:web-1.privateIp}"


def test_multi_segment_types_keep_every_segment_and_the_name_is_the_last_before_the_dot() -> None:
    r = ref("${opnsense:service:haproxy:frontend:web.bindAddress}")
    assert r.segments == ("opnsense", "service", "haproxy", "frontend", "web")
    assert r.path == ("bindAddress",)


def test_a_reference_by_name_has_one_segment() -> None:
    r = ref("${web-1.privateIp}")
    assert (r.kind, r.segments, r.path) == ("resource", ("web-1",), ("privateIp",))


def test_output_paths_may_go_into_objects_and_lists() -> None:
    assert ref("${web.network.interfaces[0].addresses[12].ip}").path == (
        "network",
        "interfaces",
        0,
        "addresses",
        12,
        "ip",
    )


def test_a_bare_name_is_a_variable() -> None:
    r = ref("${vlanTag}")
    assert (r.kind, r.segments, r.path) == ("variable", ("vlanTag",), ())


def test_a_secret_reference_keeps_its_key() -> None:
    r = ref("${secret:db.password-1}")
    assert (r.kind, r.segments) == ("secret", ("db.password-1",))


def test_whitespace_inside_the_braces_is_ignored() -> None:
    assert ref("${ web.ip }").segments == ("web",)


def test_text_around_references_is_kept_in_order() -> None:
    parts = parse_template("http://${web.ip}:${port}/x")
    assert [p if isinstance(p, str) else p.text for p in parts] == [
        "http://",
        "${web.ip}",
        ":",
        "${port}",
        "/x",
    ]


def test_a_string_without_references_is_one_literal_part() -> None:
    assert parse_template("plain $ text {}") == ["plain $ text {}"]
    assert parse_template("") == [""]


def test_double_dollar_escapes_a_literal_reference_opening() -> None:
    assert parse_template("echo $${HOME}") == ["echo ${HOME}"]
    assert parse_template("$${a}") == ["${a}"]


def test_an_escaped_opening_next_to_a_real_reference_keeps_both_meanings() -> None:
    parts = parse_template("$${x}=${y}")
    assert parts[0] == "${x}="
    assert isinstance(parts[1], Ref)
    assert parts[1].segments == ("y",)


def test_escape_literal_round_trips_through_the_parser() -> None:
    for text in ("${x}", "a $${b} c", "no refs", "${a}${b}"):
        assert parse_template(escape_literal(text)) == [text]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${}", "empty reference"),
        ("${web.ip", "has no closing"),
        ("${aws:ec2:instance:web}", "names a resource but no output"),
        ("${web.}", "is not an output path"),
        ("${web..ip}", "is not an output path"),
        ("${web.[0]}", "is not an output path"),
        ("${web.ip[x]}", "is not an output path"),
        ("${web.ip[-1]}", "is not an output path"),
        ("${aws::web.ip}", "expected '<server>:<type>:<name>.<output>'"),
        ("${a b}", "not a valid variable name"),
        ("${secret:}", "a secret key is"),
        ("${secret:a b}", "a secret key is"),
    ],
)
def test_malformed_references_are_grammar_errors_that_say_what_is_expected(
    text: str, message: str
) -> None:
    with pytest.raises(GrammarError) as caught:
        parse_template(text)
    assert message in str(caught.value)


def test_grammar_errors_are_value_errors_for_callers_that_do_not_know_them() -> None:
    with pytest.raises(ValueError, match="empty reference"):
        parse_ref("")


def test_parse_path_and_format_path_are_inverse() -> None:
    for text in ("a", "a.b", "a[0]", "a.b[0].c", "items[3][1].x-y", "_x"):
        assert format_path(parse_path(text)) == text
    assert parse_path("a.b[0].c") == ("a", "b", 0, "c")


def test_has_refs_looks_into_nested_values() -> None:
    assert has_refs({"a": [1, {"b": "x ${y}"}]})
    assert not has_refs({"a": [1, {"b": "x $ {y}"}], "c": None})


def test_iter_strings_reports_each_reference_string_with_its_property_path() -> None:
    value = {"a": "${x}", "b": [{"c": "lit"}, {"d": "p-${y.z}"}], "e": 3}
    assert iter_strings(value) == [("a", "${x}"), ("b[1].d", "p-${y.z}")]
