"""Dates a note gives relative to the day it is read: "4 months ago", "since 2 weeks ago",
"for the past 6 months".

A note has no date of its own, so these are counted back from ``as_of``, the day the note is
read (today in the product; a fixed day in the benchmarks, so features are reproducible), at
the precision the words give: days and weeks to the day, months to the month, years to the
year. The first such phrase after a mention in its sentence dates it, unless it opens a clause
of its own ("..., and 2 weeks ago she ..."); a phrase that opens the clause holding a mention
("4 months ago he started temozolomide", "Since 3 months ago he has been on insulin") dates it
too (:func:`fronted_date`).
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


def month_number(month: str, *, missing: int = 1) -> int:
    """A ``YYYY-MM`` (or ``YYYY``) date as a count of months, ``year * 12 + month``, to compare
    or subtract; a year alone counts as its month ``missing``.

    >>> month_number("2025-06") - month_number("2024-12"), month_number("2015", missing=6)
    (6, 24186)
    """
    return int(month[:4]) * 12 + (int(month[5:7]) if len(month) >= 7 else missing)


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
        found = _dated(m, as_of)
        if found is not None:
            return found
    return None


def _dated(m: re.Match[str], as_of: date) -> RelativeDate | None:
    if not (m.group("ago") or m.group("since")):
        return None
    word = m.group("n").lower()
    n = _NUMBERS[word] if word in _NUMBERS else int(word)
    unit = m.group("unit").lower()
    if unit == "day":
        when = (as_of - timedelta(days=n)).isoformat()
    elif unit == "week":
        when = (as_of - timedelta(weeks=n)).isoformat()
    elif unit == "month":
        when = months_back(as_of, n).isoformat()[:7]
    else:
        when = str(as_of.year - n)
    return RelativeDate(when, bool(m.group("since")), m.start())


#: Where a clause opens inside a sentence: after "and", "but" or "then" (a comma alone may
#: be an aside: "surgery, 4 months ago, and ...").
_CLAUSE_OPENER = re.compile(r"(?i)\b(?:and|but|then)\s+")
#: Words that may stand before a clause's date ("About 4 months ago ...").
_LEAD = re.compile(r"(?i)\s*(?:(?:about|approximately|around|roughly|almost|nearly|just)\s+)?")
#: Words between a clause's date and a mention that move the time on ("A year ago he was
#: diagnosed, now on lenalidomide"): the date is then not the mention's.
_TIME_MOVES = re.compile(
    r"(?i)\b(?:now|currently|presently|later|subsequently|after|afterwards|since|recently|"
    r"today|yesterday|followed|until|till|(?:19|20)\d\d)\b"
)


def opens_clause(text: str, cut: int, at: int) -> bool:
    """Whether the words at ``at`` open a clause of the sentence that begins at ``cut``: only
    "About" or the like stands between them and the sentence start or an "and" / "but" /
    "then".

    >>> t = "She had surgery and 2 weeks ago she was started on prednisone"
    >>> opens_clause(t, 0, t.index("2 weeks")), opens_clause(t, 0, t.index("she was"))
    (True, False)
    >>> opens_clause("About 4 months ago he started it", 0, 6)
    True
    """
    opens = [cut] + [m.end() for m in _CLAUSE_OPENER.finditer(text, cut, at)]
    lead = _LEAD.match(text, opens[-1], at)
    return lead is not None and lead.end() == at


def fronted_date(text: str, cut: int, start: int, as_of: date) -> RelativeDate | None:
    """The relative date that opens the clause holding the mention at ``start`` (its sentence
    begins at ``cut``), counted back from ``as_of``; None when the clause opens otherwise, or
    when a later time ("now", "after", "2019", another date) stands between it and the mention.

    >>> d = date(2026, 11, 20)
    >>> t = "Two weeks ago, she was started on prednisone"
    >>> fronted_date(t, 0, t.index("prednisone"), d)
    RelativeDate(date='2026-11-06', ongoing=False, at=0)
    >>> t = "Since 3 months ago he has been on insulin"
    >>> fronted_date(t, 0, t.index("insulin"), d)[:2]
    ('2026-08', True)
    >>> t = "He had surgery 4 months ago and is on insulin"
    >>> print(fronted_date(t, 0, t.index("insulin"), d))
    None
    """
    opens = [cut] + [m.end() for m in _CLAUSE_OPENER.finditer(text, cut, start)]
    lead = _LEAD.match(text, opens[-1], start)
    m = RELATIVE.match(text, lead.end() if lead else opens[-1], start)
    if m is None or not opens_clause(text, cut, m.start()):
        return None
    between = text[m.end() : start]
    if _TIME_MOVES.search(between) or RELATIVE.search(between):
        return None
    return _dated(m, as_of)
