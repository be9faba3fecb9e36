"""Trial criteria the experts used to exclude TREC CT 2021 patients (issue 5, 2026-11-21).

Criterion texts are excerpts of the real ClinicalTrials.gov records named in each case; profile
conditions are what the engine extracts from the real TREC CT 2021 notes (query id given).
"""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from profiles.model import PatientProfile
from rules.criteria import classify
from rules.trial import Trial

AS_OF = date(2026, 11, 20)


def _outcome(text: str, conditions: list[str], *, nct: str):
    trial = Trial(nct_id=nct, eligibility_criteria=text)
    match = evaluate_trial(PatientProfile(conditions=conditions), trial, as_of=AS_OF)
    return match, match.outcomes[-1]


# --- "other than X": X is the carve-out, never the condition the item excludes -------------


@pytest.mark.parametrize(
    ("text", "carved"),
    [
        ("Severe comorbidities other than COPD", ["COPD"]),  # NCT00500526
        ("Clinically significant diseases other than COPD.", ["COPD"]),  # NCT02173691
        ("Significant medical illness other than asthma", ["asthma"]),  # NCT00495157
        # NCT02853123: the abbreviation after the carve-out is the carve-out too
        (
            "Significant disease other than Chronic Obstructive Pulmonary Disease (COPD); a "
            "significant disease which, in the investigator's opinion, may put the patient at risk",
            ["Chronic Obstructive Pulmonary Disease", "COPD"],
        ),
        ("Clinically significant illness (other than HCV) or any other major", ["HCV"]),
    ],
)
def test_significant_illness_other_than_is_read_as_any_significant_illness(text, carved):
    kind, params, _, _ = classify(text, "exclusion")
    assert kind == "comorbidity"
    assert params["significant"] is True
    assert params["conditions"] == []
    assert params["exceptions"] == carved


@pytest.mark.parametrize(
    "text",
    [
        "Known respiratory disorders other than COPD",  # NCT01917331
        "Other respiratory illness other than asthma",  # NCT02487394
        "Any cause of liver disease other than chronic HCV infection.",  # NCT02707952
        "Having any other chronic condition except hypothyroidism stable on medications",  # NCT01530178
    ],
)
def test_class_other_than_a_condition_is_not_read_as_that_condition(text):
    """Before: each read as "has COPD / asthma / HCV / hypothyroidism" (the carve-out)."""
    kind, params, _, _ = classify(text, "exclusion")
    assert kind == "other"
    assert params["topic"] == "other_than"


def test_a_condition_beside_the_carve_out_is_kept_with_the_exception():
    # NCT02753764
    text = (
        "Significant disease or disorder other than asthma (e.g. cardiovascular; pulmonary as "
        "e.g. tuberculosis and cystic fibrosis)"
    )
    _, params, _, _ = classify(text, "exclusion")
    assert params["conditions"] == ["tuberculosis"]
    assert params["exceptions"] == ["asthma"]


EXC = "Exclusion Criteria:\n\n* {}"


def test_significant_illness_besides_copd_rules_out():
    # NCT00500526 x ct2021-16: "diastolic CHF, pulmonary hypertension ... and COPD on 5L home
    # oxygen" (the conditions extracted from the note)
    conditions = ["CHF", "pulmonary hypertension", "COPD", "HTN", "OSA", "Hypothyroidism"]
    match, out = _outcome(
        EXC.format("Severe comorbidities other than COPD"), conditions, nct="NCT00500526"
    )
    assert out.status == "not_met"
    assert match.verdict == "ineligible"
    assert "CHF" in out.finding.facts["matched"]


@pytest.mark.parametrize(
    ("conditions", "status"),
    [
        (["COPD", "BPH"], "met"),  # ct2021-28: BPH is not a significant illness by itself
        (["COPD"], "met"),  # only the carve-out
        (["COPD", "emphysema"], "met"),  # a kind of the carve-out
        (["COPD", "hypertension", "hypothyroidism"], "met"),  # common, controlled conditions
        (["COPD", "an unlisted complaint"], "unknown"),  # we cannot name it
    ],
)
def test_no_significant_illness_besides_the_carve_out_passes(conditions, status):
    # NCT02853123
    text = "Significant disease other than Chronic Obstructive Pulmonary Disease (COPD)"
    _, out = _outcome(EXC.format(text), conditions, nct="NCT02853123")
    assert out.status == status
