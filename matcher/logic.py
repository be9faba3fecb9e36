"""Three-valued (Kleene) logic and range comparisons.

``True`` / ``False`` are sure answers, ``None`` means unknown. A patient's value is often a
range (a partial date gives an interval of days, ECOG 1 is Karnofsky 70-80): a comparison
is sure only when the whole range lands on one side.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Tri = bool | None


def all_of(values: Iterable[Tri]) -> Tri:
    """Kleene AND: False wins, then unknown, else True.

    >>> all_of([True, None]), all_of([False, None]), all_of([True, True]), all_of([])
    (None, False, True, True)
    """
    result: Tri = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def any_of(values: Iterable[Tri]) -> Tri:
    """Kleene OR: True wins, then unknown, else False.

    >>> any_of([False, None]), any_of([True, None]), any_of([False, False]), any_of([])
    (None, True, False, False)
    """
    result: Tri = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


def not_(value: Tri) -> Tri:
    """Kleene NOT: unknown stays unknown.

    >>> not_(True), not_(False), not_(None)
    (False, True, None)
    """
    return None if value is None else not value


def _get(numeric: Any, name: str) -> Any:
    return numeric.get(name) if isinstance(numeric, dict) else getattr(numeric, name, None)


def _holds(value: float, op: str, a: float, b: float | None) -> bool:
    if op == "<":
        return value < a
    if op == "<=":
        return value <= a
    if op == "=":
        return value == a
    if op == ">=":
        return value >= a
    if op == ">":
        return value > a
    if op == "between":
        return a <= value <= (a if b is None else b)
    raise ValueError(f"unknown comparison {op!r}")


def compare(lo: float | None, hi: float | None, numeric: Any) -> Tri:
    """Does every value in ``[lo, hi]`` satisfy the ``Numeric`` (sure), none (sure), or some?

    ``numeric`` is a ``Numeric`` or its dict. Integer-valued scales (ECOG) are checked at the
    range's two ends, which is exact for one-sided and ``between`` constraints.

    >>> compare(2, 2, {"op": "between", "value": 0, "value2": 1})
    False
    >>> compare(70, 80, {"op": ">=", "value": 70}), compare(70, 80, {"op": ">=", "value": 80})
    (True, None)
    >>> compare(None, None, {"op": ">=", "value": 18}) is None
    True
    """
    if lo is None or hi is None:
        return None
    op, a, b = _get(numeric, "op"), float(_get(numeric, "value")), _get(numeric, "value2")
    b = None if b is None else float(b)
    at_lo, at_hi = _holds(lo, op, a, b), _holds(hi, op, a, b)
    if at_lo and at_hi:
        if op == "=" and lo != hi:
            return None
        return True
    if not at_lo and not at_hi:
        # a range can straddle a "between" or "=" window without either end inside it
        if op in ("between", "=") and lo < a and hi > (a if b is None else b):
            return None
        if op == "=" and lo < a < hi:
            return None
        return False
    return None


def describe_numeric(numeric: Any, *, unit: str | None = None) -> str:
    """Words for a ``Numeric``: ``>= 18 years``, ``0-1``.

    >>> describe_numeric({"op": "between", "value": 0, "value2": 1})
    '0-1'
    >>> describe_numeric({"op": ">=", "value": 1.5, "unit": "x 10^9/L"})
    '≥ 1.5 x 10^9/L'
    """
    op, a, b = _get(numeric, "op"), _get(numeric, "value"), _get(numeric, "value2")
    unit = unit if unit is not None else _get(numeric, "unit")
    sign = {"<": "<", "<=": "≤", "=": "=", ">=": "≥", ">": ">"}
    text = f"{_num(a)}-{_num(b)}" if op == "between" else f"{sign.get(op, op)} {_num(a)}"
    return f"{text} {unit}" if unit else text


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
