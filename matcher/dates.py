"""Partial dates as intervals, and the arithmetic the criteria need (age, days since).

A profile date may be ``2025``, ``2025-10`` or ``2025-10-14``: each is the interval of days it
could mean. Answers computed from it are intervals too, and a criterion is decided only when
the whole interval falls on one side.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def date_range(text: str | None) -> tuple[date, date] | None:
    """The first and last day a partial ISO date can mean (None when absent).

    >>> date_range("2026-10")
    (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    >>> date_range("2025")[1], date_range("2025-02-03")[0]
    (datetime.date(2025, 12, 31), datetime.date(2025, 2, 3))
    """
    if not text:
        return None
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
    day = date(parts[0], parts[1], parts[2])
    return day, day


def days_since(text: str | None, when: date) -> tuple[int, int] | None:
    """Fewest and most days from a partial date to ``when`` (never negative).

    >>> days_since("2026-10", date(2026, 11, 20))
    (20, 50)
    >>> days_since("2025", date(2026, 11, 20))
    (324, 688)
    """
    found = date_range(text)
    if found is None:
        return None
    first, last = found
    return max(0, (when - last).days), max(0, (when - first).days)


def age_range(birth: str | None, age: int | None, when: date) -> tuple[int, int] | None:
    """Youngest and oldest whole-year age at ``when`` from a (partial) birth date, else ``age``.

    >>> age_range("1960-06-15", None, date(2026, 6, 14))
    (65, 65)
    >>> age_range("1960", None, date(2026, 11, 20))
    (65, 66)
    >>> age_range(None, 62, date(2026, 11, 20))
    (62, 62)
    """
    found = date_range(birth)
    if found is None:
        return None if age is None else (age, age)
    latest, earliest = found[1], found[0]
    return _years(latest, when), _years(earliest, when)


def _years(born: date, when: date) -> int:
    return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


def add_days(day: date, days: int) -> date:
    """``day`` plus ``days`` days.

    >>> add_days(date(2026, 11, 1), 29)
    datetime.date(2026, 11, 30)
    """
    return day + timedelta(days=days)
