"""Matching the readings of session 8's user audit (EGFR-mutant lung cancer letter): sites of
a radiotherapy, requirements on patients who have a condition, maxima of regimens."""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from profiles.model import PatientProfile, Therapy
from rules.trial import Trial

AS_OF = date(2026, 11, 20)


def _status(criteria: str, profile: PatientProfile) -> str:
    trial = Trial(nct_id="NCT00000000", eligibility_criteria=criteria)
    return evaluate_trial(profile, trial, as_of=AS_OF).outcomes[0].status


def _rt(name: str) -> PatientProfile:
    return PatientProfile(therapies=[Therapy(name=name, kind="radiotherapy", start="2024-04")])


# NCT06944470 (bundled): "Prior radiotherapy to chest;"
@pytest.mark.parametrize(
    ("therapy", "status"),
    [
        ("stereotactic radiosurgery", "met"),  # the brain: not the chest
        ("thoracic radiotherapy", "not_met"),
        ("palliative radiotherapy", "unknown"),  # no site given: for the trial team to check
    ],
)
def test_a_radiotherapy_counts_at_the_criterions_site_only(therapy, status):
    assert _status("Exclusion Criteria:\n* Prior radiotherapy to chest;", _rt(therapy)) == status


def test_a_radiotherapy_without_site_counts_any():
    assert _status(
        "Exclusion Criteria:\n* Prior radiotherapy", _rt("stereotactic radiosurgery")
    ) == ("not_met")


HF = (
    "Inclusion Criteria:\n* Patients with a history of congestive heart failure or myocardial "
    "infarction must have a normal myocardial ejection fraction as determined by echogram"
)


def test_a_requirement_on_patients_with_a_condition_holds_for_those_without_it():
    o = evaluate_trial(
        PatientProfile(conditions=["hypertension"]),
        Trial(nct_id="NCT00002556", eligibility_criteria=HF),
        as_of=AS_OF,
    ).outcomes[0]
    assert o.status == "met"
    assert _status(HF, PatientProfile(conditions=["congestive heart failure"])) == "needs_clinician"


def test_no_more_than_two_chemotherapy_regimens_admits_the_untreated():
    text = "Inclusion Criteria:\n* No more than 2 prior chemotherapy regimens"
    assert _status(text, PatientProfile(therapies=[])) != "not_met"


@pytest.mark.parametrize(
    ("biomarkers", "status"),
    [
        ([{"name": "HER2", "result": "negative"}], "met"),
        ([{"name": "HER2", "result": "positive"}], "met"),
        ([{"name": "ER", "result": "positive"}], "unknown"),
    ],
)
def test_known_status_is_met_by_any_result(biomarkers, status):
    profile = PatientProfile.model_validate({"biomarkers": biomarkers})
    assert _status("Inclusion Criteria:\n* Known HER2 status", profile) == status


# NCT00003633 (18k set): a washout that carves out the LHRH agonist a prostate patient continues
ADT_WASHOUT = (
    "Inclusion Criteria:\n* At least 4 weeks since prior hormonal therapy (including nonsteroidal "
    "antiandrogens, but not LHRH agonists)"
)


def test_a_carved_out_therapy_does_not_count():
    leuprolide = Therapy(
        name="leuprolide",
        drugs=["leuprolide"],
        kind="hormone therapy",
        start="2022-01",
        ongoing=True,
    )
    bicalutamide = Therapy(
        name="bicalutamide",
        drugs=["bicalutamide"],
        kind="hormone therapy",
        start="2026-10",
        ongoing=True,
    )
    assert _status(ADT_WASHOUT, PatientProfile(therapies=[leuprolide])) == "met"
    assert _status(ADT_WASHOUT, PatientProfile(therapies=[leuprolide, bicalutamide])) == "not_met"
