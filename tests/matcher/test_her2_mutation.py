"""A HER2 *mutation* is not a positive HER2 test: NCT02369484 (afatinib in NSCLC) requires a
"Locally documented HER2 mutation"; a HER2-positive breast cancer (overexpression) does not
meet it, an ERBB2 exon 20 insertion does."""

from __future__ import annotations

from datetime import date

from matcher import evaluate_trial
from profiles.model import PatientProfile
from rules.trial import Trial

TRIAL = Trial(
    nct_id="NCT02369484",
    eligibility_criteria="Inclusion Criteria:\n- Locally documented HER2 mutation",
)


def _outcome(marker: dict):
    profile = PatientProfile(biomarkers=[marker])
    return evaluate_trial(profile, TRIAL, as_of=date(2026, 11, 20)).outcomes[-1]


def test_a_positive_her2_test_does_not_say_whether_there_is_a_mutation() -> None:
    o = _outcome({"name": "HER2", "result": "positive"})
    assert o.criterion.params.get("alteration") == "mutation"
    assert o.status == "unknown"
    assert "does not say whether there is a HER2 mutation" in o.explanation
    ihc = _outcome({"name": "HER2", "result": "positive", "scoring": "IHC", "value": 3})
    assert ihc.status == "unknown"


def test_a_her2_mutation_meets_it() -> None:
    for detail in ("exon 20 insertion", "S310F", "Y772_A775dup"):
        o = _outcome({"name": "HER2", "result": "positive", "detail": detail})
        assert o.status == "met", (detail, o.explanation)
