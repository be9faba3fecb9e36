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
