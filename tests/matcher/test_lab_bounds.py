"""Lab values given as bounds ("Testosterone < 50 ng/dL"): the profile's ``Lab.comparator``
and the lab evaluator deciding with it. Criterion texts are from real ClinicalTrials.gov
records (NCT ids given); the patient's words are the mCRPC letter's
(tests/data/letters/mcrpc_referral.txt) and short variants.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from matcher import evaluate_trial
from matcher.evaluate import within_bound
from profiles import load_profile
from profiles.model import Lab, PatientProfile
from profiles.text import extract_profile
from rules.trial import Trial
from tests.conftest import REPO, TEST_DATA

AS_OF = date(2026, 11, 20)
LETTER = "Testosterone < 50 ng/dL. Bone scan 10/2026: new lesions in the spine and ribs."


def _outcome(note: str, criteria: str, *, nct: str):
    profile = extract_profile(note, id="note").profile
    match = evaluate_trial(profile, Trial(nct_id=nct, eligibility_criteria=criteria), as_of=AS_OF)
    return match.outcomes[-1]


@pytest.mark.parametrize(
    ("nct", "criteria", "status"),
    [
        # "< 50" is within "< 50" and "no greater than 50"
        ("NCT00460031", "Inclusion Criteria:\n- Testosterone less than 50 ng/dL.", "met"),
        (
            "NCT00005028",
            "Inclusion Criteria:\n* Castrate levels of testosterone (no greater than 50 ng/dL)",
            "met",
        ),
        # "< 50" says nothing about "< 40": unknown, never met nor not met
        (
            "NCT00003084",
            "Inclusion Criteria:\n- Castrate testosterone level of less than 40 ng/dL",
            "unknown",
        ),
        # an exclusion "testosterone greater than 50": "< 50" is surely not above 50
        (
            "NCT03864068",
            "Exclusion Criteria:\n- Women with Hyperandrogenism defined as a total testosterone"
            " greater than 50 ng/dL",
            "met",
        ),
    ],
)
def test_the_mcrpc_letter_s_testosterone_bound_against_real_limits(nct, criteria, status):
    o = _outcome(LETTER, criteria, nct=nct)
    assert o.criterion.kind == "lab", o.criterion
    assert o.status == status, o.explanation
    assert "< 50 ng/dL" in o.explanation


def test_a_bound_in_words_below_is_read_and_decides():
    o = _outcome(
        "Serum testosterone below 50 ng/dL on leuprolide.",
        "Inclusion Criteria:\n- serum testosterone is <50 ng/dL (<1.7 nmol/L)",
        nct="NCT02259114",
    )
    assert o.status == "met", o.explanation


def test_a_bound_without_a_unit_is_read_in_the_analyte_s_usual_unit():
    # "eGFR >60" (ct2021-29's note) against "eGFR ≥ 30": every value above 60 is at least 30
    profile = PatientProfile(labs=[Lab(name="eGFR", value=60, comparator=">")])
    crit = "Inclusion Criteria:\n- eGFR ≥ 30 mL/min/1.73 m2"
    match = evaluate_trial(
        profile, Trial(nct_id="NCT00000000", eligibility_criteria=crit), as_of=AS_OF
    )
    assert match.outcomes[-1].status == "met", match.outcomes[-1].explanation


@pytest.mark.parametrize(
    ("comparator", "value", "limit", "expected"),
    [
        ("<", 50, {"op": "<", "value": 50}, True),
        ("<", 50, {"op": "<=", "value": 50}, True),
        ("<=", 50, {"op": "<", "value": 50}, None),
        ("<", 50, {"op": ">=", "value": 50}, False),
        ("<", 50, {"op": ">", "value": 50}, False),
        ("<=", 50, {"op": ">=", "value": 50}, None),
        ("<", 50, {"op": "<", "value": 20}, None),
        ("<", 50, {"op": "between", "value": 0, "value2": 60}, True),
        ("<", 50, {"op": "between", "value": 10, "value2": 60}, None),
        (">", 60, {"op": ">=", "value": 30}, True),
        (">", 60, {"op": "<", "value": 30}, False),
        (">=", 60, {"op": "<=", "value": 60}, None),
        (">", 60, {"op": "<=", "value": 60}, False),
        (">", 60, {"op": "=", "value": 60}, False),
    ],
)
def test_within_bound_truth_table(comparator, value, limit, expected):
    assert within_bound(comparator, value, limit) is expected


def test_the_comparator_is_optional_and_existing_json_means_the_same():
    example = json.loads((REPO / "examples" / "profile.example.json").read_text())
    profile = PatientProfile.model_validate(example)
    assert profile.labs and all(lab.comparator is None for lab in profile.labs)
    assert "comparator" not in profile.model_dump(exclude_none=True)["labs"][0]
    assert Lab(name="PSA", value=0.1, comparator="≤").comparator == "<="


def test_a_comparator_outside_the_four_is_a_clear_error():
    with pytest.raises(ValueError, match="'<', '<=', '>' or '>='"):
        Lab(name="PSA", value=0.1, comparator="~")


def test_fhir_quantity_comparator_is_read(tmp_path):
    bundle = json.loads((TEST_DATA / "profiles" / "bundles" / "p2-nsclc.json").read_text())
    patient = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    bundle["entry"].append({"resource": {
        "resourceType": "Observation", "id": "t", "status": "final",
        "subject": {"reference": f"Patient/{patient['id']}"},
        "code": {"text": "Testosterone"}, "effectiveDateTime": "2026-11-12",
        "valueQuantity": {"value": 50, "comparator": "<", "unit": "ng/dL"},
    }})  # fmt: skip
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    [lab] = [lab for lab in load_profile(path).labs or [] if lab.name == "Testosterone"]
    assert (lab.value, lab.unit, lab.comparator) == (50, "ng/dL", "<")


@pytest.mark.parametrize(
    ("note", "status"),
    [
        # 1.0 mg/dL is 88 µmol/L: every value below it is under the limit of 150 µmol/L
        ("Creatinine less than 1.0 mg/dL.", "met"),
        # 2.0 mg/dL is 177 µmol/L: every value above it is over the limit
        ("Creatinine > 2.0 mg/dL.", "not_met"),
        # 1.5 mg/dL is 133 µmol/L: a value above it may or may not be over 150 µmol/L
        ("Creatinine > 1.5 mg/dL.", "unknown"),
    ],
)
def test_a_bound_converts_to_the_criterion_s_unit_before_deciding(note, status):
    # NCT00175266 "Serum creatinine > 150 µmol/L" (exclusion), as in test_lab_units
    o = _outcome(note, "Exclusion Criteria:\n- Serum creatinine > 150 µmol/L", nct="NCT00175266")
    assert o.criterion.kind == "lab"
    assert o.status == status, o.explanation
