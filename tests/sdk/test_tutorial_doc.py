"""docs/writing-a-provider.md shows code that is really in examples/providers/notes.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "writing-a-provider.md"
EXAMPLE = ROOT / "examples" / "providers" / "notes.py"
QUOTED = re.compile(r"<!-- from examples/providers/notes.py -->\n```python\n(.*?)```", re.DOTALL)


def quoted_blocks() -> list[str]:
    return QUOTED.findall(DOC.read_text())


def test_the_tutorial_quotes_the_example() -> None:
    assert len(quoted_blocks()) >= 5


@pytest.mark.parametrize("block", quoted_blocks(), ids=lambda b: b.splitlines()[0][:40])
def test_each_quoted_block_is_in_the_example_verbatim(block: str) -> None:
    assert block in EXAMPLE.read_text()
