"""Lab units shared by two analytes (µmol/L is creatinine's and bilirubin's) convert by the
analyte's own factor. Criterion texts are from real ClinicalTrials.gov records (NCT ids given).
"""

from __future__ import annotations

from datetime import date

from matcher import evaluate_trial
from profiles.text import extract_profile
from rules.trial import Trial

AS_OF = date(2026, 11, 20)


def _last_outcome(note: str, criteria: str, *, nct: str):
    profile = extract_profile(note, id="note").profile
    match = evaluate_trial(profile, Trial(nct_id=nct, eligibility_criteria=criteria), as_of=AS_OF)
    return match.outcomes[-1]


def test_a_creatinine_in_micromoles_converts_by_creatinine_s_factor_not_bilirubin_s():
    # ct2021-32's creatinine against NCT00175266 "Serum creatinine > 150 µmol/L" (exclusion):
    # 3.6 mg/dL is 318 µmol/L (factor 88.4), over the limit; bilirubin's factor (17.1) would
    # have made it 62 µmol/L and a pass.
    note = "Labs show hemoglobin 9.7 g/dL, creatinine 3.6 mg/dL and bilirubin 2.4 mg/dL."
    o = _last_outcome(
        note, "Exclusion Criteria:\n- Serum creatinine > 150 µmol/L", nct="NCT00175266"
    )
    assert o.criterion.kind == "lab"
    assert o.status == "not_met", o.explanation
    # and a creatinine under the limit passes (0.9 mg/dL = 80 µmol/L)
    fine = _last_outcome(
        "Creatinine: 0.9 mg/dL.",
        "Exclusion Criteria:\n- Serum creatinine > 150 µmol/L",
        nct="NCT00175266",
    )
    assert fine.status == "met", fine.explanation


def test_a_value_written_without_a_unit_is_read_in_the_analyte_s_usual_unit():
    # ct2021-15's note says "Chronic kidney disease (SCr 2.1 in [**3-17**])": 2.1 is mg/dL;
    # NCT00410774 requires "Creatinine ≤ 2.0 mg/dL", so it is not met (it was unknown)
    o = _last_outcome(
        "6. Chronic kidney disease (SCr 2.1 in [**3-17**])",
        "Inclusion Criteria:\n- Creatinine ≤ 2.0 mg/dL",
        nct="NCT00410774",
    )
    assert o.status == "not_met", o.explanation
    assert "2.1 (read as mg/dL)" in o.explanation
    # NCT02369484 "neutrophils count ≥1.5×109/L" against a letter's "ANC 2.1"
    anc = _last_outcome(
        "ECOG 1. Hemoglobin 11.2 g/dL, ANC 2.1, platelets 180.",
        "Inclusion Criteria:\n- neutrophils count ≥1.5×109/L",
        nct="NCT02369484",
    )
    assert anc.status == "met", anc.explanation


def test_a_value_far_from_the_limit_in_the_usual_unit_stays_unknown():
    # a creatinine of 60 is µmol/L (0.7 mg/dL), not 60 mg/dL against 2.0 mg/dL: no guess
    o = _last_outcome(
        "Creatinine 60.", "Inclusion Criteria:\n- Creatinine ≤ 2.0 mg/dL", nct="NCT00410774"
    )
    assert o.status == "unknown", o.explanation
    # nor an ANC of 2100 (cells/µL) against 1.5 x10^9/L
    anc = _last_outcome(
        "ANC 2100.", "Inclusion Criteria:\n- neutrophils count ≥1.5×109/L", nct="NCT02369484"
    )
    assert anc.status == "unknown", anc.explanation
