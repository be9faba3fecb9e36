"""A prior-therapy criterion that counts only above a dose is not settled by the drug alone."""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from profiles.model import PatientProfile
from rules.trial import Trial

# NCT00306813 exclusion 14 (VAD contains doxorubicin; no dose is known) and NCT03010358
# (R-CVP contains prednisone, given for five days a cycle, not chronically above 30 mg/day)
CASES = [
    (
        "NCT00306813",
        "Subjects who have received > 300 mg/m2 lifetime cumulative dose of doxorubicin alone,"
        " or Doxil® alone, or doxorubicin plus Doxil®.",
        {"name": "VAD", "drugs": ["vincristine", "doxorubicin", "dexamethasone"]},
    ),
    (
        "NCT03010358",
        "Chronic use of corticosteroids in excess of prednisone 30 mg/day or its equivalent at"
        " the time of registration",
        {"name": "R-CVP", "drugs": ["rituximab", "cyclophosphamide", "vincristine", "prednisone"]},
    ),
]


@pytest.mark.parametrize(("nct", "item", "therapy"), CASES)
def test_dose_limit_leaves_the_drug_to_a_clinician(nct, item, therapy):
    trial = Trial(nct_id=nct, eligibility_criteria=f"Exclusion Criteria:\n\n- {item}\n")
    patient = PatientProfile(age=60, sex="female", therapies=[therapy])
    [o] = evaluate_trial(patient, trial, as_of=date(2026, 11, 20)).outcomes
    assert o.status != "not_met"
    if o.criterion.params.get("current"):  # "at the time of registration": R-CVP has no dates
        assert o.finding.value is None and o.status == "unknown"
        patient = PatientProfile(age=60, sex="female", therapies=[{**therapy, "ongoing": True}])
        [o] = evaluate_trial(patient, trial, as_of=date(2026, 11, 20)).outcomes
        assert o.status != "not_met"
    assert o.doubt == "dose"


def test_without_a_dose_the_drug_still_excludes():
    trial = Trial(
        nct_id="NCT00306813",
        eligibility_criteria="Exclusion Criteria:\n\n- Prior treatment with doxorubicin\n",
    )
    patient = PatientProfile(
        age=60, sex="female", therapies=[{"name": "VAD", "drugs": ["doxorubicin"]}]
    )
    [o] = evaluate_trial(patient, trial, as_of=date(2026, 11, 20)).outcomes
    assert o.status == "not_met"
