"""Three-valued logic: the full truth table, once, through the composite evaluator."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from matcher.evaluate import evaluate
from matcher.facts import PatientFacts
from matcher.logic import all_of, any_of, compare, not_
from matcher.verdict import status_of
from profiles.model import PatientProfile

T, F, U = True, False, None
VALUES = (T, F, U)
AND = {
    (T, T): T,
    (T, F): F,
    (T, U): U,
    (F, T): F,
    (F, F): F,
    (F, U): F,
    (U, T): U,
    (U, F): F,
    (U, U): U,
}
OR = {
    (T, T): T,
    (T, F): T,
    (T, U): T,
    (F, T): T,
    (F, F): F,
    (F, U): U,
    (U, T): T,
    (U, F): U,
    (U, U): U,
}
NOT = {T: F, F: T, U: U}


@pytest.mark.parametrize(("a", "b"), list(itertools.product(VALUES, VALUES)))
def test_kleene_tables(a, b):
    assert all_of([a, b]) is AND[(a, b)]
    assert any_of([a, b]) is OR[(a, b)]
    assert not_(a) is NOT[a]


def _facts(measurable, pregnant):
    profile = PatientProfile(sex="female", measurable_disease=measurable, pregnant=pregnant)
    return PatientFacts.of(profile, date(2026, 11, 20))


ITEMS = [{"kind": "measurable_disease", "params": {}}, {"kind": "pregnancy", "params": {}}]


@pytest.mark.parametrize(("a", "b"), list(itertools.product(VALUES, VALUES)))
def test_composite_criteria_follow_the_truth_table(a, b):
    facts = _facts(a, b)
    both = evaluate("measurable_disease", {"all_of": ITEMS}, facts)
    either = evaluate("measurable_disease", {"any_of": ITEMS}, facts)
    assert both.value is AND[(a, b)]
    assert either.value is OR[(a, b)]
    assert both.fields == ("measurable_disease", "sex", "pregnant")
    # unknown parts carry their questions up to the composite
    if a is None:
        assert "measurable_disease" in either.questions()


@pytest.mark.parametrize("a", VALUES)
def test_negated_item_inside_a_composite_is_kleene_not(a):
    facts = _facts(a, None)
    f = evaluate(
        "measurable_disease",
        {"all_of": [{"kind": "measurable_disease", "params": {"negated": True}}]},
        facts,
    )
    assert f.value is NOT[a]


@pytest.mark.parametrize(
    ("polarity_required", "value", "status"),
    [
        (True, True, "met"),
        (True, False, "not_met"),
        (True, None, "unknown"),
        (False, True, "not_met"),
        (False, False, "met"),
        (False, None, "unknown"),
    ],
)
def test_status_from_the_patients_side(polarity_required, value, status):
    from matcher.outcome import Finding

    assert status_of(Finding(value, "x"), required=polarity_required, confidence=0.95)[0] == status


def test_low_confidence_failure_is_unknown_not_a_rule_out():
    from matcher.outcome import Finding

    assert status_of(Finding(False, "x"), required=True, confidence=0.79) == ("unknown", True)
    assert status_of(Finding(False, "x"), required=True, confidence=0.8) == ("not_met", False)


@pytest.mark.parametrize(
    ("lo", "hi", "numeric", "expected"),
    [
        (20, 50, {"op": "<=", "value": 28}, None),  # partial end date "2026-10" vs 28 days
        (324, 688, {"op": "<=", "value": 28}, False),  # end "2025" vs 28 days: surely outside
        (0, 0, {"op": "<=", "value": 28}, True),  # ongoing therapy
        (2, 2, {"op": "between", "value": 0, "value2": 1}, False),
        (0, 3, {"op": "between", "value": 1, "value2": 2}, None),
        (70, 80, {"op": ">=", "value": 70}, True),
        (5, 5, {"op": "=", "value": 5}, True),
        (4, 6, {"op": "=", "value": 5}, None),
    ],
)
def test_range_comparisons_are_sure_only_when_the_whole_range_agrees(lo, hi, numeric, expected):
    assert compare(lo, hi, numeric) is expected
