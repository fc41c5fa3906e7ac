"""The reference grammar (DESIGN.md section 3): parsing ``${...}``, paths and the ``$${`` escape."""

from __future__ import annotations

import random
import re

import pytest

from mcp_iac.core import (
    GrammarError,
    Part,
    Ref,
    escape_literal,
    format_path,
    has_refs,
    iter_strings,
    parse_path,
    parse_ref,
    parse_template,
)
from mcp_iac.core._refs import _parse_parts, canonical_ref, canonical_target, new_ref


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


# -- the one-expression fast path agrees with the general parser ---------------------------------

CANONICAL = [
    "${local:data:r0.output.v}",
    "${web-1.privateIp}",
    "${aws:ec2:web_1.a.b-c._d}",
    "${opnsense:service:haproxy:frontend:web.bindAddress}",
    "${web.network.interfaces[0].addresses[12].ip}",
    "${a:b:c.x[0][10][7]}",
    "${7:8.x}",
]
NOT_CANONICAL = [
    "${ web.ip }",  # spaces
    "${web.ip }",
    "${web.x[01]}",  # a leading zero
    "${web.x[\u0663]}",  # a digit that is not ASCII
    "${web.ip\n}",  # what '$' also matched
    "${secret:db.password}",
    "${secret:a:b.c}",
    "${vlanTag}",
    "pre ${web.ip}",
    "${web.ip} post",
    "${web.ip}${db.ip}",
    "$${web.ip}",
    "${web.ip",
    "${web.}",
    "${aws::web.ip}",
    "${web.ip[x]}",
    "${}",
]


@pytest.mark.parametrize("text", CANONICAL)
def test_a_canonically_spelled_reference_is_recognised_and_parses_as_the_general_parser_does(
    text: str,
) -> None:
    fast = canonical_ref(text)
    assert fast is not None
    assert _parse_parts(text) == [fast] == parse_template(text)
    assert "${" + fast.target + "." + format_path(fast.path) + "}" == text
    assert canonical_target(text) == (fast.target, fast.path)


@pytest.mark.parametrize("text", NOT_CANONICAL)
def test_other_strings_are_left_to_the_general_parser(text: str) -> None:
    assert canonical_ref(text) is None
    assert canonical_target(text) is None
    try:
        general = _parse_parts(text)
    except GrammarError as exc:
        with pytest.raises(GrammarError, match=re.escape(str(exc))):
            parse_template(text)
    else:
        assert parse_template(text) == general


def _random_reference(rng: random.Random) -> str:
    """Mostly well-formed references, with the odd character that makes them not canonical."""
    segment = ["ab", "x-y", "7", "_", "secret", "", " ab", "a\n", "\u0663", "a.b", "$"]
    step = [".p", ".x-y", "._q", "[0]", "[12]", "[01]", "[1\u0663]", ".", "[", " ", "\n", "}"]
    target = ":".join(
        rng.choices(segment, weights=[9, 9, 9, 9, 9, 1, 1, 1, 1, 1, 1], k=rng.randint(1, 4))
    )
    path = rng.choice(["p", "_q", "x-y", "7", "", " p"]) + "".join(
        rng.choices(step, weights=[9, 9, 9, 9, 9, 1, 1, 1, 1, 1, 1, 1], k=rng.randint(0, 3))
    )
    prefix = rng.choice(["", "", "", "", "$", "a", "${x}"])
    dot = rng.choice([".", ".", ".", ".", "", ".."])
    end = rng.choice(["}", "}", "}", "}", "", "} ", "}}", "}${y}"])
    return prefix + "${" + target + dot + path + end


def test_random_strings_get_the_same_parse_from_the_fast_path_and_the_general_parser() -> None:
    rng = random.Random(7)
    recognised = 0
    for _ in range(20_000):
        text = _random_reference(rng)
        fast = canonical_ref(text)
        assert canonical_target(text) == (None if fast is None else (fast.target, fast.path))
        try:
            general: list[Part] | None = _parse_parts(text)
        except GrammarError:
            general = None
        if fast is not None:
            recognised += 1
            assert general == [fast], text
            assert "${" + fast.target + "." + format_path(fast.path) + "}" == text
        elif general is not None and len(general) == 1 and isinstance(general[0], Ref):
            # the general parser found one reference: not canonical, or not a resource's (or
            # with a segment ending in a newline, which its '$' lets through: left to it)
            only = general[0]
            rebuilt = "${" + only.target + "." + format_path(only.path) + "}"
            assert only.kind != "resource" or rebuilt != text or "\n" in text, text
    assert recognised > 1_000  # the fast path was really exercised


def test_format_path_writes_names_only_paths_and_paths_with_indexes() -> None:
    assert format_path(()) == ""
    assert format_path(("a",)) == "a"
    assert format_path(("a", "b-c", "_d")) == "a.b-c._d"
    assert format_path(("a", 0, "b", 12, 3)) == "a[0].b[12][3]"


def test_the_fast_ref_builder_makes_the_ref_the_constructor_makes() -> None:
    assert new_ref is not Ref  # the fast builder is in use
    for args in [
        ("resource", ("aws", "ec2", "web-1"), ("a", 0, "b"), "${aws:ec2:web-1.a[0].b}"),
        ("variable", ("port",), (), "${port}"),
        ("secret", ("API.KEY",), (), "${secret:API.KEY}"),
    ]:
        built, made = new_ref(*args), Ref(*args)
        assert type(built) is Ref
        assert built == made
        assert hash(built) == hash(made)
        assert repr(built) == repr(made)
        with pytest.raises(AttributeError):
            built.text = "other"  # type: ignore[misc]  # proving it is refused
    assert canonical_ref("${a:b.c}") == Ref("resource", ("a", "b"), ("c",), "${a:b.c}")
