"""Points in time said in words: "last Tuesday", "yesterday", "3 days ago", "2026-11-17".

Everything is resolved against a given ``now`` (UTC), so the same request and the same clock
give the same answer. A day named without a time means the state at the end of that day
(23:59:59 UTC): "restore production from last Tuesday" wants what stood on Tuesday, changes
made that day included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from ._text import Text

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_N = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)"
_LEAD = r"(?:(?:from|to|as\s+of|as\s+it\s+was|at|on|back\s+to|since)\s+)?"
_WEEKDAY = re.compile(rf"\b{_LEAD}(?:last|past|previous|on)\s+({'|'.join(WEEKDAYS)})\b")
_RELATIVE_DAY = re.compile(rf"\b{_LEAD}(yesterday|today|the\s+day\s+before\s+yesterday)\b")
_AGO = re.compile(rf"\b{_LEAD}{_N}\s+(minute|hour|day|week)s?\s+ago\b")
_LAST_WEEK = re.compile(rf"\b{_LEAD}last\s+week\b")
_ISO = re.compile(
    rf"\b{_LEAD}(\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?:[t ](\d{2}:\d{2}(?::\d{2})?))?(z|[+-]\d{2}:\d{2})?"
)


@dataclass(frozen=True, slots=True)
class When:
    """A resolved moment and how it was read."""

    at: datetime
    said: str
    meaning: str

    @property
    def iso(self) -> str:
        return self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def find_when(text: Text, now: datetime) -> When | None:
    """The first point in time the request names, marked used; None if there is none."""
    now = now.astimezone(UTC)
    today = now.date()
    if (m := text.take_first(_ISO)) is not None:
        day = date.fromisoformat(m.group(1))
        said = text.said(m)
        if m.group(2) is None:
            return When(_end_of(day), said, f"the end of {day.isoformat()} (23:59:59 UTC)")
        clock = time.fromisoformat(m.group(2))
        zone = m.group(3)
        tz: timezone = UTC
        if zone and zone != "z":
            sign = 1 if zone[0] == "+" else -1
            hours, minutes = (int(x) for x in zone[1:].split(":"))
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        at = datetime.combine(day, clock, tzinfo=tz)
        return When(at.astimezone(UTC), said, at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))
    if (m := text.take_first(_WEEKDAY)) is not None:
        wanted = WEEKDAYS.index(m.group(1))
        back = (today.weekday() - wanted) % 7 or 7
        day = today - timedelta(days=back)
        return When(
            _end_of(day),
            text.said(m),
            f"{m.group(1).capitalize()} {day.isoformat()}, as it was at the end of that day "
            "(23:59:59 UTC)",
        )
    if (m := text.take_first(_RELATIVE_DAY)) is not None:
        word = m.group(1)
        back = 0 if word == "today" else 1 if word == "yesterday" else 2
        day = today - timedelta(days=back)
        if back == 0:
            return When(now, text.said(m), "now")
        return When(
            _end_of(day),
            text.said(m),
            f"{day.isoformat()}, as it was at the end of that day (23:59:59 UTC)",
        )
    if (m := text.take_first(_AGO)) is not None:
        n, unit = _count(m.group(1)), m.group(2)
        delta = {
            "minute": timedelta(minutes=n),
            "hour": timedelta(hours=n),
            "day": timedelta(days=n),
            "week": timedelta(weeks=n),
        }[unit]
        at = now - delta
        return When(at, text.said(m), at.strftime("%Y-%m-%d %H:%M:%S UTC"))
    if (m := text.take_first(_LAST_WEEK)) is not None:
        at = now - timedelta(weeks=1)
        return When(at, text.said(m), f"one week ago ({at.strftime('%Y-%m-%d %H:%M:%S UTC')})")
    return None
