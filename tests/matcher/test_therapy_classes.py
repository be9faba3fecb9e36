"""Therapies a note names only by their class ("inhaled corticosteroids", "HCV antivirals").

Note sentences are from TREC CT 2021 patients (query ids given), criterion texts from the real
ClinicalTrials.gov records named in each case. Before 2026-11-21 a therapy without a known
drug had no class, so a criterion on the class could not see it.
"""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from matcher.facts import PatientFacts
from profiles.text import extract_profile
from rules.trial import Trial

AS_OF = date(2026, 11, 20)


def _last_outcome(note: str, criteria: str, *, nct: str):
    profile = extract_profile(note, id="note").profile
    match = evaluate_trial(profile, Trial(nct_id=nct, eligibility_criteria=criteria), as_of=AS_OF)
    return match.outcomes[-1]


@pytest.mark.parametrize(
    ("note", "criteria", "nct"),
    [
        (  # ct2021-70
            "A 46-year-old Asian woman with MDD complains of persistent feelings of sadness. She "
            "is on anti-depressants for the past 6 months, but the symptoms are still present.",
            "Exclusion Criteria:\n- Treatment with antidepressants or antipsychotics within the "
            "last 3 months",
            "NCT01725048",
        ),
        (  # ct2021-27
            "A 53-year-old man presents with chronic HCV infection for the past 2 years. He is on "
            "IFN (100 mg/week) plus RBV (400 mg/day) combination therapy for the past 9 months. "
            "Direct antiviral drugs were added to his treatment 6 months ago.",
            "Exclusion Criteria:\n- Prior treatment with HCV direct acting antiviral (DAA)",
            "NCT01995266",
        ),
    ],
)
def test_a_class_named_in_the_note_meets_a_criterion_on_that_class(note, criteria, nct):
    o = _last_outcome(note, criteria, nct=nct)
    assert o.criterion.polarity == "exclusion"
    assert o.status == "not_met", o.explanation


def test_the_class_and_its_ancestors_are_the_therapys_classes():
    profile = extract_profile(
        "He used to be treated with combination of inhaled corticosteroids and Zafirlukast.",
        id="ct2021-59",  # the note's sentence
    ).profile
    facts = PatientFacts.of(profile, AS_OF)
    named = [t for t in facts.therapies if "corticosteroid" in t.name.lower()]
    assert named and "inhaled_corticosteroid" in named[0].classes
    assert named[0].recognized


def test_a_class_the_note_does_not_name_stays_out():
    profile = extract_profile("He takes metformin for type 2 diabetes.", id="t").profile
    classes = set().union(*(t.classes for t in PatientFacts.of(profile, AS_OF).therapies or []))
    assert "inhaled_corticosteroid" not in classes and "corticosteroid" not in classes
