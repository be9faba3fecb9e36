"""An operation a note dates relative to the day it is read, against windows and sites."""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from profiles.text import extract_profile
from rules.trial import Trial

AS_OF = date(2026, 11, 20)
# TREC CT 2021 topic ct2021-56, first sentence
NOTE = (
    "The patient is a 41-year-old man and a known case of Acromegaly who underwent "
    "transsphenoidal surgery 4 months ago."
)


def test_the_operation_is_dated_from_the_day_the_note_is_read():
    [surgery] = extract_profile(NOTE, as_of=AS_OF).profile.therapies
    assert (surgery.name, surgery.kind, surgery.start) == (
        "transsphenoidal surgery",
        "surgery",
        "2026-07",
    )
    # read a year later, the same words give a date a year later
    [later] = extract_profile(NOTE, as_of=date(2027, 11, 20)).profile.therapies
    assert later.start == "2027-07"


@pytest.mark.parametrize(
    ("nct", "section", "item", "status"),
    [
        # inclusion: the operation was 4 months ago
        ("NCT00005100", "Inclusion", "Greater than 6 months since prior surgery", "not_met"),
        # exclusions limited to a site: another site's operation does not count
        (
            "NCT00461240",
            "Exclusion",
            "History of myocardial infarction or stroke within the last 6 months, major "
            "cardiac surgery within the last 6 months",
            "met",
        ),
        ("NCT03252353", "Exclusion", "Pituitary surgery within six months", "not_met"),
        # a 4-week window closed long ago
        ("NCT00003210", "Exclusion", "Major surgery within 4 weeks", "met"),
    ],
)
def test_dated_operation_against_windows(nct, section, item, status):
    profile = extract_profile(NOTE, as_of=AS_OF).profile
    trial = Trial(nct_id=nct, eligibility_criteria=f"{section} Criteria:\n\n* {item}\n")
    outcomes = evaluate_trial(profile, trial, as_of=AS_OF).outcomes
    surgery = [o for o in outcomes if "surgery" in o.explanation]
    assert [o.status for o in surgery] == [status]


def test_a_site_of_the_criterion_names_the_operation_in_the_explanation():
    profile = extract_profile(NOTE, as_of=AS_OF).profile
    trial = Trial(
        nct_id="NCT03252353",
        eligibility_criteria="Exclusion Criteria:\n\n* Prior cardiac surgery\n",
    )
    [o] = evaluate_trial(profile, trial, as_of=AS_OF).outcomes
    assert o.status == "met"
    assert "prior cardiac surgery" in o.explanation


def test_an_operation_is_explained_as_a_day():
    profile = extract_profile(NOTE, as_of=AS_OF).profile
    item = "Exclusion Criteria:\n\n* Pituitary surgery within six months\n"  # NCT03252353
    [o] = evaluate_trial(
        profile, Trial(nct_id="NCT03252353", eligibility_criteria=item), as_of=AS_OF
    ).outcomes
    assert o.status == "not_met"
    assert "your last transsphenoidal surgery was on 2026-07" in o.explanation
