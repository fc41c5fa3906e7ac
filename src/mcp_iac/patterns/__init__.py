"""Deployment patterns: named, parameterised generators of deployments.

A :class:`Pattern` has a name, a description, a pydantic parameter model (its JSON Schema is
what users and MCP clients see) and a generator returning a deployment. Built-ins are in
``BUILTIN_PATTERNS``; users add YAML ``kind: Pattern`` documents or Python ``@pattern``
functions (:func:`load_pattern_paths`).
"""

from ._builtin import BUILTIN_PATTERNS
from ._library import PatternLibrary, load_pattern_file, load_pattern_paths
from ._params import parse_param_pairs
from ._pattern import Generated, Params, Pattern, pattern, to_document
from ._yaml import ParameterSpec, PatternSpec, YamlPattern, parse_pattern

__all__ = [
    "BUILTIN_PATTERNS",
    "Generated",
    "ParameterSpec",
    "Params",
    "Pattern",
    "PatternLibrary",
    "PatternSpec",
    "YamlPattern",
    "load_pattern_file",
    "load_pattern_paths",
    "parse_param_pairs",
    "parse_pattern",
    "pattern",
    "to_document",
]
