"""Lines of therapy from dated regimens, and washout arithmetic with partial dates."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.evaluate import evaluate
from matcher.facts import PatientFacts, count_lines
from profiles.model import PatientProfile

AS_OF = date(2026, 11, 20)


def facts(therapies) -> PatientFacts:
    return PatientFacts.of(PatientProfile(therapies=therapies), AS_OF)


FOLFIRINOX = {
    "name": "FOLFIRINOX",
    "kind": "chemotherapy",
    "start": "2025-01-10",
    "end": "2025-06-30",
    "stop_reason": "progression",
}
GEM = {
    "name": "gemcitabine",
    "kind": "chemotherapy",
    "start": "2025-07-15",
    "end": "2026-01-10",
    "stop_reason": "progression",
}
MAINT = {
    "name": "capecitabine maintenance",
    "drugs": ["capecitabine"],
    "kind": "chemotherapy",
    "setting": "maintenance",
    "start": "2026-01-20",
}
ADJ = {
    "name": "gemcitabine",
    "kind": "chemotherapy",
    "setting": "adjuvant",
    "start": "2024-01",
    "end": "2024-06",
    "stop_reason": "recurrence",
}


@pytest.mark.parametrize(
    ("therapies", "window", "lines"),
    [
        ([], None, (0, 0)),
        ([FOLFIRINOX], None, (1, 1)),
        ([FOLFIRINOX, GEM], None, (2, 2)),  # a new regimen after progression is a new line
        ([FOLFIRINOX, GEM, MAINT], None, (2, 2)),  # maintenance continues a line
        ([ADJ, FOLFIRINOX], None, (1, 1)),  # adjuvant therapy is not a line for advanced disease
        ([ADJ, FOLFIRINOX], 12, (2, 2)),  # ... unless recurrence within the criterion's window
        ([ADJ, FOLFIRINOX], 3, (1, 1)),
        ([{"name": "radiotherapy to the pancreas", "kind": "radiotherapy"}], None, (0, 0)),
        ([{"name": "a drug nobody knows"}], None, (0, 1)),  # unknown kind: uncertain
    ],
)
def test_lines_of_therapy(therapies, window, lines):
    assert count_lines(facts(therapies).therapies, adjuvant_within_months=window) == lines


def test_lines_criterion_missing_history_is_unknown_never_not_met():
    f = evaluate("lines_of_therapy", {"lines": {"op": ">=", "value": 1}}, facts(None))
    assert f.value is None and f.question == "therapies"
    assert (
        evaluate("lines_of_therapy", {"lines": {"op": ">=", "value": 1}}, facts([FOLFIRINOX])).value
        is True
    )
    assert (
        evaluate(
            "lines_of_therapy", {"lines": {"op": "<=", "value": 1}}, facts([FOLFIRINOX, GEM])
        ).value
        is False
    )


CHEMO_28 = {"kind": "chemotherapy", "within": {"op": "<=", "value": 28, "unit": "days"}}


@pytest.mark.parametrize(
    ("end", "ongoing", "expected", "ready"),
    [
        ("2026-10", None, None, None),  # 20-50 days ago: could be either side of 28
        ("2025", None, False, None),  # surely more than 28 days ago
        ("2026-11-01", None, True, date(2026, 11, 30)),  # 19 days ago: eligible from day 29
        ("2026-10-01", None, False, None),
        (None, True, True, None),  # ongoing therapy = 0 days
        (None, None, None, None),  # no end date, not ongoing: ask
    ],
)
def test_washout_arithmetic(end, ongoing, expected, ready):
    therapy = {
        "name": "gemcitabine",
        "kind": "chemotherapy",
        "start": "2024-06",
        "end": end,
        "ongoing": ongoing,
    }
    f = evaluate("washout", CHEMO_28, facts([therapy]))
    assert f.value is expected
    assert f.ready_on == ready


def test_washout_weeks_and_classes():
    therapy = {"name": "pembrolizumab", "start": "2026-01", "end": "2026-11-01"}
    within = {"op": "<=", "value": 4, "unit": "weeks"}
    assert (
        evaluate("washout", {"classes": ["anti_pd1"], "within": within}, facts([therapy])).value
        is True
    )
    assert (
        evaluate("washout", {"classes": ["egfr_tki"], "within": within}, facts([therapy])).value
        is False
    )


# "Initiation of medical therapy for diabetes or a change from oral hypoglycemic agents to
# insulin therapy within 4 months" (NCT00737971): a start inside the window, not any use.
INSULIN_STARTED = {
    "classes": ["insulin"],
    "within": {"op": "<=", "value": 120, "unit": "days"},
    "started": True,
}


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2015", False),  # on insulin for 11 years (ct2021-29): not begun in the window
        ("2026-10-01", True),  # begun 7 weeks ago
        (None, None),  # in use, start not recorded: ask
    ],
)
def test_a_started_window_reads_the_start_date(start, expected):
    insulin = {"name": "insulin glargine", "drugs": ["insulin_glargine"], "ongoing": True}
    if start:
        insulin["start"] = start
    f = evaluate("washout", INSULIN_STARTED, facts([insulin]))
    assert f.value is expected
    no_start = {k: v for k, v in INSULIN_STARTED.items() if k != "started"}
    assert evaluate("washout", no_start, facts([insulin])).value is True  # any use: in use now
