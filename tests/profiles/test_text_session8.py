"""Note-reader readings of session 8: hormone receptors listed "negative" are each negative (held
back until the trial criteria that ruled an ER-negative patient out wrongly were parsed right);
the later grade of a side effect is its current one."""

from __future__ import annotations

from profiles.text import extract_profile


def test_er_pr_negative_are_both_negative():
    p = extract_profile("The tumor was HER2-positive and ER/PR negative.")
    got = {b.name: b.result for b in p.profile.biomarkers or []}
    assert got.get("ER") == "negative" and got.get("PR") == "negative"
    assert got.get("HER2") == "positive"


def test_the_later_grade_of_a_side_effect_is_the_current_one():
    # "oxaliplatin was stopped for grade 2 neuropathy" ... "residual grade 1 peripheral neuropathy"
    from pathlib import Path

    text = (Path(__file__).parents[1] / "data" / "letters" / "crc_referral.txt").read_text()
    assert extract_profile(text).profile.conditions == [
        "peripheral neuropathy (grade 1)",
        "hypertension",
    ]


def test_relapsed_refractory_myeloma_written_with_a_slash_is_the_diagnosis():
    p = extract_profile("Patient with relapsed/refractory multiple myeloma.").profile
    assert p.diagnoses and "multiple myeloma" in p.diagnoses[0].condition.lower()
    assert p.diagnoses[0].status == "relapsed/refractory"
