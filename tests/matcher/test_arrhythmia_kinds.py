"""Ventricular tachycardia and atrial fibrillation are kinds of arrhythmia, not each other
(issue 5, 2026-11-21): both (and flutter, heart block, bradycardia ...) were aliases of the one "arrhythmia" entry, so a trial excluding
ventricular tachycardia ruled out a patient with atrial fibrillation, and the other way round.
Criterion sentences are from the real ClinicalTrials.gov records named at each case.
"""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from profiles.model import PatientProfile
from rules import vocab
from rules.trial import Trial

AS_OF = date(2026, 11, 20)
VT, AF = "ventricular tachycardia", "atrial fibrillation"


def _status(text: str, condition: str, *, nct: str) -> str:
    trial = Trial(nct_id=nct, eligibility_criteria=text)
    match = evaluate_trial(PatientProfile(conditions=[condition]), trial, as_of=AS_OF)
    return match.outcomes[-1].status


@pytest.mark.parametrize(
    ("nct", "text", "vt", "af"),
    [
        # a criterion about VT rules out VT, not AF
        (
            "NCT01259089",
            "Exclusion Criteria:\n\n* History ventricular tachycardia",
            "not_met",
            "met",
        ),
        (
            "NCT00001450",
            "Inclusion Criteria:\n\n* No sustained ventricular tachycardia.",
            "not_met",
            "met",
        ),
        # a criterion about AF rules out AF, not VT
        ("NCT00001891", "Inclusion Criteria:\n\n* No atrial fibrillation.", "met", "not_met"),
        # a criterion about arrhythmia in general still rules out both
        (
            "NCT00261898",
            "Exclusion Criteria:\n\n* Chronic cardiac arrhythmia requiring treatments",
            "not_met",
            "not_met",
        ),
        (
            "NCT02060253",
            "Exclusion Criteria:\n\n* Clinically significant atrial and/or ventricular arrhythmias",
            "unknown",  # both are arrhythmias; whether clinically significant is asked
            "unknown",
        ),
    ],
)
def test_arrhythmia_kinds_through_the_matcher(nct, text, vt, af):
    assert _status(text, VT, nct=nct) == vt
    assert _status(text, AF, nct=nct) == af
    assert _status(text, "hypertension", nct=nct) == "met"


@pytest.mark.parametrize(
    ("nct", "text", "own", "other"),
    [
        # the other named rhythms are kinds of arrhythmia too, not aliases of it
        ("NCT00497003", "Exclusion Criteria:\n\n* Bradycardia.", "sinus bradycardia", AF),
        (
            "NCT00157729",
            "Exclusion Criteria:\n\n* Presence of atrial flutter",
            "atrial flutter",
            VT,
        ),
        (
            "NCT00007345",
            "Exclusion Criteria:\n\n* Patients with Mobitz II second degree heart block who do "
            "not have a pacemaker.",
            "complete heart block",
            AF,
        ),
    ],
)
def test_a_named_rhythm_rules_out_itself_not_another(nct, text, own, other):
    assert _status(text, own, nct=nct) != "met"
    assert _status(text, other, nct=nct) == "met"


def test_ventricular_arrhythmias_cover_vt_not_af():
    # NCT00157729 (abridged): the qualifier leaves VT open; AF is no ventricular arrhythmia
    text = "Exclusion Criteria:\n\n* Potentially life-threatening ventricular arrhythmias"
    assert _status(text, VT, nct="NCT00157729") == "unknown"
    assert _status(text, AF, nct="NCT00157729") == "met"


def test_arrhythmia_hierarchy():
    assert {"ventricular_arrhythmia", "arrhythmia"} <= vocab.comorbidity_classes(
        "ventricular_tachycardia"
    )
    assert "arrhythmia" in vocab.comorbidity_classes("atrial_fibrillation")
    assert "ventricular_arrhythmia" not in vocab.comorbidity_classes("atrial_fibrillation")
    assert vocab.canonical_comorbidity("V-tach") == "ventricular_tachycardia"
    assert vocab.canonical_comorbidity("AF") == "atrial_fibrillation"
