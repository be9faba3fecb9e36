"""The explanation of a washout on a therapy's start ("initiation of insulin within 4 months",
"recent increase in glucocorticoids"; params.started) says what was checked: the start or
change inside the window, or that the start date is not recorded; never the end date
(issue 5, 2026-11-21). Criterion sentences are from the real records named at each case.
"""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from matcher.describe import describe_criterion
from matcher.explain import explain
from profiles.model import PatientProfile
from rules.trial import Trial

AS_OF = date(2026, 11, 20)
# NCT00737971 (exclusion)
INSULIN = (
    "Initiation of medical therapy for diabetes or a change from oral hypoglycemic agents to "
    "insulin therapy within 4 months"
)
# NCT00001256 (exclusion)
INCREASE = "Recent (within four weeks) increase in GC or cytotoxic drug therapy."


def _outcome(text: str, therapy: dict, *, nct: str):
    trial = Trial(nct_id=nct, eligibility_criteria="Exclusion Criteria:\n\n* " + text)
    match = evaluate_trial(PatientProfile(therapies=[therapy]), trial, as_of=AS_OF)
    return match.outcomes[-1]


@pytest.mark.parametrize(
    ("text", "nct", "drug"),
    [(INSULIN, "NCT00737971", "insulin"), (INCREASE, "NCT00001256", "cyclophosphamide")],
)
@pytest.mark.parametrize("therapy", [{}, {"ongoing": True}, {"end": "2026-11-01"}])
def test_no_start_date_is_said_as_such(text, nct, drug, therapy):
    o = _outcome(text, {"name": drug, **therapy}, nct=nct)
    assert o.criterion.params.get("started") is True
    assert o.status == "unknown"
    words = explain(o)
    assert "starting or changing" in words
    assert f"the start date of {drug} is not recorded" in words
    assert "end date" not in words and "ended" not in words


def test_a_start_inside_the_window_is_named_with_its_date():
    o = _outcome(INSULIN, {"name": "insulin", "start": "2026-10-01", "ongoing": True}, nct="x")
    assert o.status == "not_met"
    words = explain(o)  # was a KeyError ('end'): the finding of a start has no end date
    assert "your insulin was started on 2026-10-01" in words
    assert "2027-01-30" in words  # 120 days after the start


def test_a_start_before_the_window_does_not_exclude():
    o = _outcome(INSULIN, {"name": "insulin", "start": "2015-01-01", "ongoing": True}, nct="x")
    assert o.status == "met"
    assert "your insulin was started on 2015-01-01, earlier than that" in explain(o)


def test_a_start_month_may_or_may_not_be_inside():
    o = _outcome(INSULIN, {"name": "insulin", "start": "2026-07"}, nct="NCT00737971")
    assert o.status == "unknown"
    assert "started in 2026-07, which may or may not be in that time" in explain(o)


def test_the_criterion_alone_says_started_or_changed():
    o = _outcome(INSULIN, {"name": "insulin"}, nct="NCT00737971")
    assert describe_criterion(o.criterion) == (
        "You must not have had insulin started or changed in the last 120 days."
    )
