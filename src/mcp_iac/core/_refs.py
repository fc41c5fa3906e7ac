"""The reference grammar (DESIGN.md section 3), parsed; binding to resources is the engine's job.

::

    ${<server>:<type-path>:<name>.<output-path>}   another resource's output or property
    ${<name>.<output-path>}                        a resource of this deployment by unique name
    ${<variable>}                                  a deployment variable (no dot, no colon)
    ${secret:<key>}                                a secret from the environment; never printed
    $${                                            a literal "${"

``<output-path>`` is ``ident(.ident|[int])*``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Literal

from ._values import JSON

PathPart = str | int
Path = tuple[PathPart, ...]

_IDENT = r"[A-Za-z_][A-Za-z0-9_-]*"
_PATH_RE = re.compile(rf"^{_IDENT}(?:\.{_IDENT}|\[\d+\])*\Z")
_PATH_TOKEN_RE = re.compile(rf"({_IDENT})|\[(\d+)\]")
_VAR_RE = re.compile(rf"^{_IDENT}\Z")
_SECRET_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*\Z")
_TARGET_SEG_RE = re.compile(r"^[A-Za-z0-9_-]+\Z")
# A whole string that is one resource reference, spelled as the binder writes it: no spaces,
# list indexes in ASCII digits without leading zeros (see canonical_ref)
_SEG = r"[A-Za-z0-9_-]+"
_CANONICAL_REF_RE = re.compile(
    rf"\$\{{(?!secret:)({_SEG}(?::{_SEG})*)\.({_IDENT}(?:\.{_IDENT}|\[(?:0|[1-9][0-9]*)\])*)\}}"
)
_NAMES_ONLY = frozenset({str})  # the part types of a path without list indexes


class GrammarError(ValueError):
    """A ``${...}`` expression that does not follow the grammar; the caller adds the location."""


RefKind = Literal["resource", "variable", "secret"]


@dataclass(frozen=True, slots=True)
class Ref:
    """One parsed ``${...}``.

    ``kind`` is ``resource`` (``segments`` = target split on ``:``, ``path`` = output path),
    ``variable`` (``segments`` = (name,)) or ``secret`` (``segments`` = (key,)).
    """

    kind: RefKind
    segments: tuple[str, ...]
    path: Path
    text: str

    @property
    def target(self) -> str:
        return ":".join(self.segments)


Part = str | Ref
_REF_FIELDS = ("kind", "segments", "path", "text")


def _ref_builder() -> Callable[[RefKind, tuple[str, ...], Path, str], Ref]:
    """``Ref(kind, segments, path, text)`` at half the cost, for :func:`canonical_ref`.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; filling
    the slots through their descriptors makes the same object faster (as engine/_plan.py's
    ``new_step`` does). Used only while Ref is exactly the slotted class of these fields with
    nothing run after init; otherwise the constructor itself.
    """
    names = tuple(f.name for f in fields(Ref))
    slots = tuple(getattr(Ref, "__slots__", ()))
    if not names == slots == _REF_FIELDS or hasattr(Ref, "__post_init__"):
        return Ref
    new = object.__new__
    s_kind, s_segments, s_path, s_text = (getattr(Ref, name).__set__ for name in _REF_FIELDS)

    def build(kind: RefKind, segments: tuple[str, ...], path: Path, text: str) -> Ref:
        ref: Ref = new(Ref)
        s_kind(ref, kind)
        s_segments(ref, segments)
        s_path(ref, path)
        s_text(ref, text)
        return ref

    return build


new_ref = _ref_builder()
"""``Ref(kind, segments, path, text)``, faster (see :func:`_ref_builder`)."""


def parse_path(text: str) -> Path:
    """``a.b[0].c`` -> ``("a", "b", 0, "c")``; raises GrammarError."""
    if not _PATH_RE.match(text):
        raise GrammarError(
            f"'{text}' is not an output path; expected names joined by '.' with optional "
            "list indexes, e.g. 'privateIp' or 'instances[0].id'"
        )
    return tuple(ident if ident else int(index) for ident, index in _PATH_TOKEN_RE.findall(text))


def format_path(path: Path) -> str:
    """``("a", "b", 0, "c")`` -> ``a.b[0].c``, the spelling :func:`parse_path` reads back."""
    if _NAMES_ONLY.issuperset(map(type, path)):
        return ".".join(path)  # type: ignore[arg-type]  # every part is a str
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)


def parse_ref(inner: str) -> Ref:
    """Parse the text between ``${`` and ``}``; raises GrammarError."""
    text = "${" + inner + "}"
    inner = inner.strip()
    if not inner:
        raise GrammarError("empty reference '${}'")
    if inner.startswith("secret:"):
        key = inner[len("secret:") :]
        if not _SECRET_RE.match(key):
            raise GrammarError(f"'{text}': a secret key is letters, digits, '_', '-' and '.'")
        return Ref("secret", (key,), (), text)
    target, dot, path_text = inner.partition(".")
    if not dot:
        if ":" in inner:
            raise GrammarError(
                f"'{text}' names a resource but no output; add one, e.g. '${{{inner}.id}}'"
            )
        if not _VAR_RE.match(inner):
            raise GrammarError(f"'{text}' is not a valid variable name")
        return Ref("variable", (inner,), (), text)
    segments = tuple(target.split(":"))
    if not all(_TARGET_SEG_RE.match(s) for s in segments):
        raise GrammarError(
            f"'{text}': expected '<server>:<type>:<name>.<output>' or '<name>.<output>'"
        )
    return Ref("resource", segments, parse_path(path_text), text)


def canonical_target(value: str) -> tuple[str, Path] | None:
    """The target (as written: ``<server>:<type>:<name>``, or a shorter form) and the output
    path of ``value`` when it is exactly one resource reference in canonical spelling (see
    :func:`canonical_ref`, which gives the same as a Ref); ``None`` for anything else."""
    match = _CANONICAL_REF_RE.fullmatch(value)
    if match is None:
        return None
    target, path_text = match.groups()
    path: Path = (
        tuple(path_text.split("."))
        if "[" not in path_text
        else tuple(
            ident if ident else int(index) for ident, index in _PATH_TOKEN_RE.findall(path_text)
        )
    )
    return target, path


def canonical_ref(value: str) -> Ref | None:
    """The resource reference ``value`` is, when it is exactly one in canonical spelling.

    Canonical: ``${<target>.<path>}`` with no spaces and the path as :func:`format_path` writes
    it, so the text is rebuilt from the parse unchanged (what the binder writes, and what
    deployments nearly always hold). One regular expression: whenever it gives a Ref,
    :func:`parse_template` gives ``[that Ref]`` (the tests hold it to that); ``None`` for
    anything else (variables, secrets, interpolation, other spellings).
    """
    found = canonical_target(value)
    if found is None:
        return None
    target, path = found
    return new_ref("resource", tuple(target.split(":")), path, value)


def parse_template(value: str) -> list[Part]:
    """Split a string into literal text and references.

    ``$${`` yields a literal ``${``. Raises GrammarError for an unterminated or malformed
    reference.
    """
    if "${" not in value:
        return [value]
    whole = canonical_ref(value)
    if whole is not None:
        return [whole]
    return _parse_parts(value)


def _parse_parts(value: str) -> list[Part]:
    """parse_template for any string: one ``${`` at a time."""
    parts: list[Part] = []
    buf: list[str] = []
    i = 0
    n = len(value)
    while i < n:
        j = value.find("${", i)
        if j < 0:
            buf.append(value[i:])
            break
        if j > 0 and value[j - 1] == "$":
            # "$${" is an escaped literal "${"
            buf.append(value[i : j - 1])
            buf.append("${")
            i = j + 2
            continue
        buf.append(value[i:j])
        end = value.find("}", j + 2)
        if end < 0:
            raise GrammarError(f"unterminated reference in '{value}': '${{' has no closing '}}'")
        if buf:
            literal = "".join(buf)
            if literal:
                parts.append(literal)
            buf = []
        parts.append(parse_ref(value[j + 2 : end]))
        i = end + 1
    literal = "".join(buf)
    if literal or not parts:
        parts.append(literal)
    return parts


def escape_literal(text: str) -> str:
    """Escape ``${`` in literal text so it survives another round of parsing."""
    return text.replace("${", "$${")


def has_refs(value: JSON) -> bool:
    """Quick test: does any string in ``value`` contain ``${``?"""
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, dict):
        return any(has_refs(v) for v in value.values())
    if isinstance(value, list):
        return any(has_refs(v) for v in value)
    return False


def iter_strings(value: JSON, path: str = "") -> list[tuple[str, str]]:
    """Every string leaf of ``value`` that contains ``${``, with its property path."""
    found: list[tuple[str, str]] = []
    if isinstance(value, str):
        if "${" in value:
            found.append((path, value))
    elif isinstance(value, dict):
        for k, v in value.items():
            found.extend(iter_strings(v, f"{path}.{k}" if path else k))
    elif isinstance(value, list):
        for idx, v in enumerate(value):
            found.extend(iter_strings(v, f"{path}[{idx}]"))
    return found
