"""Numbers, comparators and durations as criteria write them, turned into ``Numeric`` dicts."""

from __future__ import annotations

import re

#: Numbers written as words (criteria and notes: "within four weeks", "six months ago").
CARDINALS = {
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
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "twenty": 20,
    "thirty": 30,
}
_WORDS = {
    **CARDINALS,
    "single": 1,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
_GE = (
    "≥",
    "≧",
    "⩾",
    ">=",
    "=>",
    "greater than or equal",
    "more than or equal",
    "at least",
    "not less",
    "no less",
    "minimum",
    "min",
    "equal to or greater",
    "equal to or more",
    "equal to or higher",
    "or more",
    "or greater",
    "or higher",
    "or above",
    "or older",
    "or over",
    "or longer",
    "or later",
    "and above",
    "and older",
    "and over",
    "and up",
    "+",
)
_LE = (
    "≤",
    "≦",
    "⩽",
    "<=",
    "=<",
    "less than or equal",
    "not more",
    "no more",
    "not exceeding",
    "not greater",
    "no greater",
    "not higher",
    "not to exceed",
    "does not exceed",
    "do not exceed",
    "should not exceed",
    "must not exceed",
    "shall not exceed",
    "up to",
    "maximum",
    "max",
    "equal to or less",
    "equal to or lower",
    "or less",
    "or lower",
    "or fewer",
    "or below",
    "or younger",
    "or under",
    "or shorter",
    "and below",
    "and under",
    "and younger",
    "within",
)
_GT = (
    ">",
    "greater than",
    "more than",
    "higher than",
    "longer than",
    "over",
    "above",
    "exceeding",
    "older than",
)
_LT = (
    "<",
    "less than",
    "lower than",
    "fewer than",
    "shorter than",
    "below",
    "under",
    "younger than",
)
_DAYS = {
    "day": 1.0,
    "week": 7.0,
    "wk": 7.0,
    "month": 30.0,
    "mo": 30.0,
    "year": 365.0,
    "yr": 365.0,
    "hour": 1 / 24,
    "hr": 1 / 24,
}


def number(text: str) -> float | None:
    """A number as written: ``1.5``, ``1,5`` (decimal comma), ``1,500`` (thousands), words.

    >>> number("1,500"), number("1,5"), number("two"), number("10^9")
    (1500.0, 1.5, 2.0, None)
    """
    t = text.strip().lower()
    if t in _WORDS:
        return float(_WORDS[t])
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", t):
        return float(t.replace(",", ""))
    if re.fullmatch(r"\d+(?:[.,]\d+)?", t):
        return float(t.replace(",", "."))
    return None


def op_of(words: str | None) -> str | None:
    """Comparator for the words around a number (prefix or suffix), or None.

    >>> op_of("\\\\>="), op_of("at least"), op_of("no more than"), op_of("or older"), op_of("")
    ('>=', '>=', '<=', '>=', None)
    """
    if not words:
        return None
    w = " ".join(words.lower().replace("\\", "").split())
    if not w:
        return None
    for table, op in ((_GE, ">="), (_LE, "<="), (_GT, ">"), (_LT, "<")):
        if any(w.startswith(x) or w == x for x in table):
            return op
    if w.startswith("="):
        return "="
    return None


def numeric(op: str, value: float, unit: str | None = None, value2: float | None = None) -> dict:
    """A ``Numeric`` as a plain dict (``value2`` only for ``between``).

    >>> numeric("between", 18, "years", 80)
    {'op': 'between', 'value': 18.0, 'value2': 80.0, 'unit': 'years'}
    """
    out: dict = {"op": op, "value": float(value)}
    if op == "between":
        out["value2"] = float(value2 if value2 is not None else value)
    out["unit"] = unit
    return out


def combine(pre: str | None, post: str | None, default: str = "=") -> str:
    """The comparator from a prefix or a suffix (prefix wins)."""
    return op_of(pre) or op_of(post) or default


def to_days(value: float, unit: str) -> float | None:
    """A duration in days (months = 30 days, years = 365).

    >>> to_days(4, "weeks"), to_days(6, "months"), to_days(2, "half-lives")
    (28.0, 180.0, None)
    """
    u = unit.lower().rstrip("s").rstrip(".")
    return value * _DAYS[u] if u in _DAYS else None


def to_months(value: float, unit: str) -> float:
    """A duration in months (weeks / 4.345, rounded to 2 decimals).

    >>> to_months(12, "weeks"), to_months(3, "months"), to_months(1, "year")
    (2.76, 3.0, 12.0)
    """
    u = unit.lower().rstrip("s")
    factor = {"week": 1 / 4.345, "wk": 1 / 4.345, "day": 1 / 30.44, "year": 12.0, "yr": 12.0}.get(
        u, 1.0
    )
    return round(value * factor, 2)
