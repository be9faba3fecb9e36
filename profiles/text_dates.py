"""Dates a note gives relative to the day it is read: "4 months ago", "since 2 weeks ago",
"for the past 6 months".

A note has no date of its own, so these are counted back from ``as_of``, the day the note is
read (today in the product; a fixed day in the benchmarks, so features are reproducible), at
the precision the words give: days and weeks to the day, months to the month, years to the
year. Only the first such phrase after a mention, in its sentence, dates it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

from rules.criteria.numbers import CARDINALS

_NUMBERS = {"a": 1, "an": 1, **CARDINALS}
_COUNT = r"(?P<n>\d{1,2}|" + "|".join(_NUMBERS) + r")"
_UNIT = r"(?P<unit>day|week|month|year)s?"
#: "4 months ago", "since 2 weeks ago" (ago: a start), "for the past 6 months" / "over the
#: last year" / "since 3 months" (a start, and still going on).
RELATIVE = re.compile(
    rf"(?i)\b(?:(?P<since>since|for the (?:past|last)|over the (?:past|last)|in the (?:past|last))\s+)?"
    rf"{_COUNT}\s+{_UNIT}(?P<ago>\s+ago)?\b"
)


def months_back(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months back (the first of that month).

    >>> months_back(date(2026, 11, 20), 4), months_back(date(2026, 2, 1), 3)
    (datetime.date(2026, 7, 1), datetime.date(2025, 11, 1))
    """
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


class RelativeDate(NamedTuple):
    """A date a text gives relative to the day it is read."""

    date: str  # YYYY, YYYY-MM or YYYY-MM-DD, as precise as the words
    ongoing: bool  # "for the past 6 months", "since ...": began then and goes on
    at: int  # where the words start in the text


def relative_date(text: str, start: int, stop: int, as_of: date) -> RelativeDate | None:
    """The first relative date in ``text[start:stop]`` counted back from ``as_of``, with
    whether the words say it is still going on ("for the past 6 months", "since ..."); None
    when there is none. Bare durations ("for 6 months", "6 months of therapy") date nothing.

    >>> d = date(2026, 11, 20)
    >>> t = "underwent transsphenoidal surgery 4 months ago"
    >>> relative_date(t, 0, len(t), d)
    RelativeDate(date='2026-07', ongoing=False, at=34)
    >>> t = "on IFN and RBV for the past 6 months"
    >>> relative_date(t, 0, len(t), d)[:2]
    ('2026-05', True)
    >>> [relative_date(t, 0, len(t), d) for t in ["a year ago", "given for 6 months"]]
    [RelativeDate(date='2025', ongoing=False, at=0), None]
    >>> relative_date("started 2 weeks ago", 0, 19, d).date
    '2026-11-06'
    """
    for m in RELATIVE.finditer(text, start, stop):
        if not (m.group("ago") or m.group("since")):
            continue
        word = m.group("n").lower()
        n = _NUMBERS[word] if word in _NUMBERS else int(word)
        unit = m.group("unit").lower()
        ongoing = bool(m.group("since"))
        if unit == "day":
            when = (as_of - timedelta(days=n)).isoformat()
        elif unit == "week":
            when = (as_of - timedelta(weeks=n)).isoformat()
        elif unit == "month":
            when = months_back(as_of, n).isoformat()[:7]
        else:
            when = str(as_of.year - n)
        return RelativeDate(when, ongoing, m.start())
    return None
