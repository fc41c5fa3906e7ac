"""JMESPath with three truth values, for conditions over plans with unknown values.

A value known only after apply is the :data:`~mcp_iac.core.UNKNOWN` marker. This interpreter
lets it flow through an expression the way SQL's NULL does (Kleene logic): a field of an
unknown value is unknown, a comparison with an unknown side is unknown, ``a && b`` is false
when either side is false and unknown when neither is false but one is unknown, ``a || b`` is
true when either side is true, ``!unknown`` is unknown, a filter whose condition is unknown for
some element gives an unknown list, and a function given an unknown argument gives an unknown
result. A condition whose final value is unknown is *undetermined*: reported, never a
violation.

Two functions are added to JMESPath's: ``get(object, key)`` (a key chosen at run time, e.g. a
tag name from a list) and ``port_in(ports, port)`` (whether a port specification such as
``22``, ``"22"``, ``"20-25"``, ``"80,443"`` or ``"any"``/null covers a port: see
:func:`~mcp_iac.policy.port_covers`).

Importing this module imports jmespath: only declarative policies need it.
"""

from __future__ import annotations

from typing import Any

import jmespath
from jmespath import exceptions, functions
from jmespath.visitor import Options, TreeInterpreter

from mcp_iac.core import UNKNOWN, is_unknown

from ._ports import port_covers


class _Functions(functions.Functions):
    @functions.signature({"types": ["object", "null"]}, {"types": ["string"]})
    def _func_get(self, obj: dict[str, Any] | None, key: str) -> Any:
        return None if obj is None else obj.get(key)

    @functions.signature({"types": []}, {"types": ["number"]})
    def _func_port_in(self, spec: Any, port: int) -> bool:
        return port_covers(spec, int(port))


_OPTIONS = Options(custom_functions=_Functions())
_STRUCTURAL = frozenset({"length", "keys", "type", "not_null", "reverse"})


# The stubs type tree nodes as TypedDicts the overrides below would have to repeat; the
# interpreter is used through Expression only, so it is typed as Any here.
_Interpreter: Any = TreeInterpreter


class _Kleene(_Interpreter):  # type: ignore[misc]  # see _Interpreter
    def __init__(self) -> None:
        super().__init__(_OPTIONS)

    def visit_field(self, node: dict[str, Any], value: Any) -> Any:
        if value is UNKNOWN:
            return UNKNOWN
        return super().visit_field(node, value)

    def visit_index(self, node: dict[str, Any], value: Any) -> Any:
        return UNKNOWN if value is UNKNOWN else super().visit_index(node, value)

    def visit_slice(self, node: dict[str, Any], value: Any) -> Any:
        return UNKNOWN if value is UNKNOWN else super().visit_slice(node, value)

    def visit_multi_select_dict(self, node: dict[str, Any], value: Any) -> Any:
        return UNKNOWN if value is UNKNOWN else super().visit_multi_select_dict(node, value)

    def visit_multi_select_list(self, node: dict[str, Any], value: Any) -> Any:
        return UNKNOWN if value is UNKNOWN else super().visit_multi_select_list(node, value)

    def visit_comparator(self, node: dict[str, Any], value: Any) -> Any:
        left = self.visit(node["children"][0], value)
        right = self.visit(node["children"][1], value)
        if is_unknown(left) or is_unknown(right):
            return UNKNOWN
        op = node["value"]
        func = self.COMPARATOR_FUNC[op]
        if op in self._EQUALITY_OPS:
            return func(left, right)
        comparable = (int, float, str)
        if (
            not isinstance(left, comparable)
            or not isinstance(right, comparable)
            or isinstance(left, bool)
            or isinstance(right, bool)
            or isinstance(left, str) != isinstance(right, str)
        ):
            return None
        return func(left, right)

    def visit_and_expression(self, node: dict[str, Any], value: Any) -> Any:
        left = self.visit(node["children"][0], value)
        if left is not UNKNOWN and self._is_false(left):
            return left
        right = self.visit(node["children"][1], value)
        if left is UNKNOWN:
            return right if right is not UNKNOWN and self._is_false(right) else UNKNOWN
        return right

    def visit_or_expression(self, node: dict[str, Any], value: Any) -> Any:
        left = self.visit(node["children"][0], value)
        if left is not UNKNOWN and not self._is_false(left):
            return left
        right = self.visit(node["children"][1], value)
        if left is UNKNOWN:
            return right if right is not UNKNOWN and not self._is_false(right) else UNKNOWN
        return right

    def visit_not_expression(self, node: dict[str, Any], value: Any) -> Any:
        inner = self.visit(node["children"][0], value)
        if inner is UNKNOWN:
            return UNKNOWN
        return super().visit_not_expression(node, value)

    def visit_filter_projection(self, node: dict[str, Any], value: Any) -> Any:
        base = self.visit(node["children"][0], value)
        if base is UNKNOWN:
            return UNKNOWN
        if not isinstance(base, list):
            return None
        collected = []
        for element in base:
            keep = self.visit(node["children"][2], element)
            if keep is UNKNOWN:
                return UNKNOWN  # which elements pass is not known yet
            if not self._is_false(keep):
                current = self.visit(node["children"][1], element)
                if current is not None:
                    collected.append(current)
        return collected

    def visit_projection(self, node: dict[str, Any], value: Any) -> Any:
        base = self.visit(node["children"][0], value)
        if base is UNKNOWN:
            return UNKNOWN
        if not isinstance(base, list):
            return None
        collected = []
        for element in base:
            current = self.visit(node["children"][1], element)
            if current is not None:
                collected.append(current)
        return collected

    def visit_value_projection(self, node: dict[str, Any], value: Any) -> Any:
        base = self.visit(node["children"][0], value)
        if base is UNKNOWN:
            return UNKNOWN
        if not isinstance(base, dict):
            return None
        collected = []
        for element in base.values():
            current = self.visit(node["children"][1], element)
            if current is not None:
                collected.append(current)
        return collected

    def visit_flatten(self, node: dict[str, Any], value: Any) -> Any:
        base = self.visit(node["children"][0], value)
        if base is UNKNOWN:
            return UNKNOWN
        return super().visit_flatten(
            {**node, "children": [{"type": "literal", "value": base}]}, value
        )

    def visit_function_expression(self, node: dict[str, Any], value: Any) -> Any:
        args = [self.visit(child, value) for child in node["children"]]
        name = node["value"]
        if any(a is UNKNOWN for a in args):
            return UNKNOWN
        if name == "contains" and len(args) == 2 and isinstance(args[0], list):
            subject, wanted = args
            if is_unknown(wanted):
                return UNKNOWN
            if wanted in [e for e in subject if not is_unknown(e)]:
                return True
            return UNKNOWN if any(is_unknown(e) for e in subject) else False
        if name not in _STRUCTURAL and any(is_unknown(a) for a in args):
            return UNKNOWN
        try:
            return self._functions.call_function(name, args)
        except (exceptions.JMESPathTypeError, TypeError):
            if any(is_unknown(a) for a in args):
                return UNKNOWN
            raise


class Expression:
    """A compiled JMESPath expression evaluated with three truth values."""

    __slots__ = ("_parsed", "text")

    def __init__(self, text: str) -> None:
        """Raises:
        ValueError: ``text`` is not a JMESPath expression (the message says where).
        """
        self.text = text
        try:
            self._parsed = jmespath.compile(text)
        except exceptions.ParseError as exc:
            raise ValueError(
                f"invalid JMESPath expression {text!r}: {exc.msg} at column {exc.lex_position}"
            ) from None
        except exceptions.JMESPathError as exc:
            raise ValueError(f"invalid JMESPath expression {text!r}: {exc}") from None

    def search(self, data: Any) -> Any:
        """The expression's value over ``data`` (UNKNOWN where it depends on an unknown).

        Raises:
            ValueError: a function was called with arguments of the wrong type, or an unknown
                function.
        """
        try:
            return _Kleene().visit(self._parsed.parsed, data)
        except exceptions.JMESPathError as exc:
            raise ValueError(f"JMESPath expression {self.text!r}: {exc}") from None

    def truth(self, data: Any) -> bool | object:
        """True, False or UNKNOWN: the expression's value read as a condition (JMESPath's
        falsy values are false, null, "", [] and {})."""
        result = self.search(data)
        if result is UNKNOWN:
            return result
        falsy: bool = result is None or result is False or result in ("", [], {})
        return not falsy
