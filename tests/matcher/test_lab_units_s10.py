"""Testosterone in nmol/L converts to ng/dL (1 nmol/L = 28.84 ng/dL) and back, by the
testosterone table of ``matcher/data/knowledge.json``. Criterion texts are from real
ClinicalTrials.gov records (NCT ids given).
"""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from matcher.knowledge import unit_factor
from profiles.text import extract_profile
from rules.trial import Trial

AS_OF = date(2026, 11, 20)
#: NCT00005028: "Castrate levels of testosterone (no greater than 50 ng/dL)"
CASTRATE_NG = "Inclusion Criteria:\n* Castrate levels of testosterone (no greater than 50 ng/dL)"


def _outcome(note: str, criteria: str, *, nct: str):
    profile = extract_profile(note, id="note", as_of=AS_OF).profile
    match = evaluate_trial(profile, Trial(nct_id=nct, eligibility_criteria=criteria), as_of=AS_OF)
    return match.outcomes[-1]


def test_the_factor_is_testosterone_s_own():
    assert unit_factor("nmol/L", "ng/dL", analyte="testosterone") == pytest.approx(28.84)
    assert unit_factor("ng/dL", "nmol/L", analyte="testosterone") == pytest.approx(1 / 28.84)
    # no other analyte borrows it (estradiol in nmol/L is another molecule)
    assert unit_factor("nmol/L", "ng/dL", analyte="creatinine") is None


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ("testosterone 0.8 nmol/L", "met"),  # 23 ng/dL: castrate
        ("testosterone 2.5 nmol/L", "not_met"),  # 72 ng/dL: not castrate
    ],
)
def test_a_letter_s_nmol_per_litre_meets_a_ng_per_decilitre_limit(said, status):
    o = _outcome(f"mCRPC on leuprolide, {said}, PSA 12 ng/mL.", CASTRATE_NG, nct="NCT00005028")
    assert o.criterion.kind == "lab"
    assert o.status == status, o.explanation
