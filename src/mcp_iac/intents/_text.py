"""The request as text: matching phrases, and remembering which words were understood.

Every rule that recognises something marks the characters it used; the words no rule used (and
that are not filler such as "a", "the", "please") are what the parser did not understand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_FILLER_LINES = (
    "a an the and or with without on in into onto at to for of from by as using use via",
    "our my your their its this that these those some any me us we i you it",
    "please pls kindly just also then new fresh",
    "want need would like could can should will let lets let's",
    "deploy set setup create make launch start run build provision spin stand bring get give",
    "up out",
    "app apps application applications platform stack service services site system thing one",
    "server servers instance",
)
FILLER = frozenset(word for line in _FILLER_LINES for word in line.split())
"""Words that carry no meaning of their own in a request (verbs like "deploy" are understood
by the action rule first; here they only keep leftovers quiet)."""

_WORD = re.compile(r"[a-z0-9][a-z0-9.+#'-]*[a-z0-9+#]|[a-z0-9]")


class Text:
    """A lower-cased request with a mask of the characters some rule has used."""

    def __init__(self, request: str) -> None:
        self.original = request
        self.normal = " ".join(request.split())
        """The request with runs of white space made one space (same offsets as ``lower``)."""
        self.lower = self.normal.lower()
        self._used = [False] * len(self.lower)

    def find(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of ``pattern`` that overlap nothing used so far. A match that does is
        tried again one character later, so an optional prefix that was used elsewhere
        ("postgres" in "postgres database cluster") does not hide the rest."""
        pos = 0
        while pos <= len(self.lower):
            match = pattern.search(self.lower, pos)
            if match is None:
                return
            if any(self._used[match.start() : match.end()]):
                pos = match.start() + 1
                continue
            yield match
            pos = max(match.end(), match.start() + 1)

    def take(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        """Every unused match of ``pattern``, marked used."""
        taken: list[re.Match[str]] = []
        for match in self.find(pattern):
            if any(self._used[match.start() : match.end()]):
                continue  # an earlier match of this same pattern overlapped it
            self.use(match.start(), match.end())
            taken.append(match)
        return taken

    def take_first(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        for match in self.find(pattern):
            self.use(match.start(), match.end())
            return match
        return None

    def said(self, match: re.Match[str], group: int = 0) -> str:
        """The words of ``match`` as the person wrote them (original case)."""
        return self.normal[match.start(group) : match.end(group)].strip()

    def use(self, start: int, end: int) -> None:
        for i in range(start, end):
            self._used[i] = True

    def leftovers(self) -> list[str]:
        """Words no rule used, in order, without filler and punctuation."""
        words: list[str] = []
        for match in _WORD.finditer(self.lower):
            if any(self._used[match.start() : match.end()]):
                continue
            word = match.group(0).strip(".'")
            if word and word not in FILLER and word not in words:
                words.append(word)
        return words
