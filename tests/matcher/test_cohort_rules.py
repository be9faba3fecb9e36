"""Rules a basket trial writes for the patients with one of its diseases only do not rule out
patients with its other diseases. NCT02576665 (Toca 511, bundled) takes colorectal, breast,
lung, pancreatic ... cancers and gliomas; two of its items are for some of them only."""

from __future__ import annotations

from datetime import date

from matcher import evaluate_trial
from matcher.guards import doubts
from profiles.text import extract_profile
from rules.corpus import bundled_trials
from rules.criteria import parse_criteria
from rules.trial import Trial

AS_OF = date(2026, 11, 20)
LETTER = (
    "55-year-old woman with metastatic colorectal adenocarcinoma (sigmoid), liver-only "
    "metastases, KRAS G12D mutated, microsatellite stable. She had FOLFOX plus bevacizumab "
    "first line (2024-2025), then FOLFIRI until progression in June 2026. ECOG 0."
)


def test_a_basket_trial_s_rules_for_one_disease_do_not_rule_out_the_others() -> None:
    trial = next(t for t in bundled_trials() if t.nct_id == "NCT02576665")
    match = evaluate_trial(extract_profile(LETTER).profile, trial, as_of=AS_OF)
    scoped = [
        o
        for o in match.outcomes
        if o.criterion.text.startswith(("Patients with GBM", "Patients with solid tumors"))
    ]
    assert len(scoped) == 2
    for o in scoped:  # was not_met: "requires a diagnosis of GBM", "requires brain metastases"
        assert o.status == "unknown", o.explanation
        assert "a rule for the trial's patients with one disease only" in o.explanation


def test_the_same_rule_counts_in_a_trial_of_that_disease_alone() -> None:
    text = (
        "Inclusion Criteria:\n- Patients with GBM or anaplastic astrocytoma must be at first or "
        "second recurrence"
    )
    glioma = Trial(nct_id="NCT00000001", conditions=["Glioblastoma"], eligibility_criteria=text)
    basket = Trial(
        nct_id="NCT00000002",
        conditions=["Glioblastoma", "Colorectal Cancer"],
        eligibility_criteria=text,
    )
    crits = parse_criteria(text)
    assert doubts(glioma, crits) == [None]
    assert doubts(basket, crits) == ["cohort"]


def test_contraception_advice_is_no_pregnancy_requirement() -> None:
    # NCT05798663 (bundled NSCLC trial) lists "With a pregnant female partner, men must remain
    # abstinent or use a condom ..." among its inclusions; it ruled out a woman recorded as
    # not pregnant ("The trial requires pregnancy")
    trial = next(t for t in bundled_trials() if t.nct_id == "NCT05798663")
    p = extract_profile("52-year-old woman with type 2 diabetes. Not pregnant.").profile
    match = evaluate_trial(p, trial, as_of=AS_OF)
    preg = [o for o in match.outcomes if o.criterion.kind == "pregnancy" and o.required]
    assert preg and all(o.status != "not_met" for o in preg)
    assert any("rarely requires one" in o.explanation for o in preg)
    # a pregnancy trial keeps its requirement
    text = "Inclusion Criteria:\n- Pregnant women between 24 and 34 weeks of gestation"
    obstetric = Trial(nct_id="NCT00000003", conditions=["Preterm Labor"], eligibility_criteria=text)
    assert doubts(obstetric, parse_criteria(text)) == [None]
