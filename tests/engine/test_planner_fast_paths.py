"""The planner's fast paths agree with the general ones they stand in for.

Each fast path is checked against an oracle: the straightforward code it replaced (kept here), or
the general function it shortcuts (``resolves_to`` against ``resolve`` then ``same_tree``).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from typing import Any

import pytest

from mcp_iac.core import (
    MISSING,
    UNKNOWN,
    UNKNOWN_TEXT,
    ConfigError,
    Path,
    Ref,
    Secret,
    UnresolvedReference,
    format_path,
    load_document,
    lookup,
    same_tree,
)
from mcp_iac.engine import PlanStep, ResourceRecord, bind, make_plan, resolve
from mcp_iac.engine._graph import topo_order
from mcp_iac.engine._plan import StepOptions, new_step
from mcp_iac.engine._planner import _display, _resolved_shown, _unknown_texts
from mcp_iac.engine._resolve import _interpolate, _ref_value, resolves_to, template_parts
from mcp_iac.protocol import ResourceTypeSchema

# -- oracles: the code the fast paths replaced -----------------------------------------------


def same_tree_oracle(old: object, new: object) -> bool:
    if type(old) is not type(new) or old is UNKNOWN:
        return False
    if isinstance(old, dict):
        assert isinstance(new, dict)
        return old.keys() == new.keys() and all(same_tree_oracle(v, new[k]) for k, v in old.items())
    if isinstance(old, list):
        assert isinstance(new, list)
        return len(old) == len(new) and all(map(same_tree_oracle, old, new))
    if isinstance(old, Secret):
        assert isinstance(new, Secret)
        return same_tree_oracle(old.value, new.value)
    return old == new


def lookup_oracle(value: object, path: Path) -> object:
    cur = value
    for part in path:
        if isinstance(cur, Secret):
            cur = cur.value
        if isinstance(part, int):
            if not isinstance(cur, list) or part >= len(cur):
                return MISSING
            cur = cur[part]
        else:
            if not isinstance(cur, dict) or part not in cur:
                return MISSING
            cur = cur[part]
    return cur


def topo_order_oracle(deps: Mapping[str, Iterable[str]]) -> list[str]:
    indeg: dict[str, int] = {}
    dependents: dict[str, list[str]] = {n: [] for n in deps}
    for node, ds in deps.items():
        count = 0
        for d in ds:
            if d in dependents:
                dependents[d].append(node)
                count += 1
        indeg[node] = count
    queue = deque(n for n in deps if indeg[n] == 0)
    order: list[str] = []
    while queue:
        n = queue.popleft()
        order.append(n)
        for m in dependents[n]:
            indeg[m] -= 1
            if indeg[m] == 0:
                queue.append(m)
    return order


class Text(str):
    """A str subclass: the fast paths test exact types, so it must take the general path."""

    __slots__ = ()


TREES: list[object] = [
    "a",
    Text("a"),
    "",
    1,
    1.0,
    True,
    0,
    False,
    None,
    UNKNOWN,
    Secret("a"),
    Secret(1),
    Secret({"k": "a"}),
    [],
    {},
    ["a"],
    ["a", "b"],
    [1, "a"],
    [True],
    [Text("a")],
    {"k": "a"},
    {"k": Text("a")},
    {"k": 1},
    {"k": 1.0},
    {"k": True},
    {"k": None},
    {"k": UNKNOWN},
    {"k": "b"},
    {"j": "a"},
    {"k": "a", "j": "b"},
    {"j": "b", "k": "a"},
    {"k": ["a", 1]},
    {"k": {"x": "a"}},
    {"k": {"x": Secret("a")}},
    {"k": Secret("a")},
    {"k": [Secret("a")]},
    {"k": [UNKNOWN]},
    {1: "a"},
]


@pytest.mark.parametrize("old", TREES, ids=repr)
def test_same_tree_agrees_with_the_plain_recursion(old: object) -> None:
    for new in TREES:
        assert same_tree(old, new) == same_tree_oracle(old, new), (old, new)


PATHS: list[Path] = [(), ("k",), ("k", "x"), ("k", 0), (0,), ("j",), (1,), ("k", "x", 0)]


@pytest.mark.parametrize("path", PATHS, ids=repr)
def test_lookup_agrees_with_the_general_walk(path: Path) -> None:
    for tree in [*TREES, {"k": {"x": ["a"]}}, Secret({"k": {"x": ["a"]}}), {"k": Secret(["a"])}]:
        assert lookup(tree, path) is lookup_oracle(tree, path) or lookup(
            tree, path
        ) == lookup_oracle(tree, path), (tree, path)


def test_topo_order_visits_nodes_in_the_same_order_as_a_queue() -> None:
    rng = random.Random(5)
    for n in (0, 1, 2, 10, 200):
        for _ in range(5):
            names = [f"n{i}" for i in range(n)]
            rng.shuffle(names)
            deps = {
                name: [names[j] for j in rng.sample(range(i), min(i, rng.randint(0, 3)))]
                + (["outside"] if rng.random() < 0.1 else [])
                for i, name in enumerate(names)
            }
            shuffled = dict(sorted(deps.items(), key=lambda _: rng.random()))
            assert topo_order(shuffled) == topo_order_oracle(shuffled)


def display_oracle(value: object) -> tuple[object, tuple[str, ...]]:
    unknown: list[str] = []

    def walk(v: object, path: Path) -> object:
        if v is UNKNOWN:
            unknown.append(format_path(path))
            return UNKNOWN_TEXT
        if isinstance(v, Secret):
            return "(sensitive)"
        if isinstance(v, dict):
            return {k: walk(x, (*path, k)) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x, (*path, i)) for i, x in enumerate(v)]
        return v

    return walk(value, ()), tuple(unknown)


DISPLAYED: list[object] = [
    *TREES,
    {"a": {1: UNKNOWN}},
    {"a": {True: UNKNOWN}},
    {"a": {1.0: "x", "b": [UNKNOWN, {"c": UNKNOWN}]}},
    {"a": [UNKNOWN, UNKNOWN], "b": {"c": Secret("s"), "d": [[UNKNOWN]]}},
    [UNKNOWN, {"a": UNKNOWN}],
    {"": {"": UNKNOWN}},
    {Text("a"): {"b": UNKNOWN}},
]


def test_display_shows_what_the_plain_walk_shows_with_paths_remembered_across_calls() -> None:
    texts: dict[Path, str] = {}
    for value in [*DISPLAYED, *reversed(DISPLAYED)]:
        assert _display(value, texts) == display_oracle(value), value


# -- resolves_to: resolve, then same_tree, without the resolved tree ------------------------

OUTPUTS: dict[str, Any] = {
    "a": {"s": "x", "n": 1, "f": 1.0, "b": True, "obj": {"k": "x"}, "list": ["x"], "none": None},
    "secret": {"s": Secret("x")},
    # the planned values of a resource being created
    "new": {"x": UNKNOWN, "y": [UNKNOWN, "z", {"k": UNKNOWN}], "s": Secret("q")},
}


def fake_lookup(address: str, path: Path) -> object:
    if address == "unknown":
        return UNKNOWN
    if address == "missing":
        raise UnresolvedReference("${missing.x}", "names nothing")
    value = lookup(OUTPUTS[address], path)
    if value is MISSING:
        raise UnresolvedReference(f"${{{address}.x}}", "names an output it does not have")
    return value


def fake_secret(key: str) -> object:
    return UNKNOWN if key == "absent" else Secret(f"secret-{key}")


def targets_of(template: object) -> dict[str, tuple[str, Path]]:
    """What the binder keeps (``BoundDeployment.ref_targets``) for the strings of ``template``
    that are one resource reference: the address and path each names."""
    found: dict[str, tuple[str, Path]] = {}
    if isinstance(template, str) and "${" in template:
        parts = template_parts(template)
        if len(parts) == 1 and isinstance(parts[0], Ref) and parts[0].kind == "resource":
            found[template] = (":".join(parts[0].segments), parts[0].path)
    elif isinstance(template, dict):
        for item in template.values():
            found.update(targets_of(item))
    elif isinstance(template, list):
        for item in template:
            found.update(targets_of(item))
    return found


def target_choices(template: object) -> list[dict[str, tuple[str, Path]]]:
    """No parse kept (every string resolved), and the binder's."""
    return [{}, targets_of(template)]


TEMPLATES: list[object] = [
    "x",
    Text("x"),
    1,
    1.0,
    True,
    None,
    "${a.s}",
    "${a.n}",
    "${a.f}",
    "${a.b}",
    "${a.obj}",
    "${a.list}",
    "${a.none}",
    "${unknown.x}",
    "${secret.s}",
    "${secret:key}",
    "${secret:absent}",
    "${notavariable}",
    "pre-${a.s}-post",
    "n=${a.n}",
    "${a.s}${secret:key}",
    "$${a.s}",
    "${unknown.x}-y",
    [],
    {},
    ["x", "${a.s}"],
    {"k": "${a.s}", "j": ["${a.n}", "y"]},
    {"k": {"x": "${a.obj}"}},
    {"k": ["${a.list}"]},
    {"k": "x"},
    {"k": Text("x")},
    {"k": "x", "j": "${a.s}"},
    ["x", Text("x"), "${a.n}"],
    {"k": "pre-${a.s}", "j": ["${secret:key}", "${a.obj}"]},
    {"k": {"j": {"i": ["${a.list}", "y", 1, None]}}},
]

VALUES: list[object] = [
    *TREES,
    "x",
    Text("x"),
    "x-pre",
    "pre-x-post",
    "n=1",
    "$${a.s}",
    "${a.s}",
    Secret("secret-key"),
    Secret("xsecret-key"),
    {"k": "x"},
    ["x"],
    ["x", "x"],
    {"k": "x", "j": [1, "y"]},
    {"k": "x", "j": [1.0, "y"]},
    {"j": [1, "y"], "k": "x"},
    {"k": {"x": {"k": "x"}}},
    {"k": [["x"]]},
    {"k": "x", "j": "x"},
    {"k": "x", "extra": "x"},
    {"k": Text("x")},
    ["x", "x", 1],
    ["x", Text("x"), 1],
    {"k": "pre-x", "j": [Secret("secret-key"), {"k": "x"}]},
    {"k": {"j": {"i": [["x"], "y", 1, None]}}},
    {"k": {"j": {"i": [["x"], "y", 1.0, None]}}},
]


def resolve_oracle(template: object) -> object:
    """resolve as it was written before it took plain strings and resource references without
    a call."""
    if isinstance(template, str):
        if "${" not in template:
            return template
        parts = template_parts(template)
        if len(parts) == 1 and isinstance(parts[0], Ref):
            return _ref_value(parts[0], fake_lookup, fake_secret)
        return _interpolate(parts, fake_lookup, fake_secret)
    if isinstance(template, dict):
        return {k: resolve_oracle(v) for k, v in template.items()}
    if isinstance(template, list):
        return [resolve_oracle(v) for v in template]
    return template


def whole(value: object) -> object:
    """``value`` with its types spelled out, to compare exactly (1 == 1.0 == True otherwise)."""
    if isinstance(value, dict):
        return ("dict", [(k, whole(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [whole(v) for v in value])
    if isinstance(value, Secret):
        return ("secret", whole(value.value))
    return (type(value), value)


@pytest.mark.parametrize("template", TEMPLATES, ids=repr)
def test_resolve_gives_what_the_plain_recursion_gives(template: object) -> None:
    resolved = resolve(template, fake_lookup, fake_secret)
    assert whole(resolved) == whole(resolve_oracle(template))
    if type(template) is str and "${" not in template:
        assert resolved is template


@pytest.mark.parametrize("template", TEMPLATES, ids=repr)
def test_resolves_to_is_same_tree_of_the_resolved_template(template: object) -> None:
    resolved = resolve(template, fake_lookup, fake_secret)
    for targets in target_choices(template):
        values: dict[str, object] = {}  # kept across the calls: looked up by the first ones
        for value in VALUES:
            outcome = resolves_to(template, value, targets, values, fake_lookup, fake_secret)
            assert outcome == same_tree(value, resolved), (template, value, targets)
        assert set(values) <= set(targets)
        for text, kept in values.items():
            assert whole(kept) == whole(resolve(text, fake_lookup, fake_secret))


def test_resolves_to_and_the_new_values_look_each_reference_up_once() -> None:
    template = {"k": "${a.s}", "j": ["${a.s}", "${a.n}", {"i": "${a.s}"}], "x": "${a.s}-y"}
    targets = targets_of(template)
    asked: list[tuple[str, Path]] = []

    def counting(address: str, path: Path) -> object:
        asked.append((address, path))
        return fake_lookup(address, path)

    values: dict[str, object] = {}
    recorded = resolve(template, fake_lookup, fake_secret)
    assert resolves_to(template, recorded, targets, values, counting, fake_secret)
    # once each through targets, and the interpolated one through resolve
    assert asked == [("a", ("s",)), ("a", ("n",)), ("a", ("s",))]
    asked.clear()
    planned, _ = _resolved_shown(template, targets, values, counting, fake_secret, (), True, [])
    assert whole(planned) == whole(recorded)
    assert asked == [("a", ("s",))]  # the interpolated one only


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("${missing.x}", UnresolvedReference),
        ({"k": "x", "j": "${a.nothing}"}, UnresolvedReference),
        ("pre-${a.obj}", ConfigError),
        (["${a.s}", "in ${a.list}"], ConfigError),
    ],
)
def test_resolves_to_raises_what_resolve_raises_when_it_reaches_the_reference(
    template: object, error: type[Exception]
) -> None:
    with pytest.raises(error) as raised:
        resolve(template, fake_lookup, fake_secret)
    # a value that matches everything before the bad reference: it is reached
    matching_prefix: object = {"k": "x", "j": None} if isinstance(template, dict) else ["x", None]
    value = matching_prefix if isinstance(template, dict | list) else None
    for targets in target_choices(template):
        with pytest.raises(error) as again:
            resolves_to(template, value, targets, {}, fake_lookup, fake_secret)
        assert str(again.value) == str(raised.value)


BAD_TEMPLATES: list[object] = [
    "${missing.x}",
    {"k": "${missing.x}"},
    {"k": "x", "j": "${a.nothing}"},
    {"k": "pre-${a.obj}"},
    ["${a.s}", "in ${a.list}"],
    {"k": ["${a.s}", {"j": "${missing.x}"}]},
]


@pytest.mark.parametrize("template", BAD_TEMPLATES, ids=repr)
def test_resolves_to_is_false_or_raises_the_error_resolve_raises(template: object) -> None:
    with pytest.raises(ConfigError) as raised:
        resolve(template, fake_lookup, fake_secret)
    for targets in target_choices(template):
        for value in [
            *VALUES,
            {"k": "x", "j": "x"},
            {"k": "x", "other": "x"},  # the keys differ, not their number: checked as it goes
            {"k": ["x", {"j": "x"}]},
            {"k": ["x", {"other": "x"}]},
        ]:
            outcome: object
            try:
                outcome = resolves_to(template, value, targets, {}, fake_lookup, fake_secret)
            except ConfigError as exc:
                outcome = (type(exc), str(exc))
            assert outcome in (False, (type(raised.value), str(raised.value))), value


def test_resolves_to_stops_at_the_first_difference_before_a_bad_reference() -> None:
    template = {"k": "x", "j": "${missing.x}"}
    for targets in target_choices(template):
        for value in ({"k": "other", "j": None}, {"k": "x"}):
            assert resolves_to(template, value, targets, {}, fake_lookup, fake_secret) is False


# -- steps filled through their slots --------------------------------------------------------

STEP_VALUES: dict[str, Any] = {
    "address": "a:b:c",
    "urn": "d/a:b:c",
    "type": "a:b",
    "server": "a",
    "name": "c",
    "action": "update",
    "reason": "changed: x",
    "changed_paths": ("x",),
    "replace_paths": ("y",),
    "depends_on": ("a:b:d",),
    "dependencies": ("a:b:d", "a:b:e"),
    "template": {"x": "${a:b:d.id}"},
    "before": {"x": 1},
    "after": {"x": 2},
    "unknown_paths": ("x",),
    "options": StepOptions(protect=True),
    "deposed": True,
    "secret_paths": ("secret",),
}


def test_new_step_builds_the_step_the_constructor_builds() -> None:
    assert list(STEP_VALUES) == [f.name for f in fields(PlanStep)]  # the order new_step takes
    built = new_step(*STEP_VALUES.values())
    made = PlanStep(**STEP_VALUES)
    assert type(built) is PlanStep
    assert built == made
    assert repr(built) == repr(made)
    assert hash(built.options) == hash(made.options)
    for name, value in STEP_VALUES.items():
        assert getattr(built, name) is value, name


def test_new_step_takes_each_field_at_its_place_and_is_frozen() -> None:
    # distinct values for every field: a field stored in another's slot would show
    values = {name: (f"value of {name}",) for name in STEP_VALUES}
    built = new_step(*values.values())
    assert built == PlanStep(**values)
    with pytest.raises(AttributeError):
        built.action = "create"  # type: ignore[misc]  # frozen: the point of the test
    with pytest.raises(TypeError):
        new_step(**STEP_VALUES)  # positional only: a call naming 18 arguments builds a dict


def test_new_step_needs_every_field() -> None:
    with pytest.raises(TypeError, match="secret_paths"):
        new_step(*list(STEP_VALUES.values())[:-1])


# -- the planner: a no-op decided without the planned values --------------------------------


def _doc(*resources: dict[str, Any]) -> Any:
    return load_document(
        {
            "apiVersion": "iac.mcp/v1",
            "kind": "Deployment",
            "metadata": {"name": "t"},
            "spec": {"resources": list(resources)},
        }
    )


def _record(name: str, properties: dict[str, Any], **extra: Any) -> ResourceRecord:
    address = f"local:data:{name}"
    return ResourceRecord(
        urn=f"t/{address}",
        address=address,
        server="local",
        type="local:data",
        name=name,
        id=f"id-{name}",
        properties=properties,
        outputs={"output": properties.get("input"), "id": f"id-{name}"},
        **extra,
    )


def test_an_unchanged_resource_with_a_bad_reference_is_still_an_error() -> None:
    bound = bind(
        _doc(
            {"type": "local:data", "name": "a", "properties": {"input": "x"}},
            {"type": "local:data", "name": "b", "properties": {"input": "${a.nothing}"}},
        ),
        None,
    )
    recorded = {
        "local:data:a": _record("a", {"input": "x"}),
        "local:data:b": _record("b", {"input": "x"}, dependencies=("local:data:a",)),
    }
    with pytest.raises(UnresolvedReference, match="nothing") as raised:
        make_plan(bound, recorded, deployment="t")
    assert raised.value.location is not None
    assert raised.value.location.address == "local:data:b"


def test_an_interpolated_object_in_an_unchanged_resource_is_located_at_it() -> None:
    bound = bind(
        _doc(
            {"type": "local:data", "name": "a", "properties": {"input": {"k": "x"}}},
            {"type": "local:data", "name": "b", "properties": {"input": "v=${a.output}"}},
        ),
        None,
    )
    recorded = {
        "local:data:a": _record("a", {"input": {"k": "x"}}),
        "local:data:b": _record("b", {"input": "v=x"}, dependencies=("local:data:a",)),
    }
    with pytest.raises(ConfigError, match="cannot be interpolated") as raised:
        make_plan(bound, recorded, deployment="t")
    assert raised.value.location is not None
    assert raised.value.location.address == "local:data:b"


@pytest.mark.parametrize(
    ("b_recorded", "b_extra", "action"),
    [
        ({"input": "x", "n": 1}, {}, "no-op"),
        ({"input": "x", "n": 1.0}, {}, "no-op"),  # equal by value: the full comparison says so
        ({"input": "x", "n": True}, {}, "update"),
        ({"input": "y", "n": 1}, {}, "update"),
        ({"input": "x", "n": 1}, {"status": "tainted"}, "replace"),
        ({"input": "x", "n": 1}, {"protect": True}, "update"),
        ({"input": "x", "n": 1}, {"dependencies": ()}, "update"),
        ({"input": Secret("x"), "n": 1}, {}, "no-op"),
    ],
)
def test_a_recorded_resource_is_planned_as_the_full_comparison_decides(
    b_recorded: dict[str, Any], b_extra: dict[str, Any], action: str
) -> None:
    bound = bind(
        _doc(
            {"type": "local:data", "name": "a", "properties": {"input": "x"}},
            {"type": "local:data", "name": "b", "properties": {"input": "${a.output}", "n": 1}},
        ),
        None,
    )
    recorded = {
        "local:data:a": _record("a", {"input": "x"}),
        "local:data:b": _record("b", b_recorded, **{"dependencies": ("local:data:a",), **b_extra}),
    }
    plan = make_plan(bound, recorded, deployment="t")
    step = plan.step("local:data:b")
    assert step is not None
    assert step.action == action


# -- step options: one object per distinct set of values, found by the options object first ---


def test_step_options_follow_each_resources_options_and_its_types_replace_order() -> None:
    schemas = {
        "local:data": ResourceTypeSchema(type="local:data", delete_before_replace=True),
        "local:file": ResourceTypeSchema(type="local:file"),
    }
    bound = bind(
        _doc(
            # a and c share the loader's default options object, of types that replace apart
            {"type": "local:data", "name": "a", "properties": {}},
            {"type": "local:data", "name": "b", "properties": {}, "options": {"retries": 2}},
            {"type": "local:file", "name": "c", "properties": {}},
            {"type": "local:file", "name": "d", "properties": {}, "options": {"protect": True}},
            {"type": "local:file", "name": "e", "properties": {}, "options": {"retries": 2}},
        ),
        None,
    )
    plan = make_plan(bound, {}, deployment="t", schemas=schemas)
    options = {step.name: step.options for step in plan.steps}
    expected = {
        "a": StepOptions(delete_before_replace=True),
        "b": StepOptions(delete_before_replace=True),
        "c": StepOptions(),
        "d": StepOptions(protect=True),
        "e": StepOptions(),
    }
    assert options == expected
    assert options["a"] is options["b"]  # equal values: one shared object
    assert options["c"] is options["e"]


# -- a new resource: planned values and their display in one walk ---------------------------

NEW_TEMPLATES: list[object] = [
    *TEMPLATES,
    {"k": "${new.x}", "j": ["${new.y}", "${unknown.x}", 1, "${new.s}"], "i": "${new.y[2]}"},
    {"k": {"j": ["${new}", {"i": "${unknown.x}-suffix"}]}},
    {1: "${unknown.x}", "k": {True: ["${unknown.x}"]}, "j": {"": "${unknown.x}"}},
    {Text("k"): "${unknown.x}", "j": Text("${unknown.x}")},
]


@pytest.mark.parametrize("template", NEW_TEMPLATES, ids=repr)
def test_new_values_and_their_display_are_what_resolve_then_display_give(
    template: object,
) -> None:
    expected = resolve(template, fake_lookup, fake_secret)
    expected_shown, expected_paths = _display(expected, {})
    for targets in target_choices(template):
        values: dict[str, object] = {}
        for _ in range(2):  # the second time, every reference in targets is in values
            unknown: list[tuple[Path, bool]] = []
            texts: dict[Path, str] = {}
            planned, shown = _resolved_shown(
                template, targets, values, fake_lookup, fake_secret, (), True, unknown
            )
            assert whole(planned) == whole(expected)
            assert whole(shown) == whole(expected_shown)
            assert _unknown_texts(unknown, texts) == expected_paths
            assert _unknown_texts(unknown, texts) == expected_paths  # the texts remembered
        assert set(values) <= set(targets)


@pytest.mark.parametrize("template", BAD_TEMPLATES, ids=repr)
def test_new_values_raise_what_resolve_raises(template: object) -> None:
    with pytest.raises(ConfigError) as raised:
        resolve(template, fake_lookup, fake_secret)
    for targets in target_choices(template):
        with pytest.raises(type(raised.value)) as again:
            _resolved_shown(template, targets, {}, fake_lookup, fake_secret, (), True, [])
        assert str(again.value) == str(raised.value)


def test_a_new_resource_of_a_type_with_secret_paths_shows_them_sensitive() -> None:
    schemas = {
        "local:data": ResourceTypeSchema(
            type="local:data",
            secret_paths=("input.password",),
            outputs={"type": "object", "properties": {"output": {}}},
        )
    }
    bound = bind(
        _doc(
            {"type": "local:data", "name": "a", "properties": {"input": {"password": "pw"}}},
            {
                "type": "local:data",
                "name": "b",
                "properties": {"input": {"password": "pw", "from": "${a.output}"}},
            },
        ),
        None,
    )
    plan = make_plan(bound, {}, deployment="t", schemas=schemas)
    a, b = plan.steps
    assert a.after == {"input": {"password": "(sensitive)"}}
    assert a.unknown_paths == ()
    assert b.after == {"input": {"password": "(sensitive)", "from": UNKNOWN_TEXT}}
    assert b.unknown_paths == ("input.from",)


# -- the binder's parse of references, and each looked up once: plans as without them ---------


@pytest.mark.parametrize("seed", range(6))
def test_a_plan_is_the_same_when_the_planner_parses_and_looks_up_every_reference_itself(
    seed: int,
) -> None:
    rng = random.Random(seed)
    resources: list[dict[str, Any]] = []
    for i in range(40):
        parents = rng.sample(range(i), min(i, rng.randint(0, 3)))
        refs = [
            rng.choice([f"${{local:data:r{p}.output.v}}", f"${{r{p}.output}}", f"${{r{p}.id}}"])
            for p in parents
        ]
        properties: dict[str, Any] = {"input": {"v": f"v{i}", "deps": refs}}
        if parents and rng.random() < 0.3:  # interpolated: resolved, not looked up
            properties["text"] = f"<${{r{parents[0]}.output.v}}>"
        resources.append({"type": "local:data", "name": f"r{i}", "properties": properties})
    bound = bind(_doc(*resources), None)
    # recorded as applied (references resolved from the records made before), then some
    # changed, tainted or never created
    records: dict[str, ResourceRecord] = {}

    def recorded_value(address: str, path: Path) -> object:
        found = lookup(records[address].outputs, path) if address in records else MISSING
        return "gone" if found is MISSING else found

    for address, res in bound.resources.items():
        fate = rng.choice(["same", "same", "same", "changed", "tainted", "new"])
        if fate == "new":
            continue
        applied = resolve(res.template, recorded_value, fake_secret)
        assert isinstance(applied, dict)
        if fate == "changed":
            applied = {**applied, "input": {**applied["input"], "v": "other"}}
        records[address] = _record(
            res.name,
            applied,
            dependencies=res.dependencies,
            status="tainted" if fate == "tainted" else "ready",
        )
    without = replace(bound, ref_targets={})
    schemas = {
        "local:data": ResourceTypeSchema(
            type="local:data",
            properties={"type": "object", "properties": {"input": {}, "text": {}}},
            outputs={"type": "object", "properties": {"output": {}, "id": {}}},
        )
    }
    for schema_set in ({}, schemas):
        for chosen in [(), tuple(rng.sample(sorted(bound.resources), 3))]:
            made = [
                make_plan(b, records, deployment="t", schemas=schema_set, targets=chosen, now="x")
                for b in (bound, without)
            ]
            assert made[0] == made[1]
    actions = {s.action for s in make_plan(bound, records, deployment="t").steps}
    assert "no-op" in actions
    assert actions & {"create", "update", "replace"}
