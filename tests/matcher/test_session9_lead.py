"""Matching the readings of session 9's walk-through as a navigator (colorectal letter on the
web page): MSS against a dMMR requirement, and lines of therapy a letter names twice."""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from matcher.explain import explain
from profiles.model import PatientProfile
from rules.trial import Trial

AS_OF = date(2026, 11, 20)

# NCT05838768 (bundled), the HRO761 trial, inclusion 1
DMMR = (
    "Inclusion Criteria:\n* Patients with advanced unresectable or metastatic MSIhi or MMR "
    "deficient (dMMR) solid tumors who have progressed after or are intolerant to prior "
    "standard therapy."
)


def _marker_outcome(criteria: str, *markers: dict):
    profile = PatientProfile(biomarkers=list(markers))
    trial = Trial(nct_id="NCT05838768", eligibility_criteria=criteria)
    outcomes = evaluate_trial(profile, trial, as_of=AS_OF).outcomes
    return next(o for o in outcomes if "dMMR" in o.criterion.text)


@pytest.mark.parametrize(
    ("marker", "value"),
    [
        (
            {"name": "MSI", "result": "MSS"},
            False,
        ),  # microsatellite stable: mismatch-repair proficient
        ({"name": "MMR", "result": "proficient"}, False),
        ({"name": "MSI", "result": "MSI-H"}, True),  # the equivalence both ways
        ({"name": "MMR", "result": "deficient"}, True),
        ({"name": "KRAS", "result": "positive"}, None),  # nothing about MMR or MSI
    ],
)
def test_mss_fails_a_dmmr_requirement_as_msi_h_meets_it(marker, value):
    from matcher.evaluate_disease import biomarker
    from matcher.facts import PatientFacts

    facts = PatientFacts.of(PatientProfile(biomarkers=[marker]), AS_OF)
    assert biomarker({"biomarker": "MMR", "result": "deficient"}, facts).value is value


def test_the_mss_patient_is_ruled_out_of_the_dmmr_trial_with_the_reason():
    o = _marker_outcome(DMMR, {"name": "MSI", "result": "MSS"})
    assert o.status == "not_met"
    assert (
        "MSS (microsatellite stable), which counts as pMMR (mismatch-repair proficient)"
        in explain(o)
    )


def test_a_known_status_requirement_is_not_decided_by_the_equivalence():
    from matcher.evaluate_disease import biomarker
    from matcher.facts import PatientFacts

    facts = PatientFacts.of(PatientProfile(biomarkers=[{"name": "MSI", "result": "MSS"}]), AS_OF)
    assert biomarker({"biomarker": "MMR", "result": "known"}, facts).value is None


def test_the_pancreatic_letter_has_one_line_of_therapy():
    # mFOLFIRINOX, its irinotecan dose-reduced and oxaliplatin stopped, insulin glargine for
    # diabetes and antibiotics for a cholangitis: one line for advanced disease
    from pathlib import Path

    from matcher.evaluate_history import lines_of_therapy
    from matcher.facts import PatientFacts
    from profiles.text import extract_profile

    letter = Path(__file__).parents[1] / "data" / "letters" / "pancreatic_referral.txt"
    facts = PatientFacts.of(extract_profile(letter.read_text(), as_of=AS_OF).profile, AS_OF)
    f = lines_of_therapy({"lines": {"op": "<=", "value": 1}}, facts)
    assert (f.value, f.facts["patient"]) == (True, "1")


# NCT05991206 (bundled) inclusion 3, abridged: the stages asked, glued to a definition
RESECTABLE = (
    "Inclusion Criteria:\n* Previously untreated, histologically confirmed resectable stage II, "
    "IIIA, IIIB (N2) (AJCC stage VIII) NSCLC; resectable stage II non-small cell lung cancer is "
    "defined as radical resection as assessed by a qualified thoracic surgeon"
)


def test_a_definition_glued_to_the_stages_asked_does_not_hide_them():
    # the definition doubt is for items that only define stages ('sole'); a stage IVB patient
    # still fails the stages this item asks
    profile = PatientProfile(
        diagnoses=[{"condition": "lung adenocarcinoma", "stage": "IVB", "extent": "metastatic"}],
        therapies=[{"name": "osimertinib", "start": "2024-04"}],
    )
    trial = Trial(nct_id="NCT05991206", eligibility_criteria=RESECTABLE)
    assert evaluate_trial(profile, trial, as_of=AS_OF).outcomes[0].status == "not_met"


def test_the_trial_page_also_says_the_trial_s_weeks():
    from matcher.describe import describe_criterion
    from rules.criteria import parse_criteria

    crit = parse_criteria("Inclusion Criteria:\n* Life expectancy >= 12 weeks")[0]
    assert (
        describe_criterion(crit) == "You must be expected by your doctor to live at least 12 weeks."
    )
