"""The matcher on real trials through the real parser (``parse_trial``): the seed pancreatic
trial, nsclc-100, leukemia-100 and mixed-50, with profiles written for them.

Criteria are found by their own words (``outcome(m, "ECOG PS 0-1")``), not by parser ids.
"""

from __future__ import annotations

from datetime import date

import pytest

from matcher import match
from matcher.evaluate import evaluate
from matcher.facts import PatientFacts
from rules.criteria import parse_trial
from tests.matcher.real import AS_OF, corpus, judge, outcome, profile

CONTRACT_KINDS = {
    "age",
    "sex",
    "condition",
    "stage",
    "biomarker",
    "performance_status",
    "prior_therapy",
    "lines_of_therapy",
    "washout",
    "lab",
    "comorbidity",
    "cns_metastases",
    "pregnancy",
    "measurable_disease",
    "life_expectancy",
    "contraception",
    "consent",
    "other",
}
SEED = "NCT06532617"


def _kinds(kind, params):
    items = params.get("any_of") or params.get("all_of")
    if not items:
        return {kind}
    return set().union(*(_kinds(i.get("kind") or kind, i.get("params") or {}) for i in items))


def test_every_kind_is_parsed_from_the_real_trials_and_evaluated_without_error():
    seen: set[str] = set()
    profiles = [profile("example"), profile("nsclc-egfr"), profile("aml"), profile("pdac-hiv")]
    facts = [PatientFacts.of(p, AS_OF) for p in profiles]
    for name in ("seed", "nsclc-100", "leukemia-100"):
        for t in corpus(name):
            for c in parse_trial(t):
                seen |= _kinds(c.kind, c.params)
                for f in facts:
                    evaluate(c.kind, c.params, f)  # raises on params an evaluator cannot read
    assert not CONTRACT_KINDS - seen, CONTRACT_KINDS - seen


def test_all_four_statuses_and_three_verdicts_occur_on_real_trials():
    statuses: set[str] = set()
    verdicts: set[str] = set()
    for name, who in (("nsclc-100", "nsclc-egfr"), ("leukemia-100", "aml")):
        report = match(profile(who), corpus(name), as_of=AS_OF)
        for m in report.matches:
            verdicts.add(m.verdict)
            statuses |= {o.status for o in m.outcomes}
    assert statuses == {"met", "not_met", "unknown", "needs_clinician"}
    assert verdicts == {"eligible", "possibly_eligible", "ineligible"}


def test_vectorized_match_agrees_with_evaluate_trial_on_nsclc_100():
    p = profile("nsclc-egfr")
    report = match(p, corpus("nsclc-100"), as_of=AS_OF)
    by_id = {m.trial.nct_id: m.to_dict() for m in report.matches}
    for t in corpus("nsclc-100")[:40]:
        assert by_id[t.nct_id] == judge(p, t.nct_id).to_dict(), t.nct_id


# --- the seed pancreatic trial ------------------------------------------------------------


def test_example_patient_is_possibly_eligible_with_its_unknowns_named():
    m = judge(profile("example"), SEED)
    assert m.verdict == "possibly_eligible"
    unknown = [o for o in m.outcomes if o.status == "unknown"]
    assert [o.criterion.text for o in unknown] == ["Expected survival time\\>3 months"]
    assert unknown[0].question == "life_expectancy"
    assert m.question_keys() == ["life_expectancy"]
    assert outcome(m, "ECOG PS 0-1").explanation == "The trial requires ECOG 0-1; your ECOG is 1."
    assert outcome(m, "Adequate organ function").status == "needs_clinician"
    assert outcome(m, "History of HIV").status == "met"
    assert outcome(m, "Signed written informed consent").finding.assumed
    assert outcome(m, "previously received standard first-line").status == "met"


@pytest.mark.parametrize(
    ("variant", "words", "temporary"),
    [
        ("pdac-age85", ["Maximum age: 80 Years", "Age 18-80, female or male"], False),
        ("pdac-liver-metastases", ["Patients with locally advanced pancreatic cancer"], False),
        ("pdac-ecog2", ["ECOG PS 0-1"], True),
        ("pdac-untreated", ["Patients with locally advanced pancreatic cancer"], False),
        ("pdac-active-ra", ["Active autoimmune disease"], False),
        ("pdac-hiv", ["History of HIV"], False),
        ("pdac-recent-trial-drug", ["having received other research drugs"], True),
    ],
)
def test_variants_are_ruled_out_by_the_right_criterion(variant, words, temporary):
    m = judge(profile(variant), SEED)
    assert m.verdict == "ineligible"
    ruling = [o.criterion.text for o in m.decision.ruling]
    assert len(ruling) == len(words)
    for w in words:
        assert any(w in text for text in ruling), (w, ruling)
    assert m.decision.temporary is temporary


def test_explanations_name_the_trials_words_and_the_patients_facts():
    m = judge(profile("pdac-hiv"), SEED)
    assert outcome(m, "History of HIV").explanation == (
        "The trial excludes HIV; your recorded conditions include HIV."
    )
    m = judge(profile("pdac-active-ra"), SEED)
    assert "active autoimmune disease" in outcome(m, "Active autoimmune disease").explanation
    assert "rheumatoid arthritis" in outcome(m, "Active autoimmune disease").explanation
    m = judge(profile("pdac-liver-metastases"), SEED)
    text = outcome(m, "Patients with locally advanced pancreatic cancer").explanation
    assert "locally advanced disease" in text and "liver" in text
    # the definition list's header is not a separate rule-out: its items are judged one by one
    header = outcome(m, "Locally advanced pancreatic cancer is defined")
    assert (header.status, header.doubt) == ("unknown", "header")


# --- three-valued truth table on real criteria -------------------------------------------


@pytest.mark.parametrize(
    ("nct_id", "words", "update", "expected"),
    [
        # inclusion, P stated positively: True -> met, False -> not_met, None -> unknown
        (SEED, "ECOG PS 0-1", {"ecog": 1}, "met"),
        (SEED, "ECOG PS 0-1", {"ecog": 2}, "not_met"),
        (SEED, "ECOG PS 0-1", {"ecog": None}, "unknown"),
        # exclusion: True -> not_met, False -> met, None -> unknown
        (SEED, "Active autoimmune disease", {"conditions": ["active lupus"]}, "not_met"),
        (SEED, "Active autoimmune disease", {"conditions": ["hypertension"]}, "met"),
        (SEED, "Active autoimmune disease", {"conditions": ["rheumatoid arthritis"]}, "unknown"),
        (SEED, "Active autoimmune disease", {"conditions": None}, "unknown"),
        # inclusion stating an absence ("No prior ...", negated): no therapy -> met; a prior
        # therapy is a failure, read with confidence < 0.8 -> unknown, never a rule-out
        ("NCT06062823", "No prior systemic therapy for advanced", {"therapies": []}, "met"),
        ("NCT06062823", "No prior systemic therapy for advanced", {"therapies": None}, "unknown"),
        ("NCT06062823", "No prior systemic therapy for advanced", {}, "unknown"),
        # exclusion with an exception the patient fits: a second cancer that is excepted
        (SEED, "Malignant diseases other than", {"conditions": ["hypertension"]}, "met"),
    ],
)
def test_three_valued_truth_table(nct_id, words, update, expected):
    base = "example" if nct_id == SEED else "nsclc-egfr"
    o = outcome(judge(profile(base, **update), nct_id), words)
    assert o.status == expected, o.explanation


def test_a_low_confidence_failure_says_why_it_does_not_rule_out():
    o = outcome(judge(profile("nsclc-egfr"), "NCT06062823"), "No prior systemic therapy")
    assert o.low_confidence and o.criterion.confidence < 0.8
    assert "does not rule you out" in o.explanation
    assert o.question is None  # nothing the patient can answer settles our reading


# --- lines of therapy and washout arithmetic ----------------------------------------------

_AZA_VEN = {
    "name": "azacitidine + venetoclax",
    "drugs": ["azacitidine", "venetoclax"],
    "kind": "chemotherapy",
    "start": "2025-04",
    "end": "2026-09",
    "stop_reason": "relapse",
}
_FLAG_IDA = {
    "name": "FLAG-Ida",
    "drugs": ["fludarabine", "cytarabine", "idarubicin"],
    "kind": "chemotherapy",
    "start": "2026-10-01",
}
_MAINT = {"name": "azacitidine maintenance", "drugs": ["azacitidine"], "setting": "maintenance"}


@pytest.mark.parametrize(
    ("therapies", "expected"),
    [
        ([_AZA_VEN], "not_met"),  # one line
        ([_AZA_VEN, _FLAG_IDA], "met"),  # salvage after relapse: a second line
        ([_AZA_VEN, {**_MAINT, "start": "2026-09-15"}], "not_met"),  # maintenance continues it
        ([], "not_met"),
    ],
)
def test_lines_of_therapy_at_least_two(therapies, expected):
    m = judge(profile("aml", therapies=therapies), "NCT04265963")
    assert outcome(m, "at least two lines of therapy").status == expected


def test_lines_exclusion_counts_only_advanced_disease_lines():
    two = [
        {"name": "osimertinib", "kind": "targeted therapy", "start": "2024-02-01",
         "end": "2026-10", "stop_reason": "progression"},
        {"name": "carboplatin + pemetrexed", "kind": "chemotherapy", "start": "2026-10-20"},
    ]  # fmt: skip
    adjuvant = [{"name": "cisplatin + vinorelbine", "kind": "chemotherapy",
                 "setting": "adjuvant", "start": "2022-01", "end": "2022-04"}]  # fmt: skip
    words = "Prior lines of systemic anti-tumor therapy ≥ 2."
    assert outcome(judge(profile("nsclc-egfr"), "NCT07134413"), words).status == "met"
    assert outcome(judge(profile("nsclc-egfr", therapies=two), "NCT07134413"), words).status == (
        "not_met"
    )
    one_plus_adjuvant = adjuvant + profile("nsclc-egfr").model_dump()["therapies"]
    m = judge(profile("nsclc-egfr", therapies=one_plus_adjuvant), "NCT07134413")
    assert outcome(m, words).status == "met"


@pytest.mark.parametrize(
    ("end", "status", "free_from"),
    [
        ("2026-11-10", "not_met", date(2026, 12, 9)),  # 10 days ago: 28-day washout
        ("2026-10-23", "not_met", date(2026, 11, 21)),  # exactly 28 days ago: still inside
        ("2026-10-22", "met", None),  # 29 days ago
        ("2026-10", "unknown", None),  # a month: 20 to 50 days ago, either side
    ],
)
def test_washout_arithmetic_on_the_seed_trial(end, status, free_from):
    drug = {"name": "investigational KRAS G12D inhibitor", "kind": "investigational",
            "start": "2026-09-01", "end": end}  # fmt: skip
    p = profile("example", therapies=[*profile("example").model_dump()["therapies"], drug])
    m = judge(p, SEED)
    o = outcome(m, "having received other research drugs")
    assert o.status == status, o.explanation
    if free_from:
        assert m.decision.eligible_from == free_from
        assert free_from.isoformat() in o.explanation
    if status == "unknown":
        assert o.question == "therapy_end:investigational KRAS G12D inhibitor"


# --- biomarker equivalence and drug classes -----------------------------------------------


@pytest.mark.parametrize(
    ("markers", "status", "phrase"),
    [
        ([{"name": "MSI", "result": "MSI-H"}], "met", "MSI-H (microsatellite instability-high)"),
        ([{"name": "MMR", "result": "deficient"}], "met", "your MMR result is deficient"),
        ([{"name": "MMR", "result": "proficient"}], "not_met", "proficient"),
        # MSS is mismatch-repair proficient (the equivalence table), as MSI-H is deficient
        ([{"name": "MSI", "result": "MSS"}], "not_met", "MSS (microsatellite stable)"),
        ([{"name": "KRAS", "result": "positive"}], "unknown", "no MMR result"),
    ],
)
def test_msi_high_counts_for_a_dmmr_criterion(markers, status, phrase):
    m = judge(profile("example", biomarkers=markers), "NCT05838768")
    o = outcome(m, "(Arm A, B and C) will have available archival tumor tissue")
    assert o.status == status, o.explanation
    assert phrase in o.explanation


@pytest.mark.parametrize(
    ("therapy", "status"),
    [
        ({"name": "osimertinib", "kind": "targeted therapy"}, "not_met"),
        ({"name": "Tagrisso"}, "not_met"),  # brand name -> osimertinib -> EGFR TKI
        ({"name": "gefitinib"}, "not_met"),
        ({"name": "carboplatin + pemetrexed", "kind": "chemotherapy"}, "met"),
        ({"name": "pembrolizumab", "kind": "immunotherapy"}, "met"),
    ],
)
def test_drug_class_egfr_tki(therapy, status):
    m = judge(profile("nsclc-egfr", therapies=[therapy]), "NCT06062823")
    o = outcome(m, "Prior EGFR TKI therapy.")
    assert o.status == status, o.explanation
    if status == "not_met":
        assert o.explanation.startswith(
            "The trial excludes prior EGFR tyrosine kinase inhibitors; you received"
        )


# --- no false exclusions ------------------------------------------------------------------


def test_a_pancreatic_patient_is_never_eligible_for_a_lung_trial():
    report = match(profile("example"), corpus("nsclc-100"), as_of=AS_OF)
    assert report.counts["eligible"] == 0
    for m in report.matches:
        cond = [o for o in m.decision.ruling if o.criterion.kind == "condition"]
        # ruled out on the condition only by a parsed criterion read with confidence
        assert all(o.criterion.confidence >= 0.8 and o.doubt is None for o in cond)
        if m.verdict == "possibly_eligible":
            o = next(o for o in m.outcomes if o.criterion.id == "ctgov-conditions")
            assert o.status == "unknown" and o.low_confidence
            assert o.explanation.startswith("The trial studies ")


def test_doubtful_readings_do_not_rule_out():
    p = profile("nsclc-egfr")
    # "Known leptomeningeal carcinomatosis": the patient's brain metastases do not settle it
    o = outcome(judge(p, "NCT06062823"), "Known leptomeningeal carcinomatosis.")
    assert (o.status, o.doubt) == ("unknown", "cns_site")
    # "Patients without NSCLC" in an NSCLC study: a control group, not an exclusion of NSCLC
    o = outcome(judge(p, "NCT02283021"), "Patients without NSCLC")
    assert (o.status, o.doubt) == ("unknown", "target_excluded")
    assert "the very disease the trial studies" in o.explanation
    # an arm-specific criterion
    o = outcome(judge(profile("aml"), "NCT05918692"), "Arm B:")
    assert o.status != "not_met"


def test_sure_exclusions_remain():
    m = judge(profile("nsclc-egfr"), "NCT06062823")
    assert m.verdict == "ineligible"
    assert [o.criterion.text for o in m.decision.ruling] == ["Prior EGFR TKI therapy."]
    m = judge(profile("aml"), "NCT05645172")  # a CLL study
    assert m.verdict == "ineligible"
    assert outcome(m, "Diagnosis of CLL").status == "not_met"


def test_placeholder_items_are_not_sent_to_a_clinician():
    """Regression: items that are only "None" or "\\-" were shown as "Only a clinician can judge
    this: 'None'" (NCT05991206 lists "None" and "\\-" under its criteria)."""
    from matcher import evaluate_trial
    from profiles import load_profile
    from rules.corpus import bundled_trials
    from tests.conftest import REPO

    trial = next(t for t in bundled_trials() if t.nct_id == "NCT05991206")
    m = evaluate_trial(load_profile(REPO / "examples" / "profile.example.json"), trial,
                       as_of=date(2026, 11, 20)).to_dict()  # fmt: skip
    placeholders = [c for c in m["criteria"] if c["text"].strip() in {"None", "\\-", "-"}]
    assert placeholders
    for c in placeholders:
        assert c["status"] == "met"
        assert "nothing to check" in c["explanation"]
