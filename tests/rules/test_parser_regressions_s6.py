"""Criteria-reading mistakes of issue 5 (2026-11-21): "GC" as glucocorticoids, "CALGB 0-1" as
an ECOG score, and misreadings found on items of records that list one item per line.

Texts are the real records' eligibility criteria, copied verbatim into
``tests/rules/data/issue5_records.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rules.criteria import classify, parse_criteria
from rules.criteria.abbreviations import context_alias, reading, record_abbreviations
from rules.vocab import load_data

RECORDS = json.loads((Path(__file__).parent / "data" / "issue5_records.json").read_text())[
    "records"
]


def _crit(nct: str, starts: str):
    text = RECORDS[nct]
    return next(c for c in parse_criteria(text, nct_id=nct) if c.text.startswith(starts))


# -- 1. "GC" read as glucocorticoids only where the words say so ------------------------------


def test_gc_therapy_is_read_as_glucocorticoids_nct00001256():
    c = _crit("NCT00001256", "Recent (within four weeks) increase in GC")
    assert c.kind == "washout"
    assert "corticosteroid" in c.params["classes"] and "chemotherapy" in c.params["classes"]
    assert c.text == "Recent (within four weeks) increase in GC or cytotoxic drug therapy."


def test_a_record_defining_an_abbreviation_reads_it_as_its_long_form():
    text = (
        "Inclusion Criteria:\n* On glucocorticoids (GC) for vasculitis\n"
        "Exclusion Criteria:\n* Increase in GC within 4 weeks"
    )
    assert record_abbreviations(text) == {"GC": "glucocorticoids"}
    crit = parse_criteria(text)[-1]
    assert crit.text == "Increase in GC within 4 weeks"  # the record's own words are cited
    assert "corticosteroid" in crit.params["classes"]


@pytest.mark.parametrize(
    ("text", "defined"),
    [
        ("Gastric adenocarcinoma (GC)", "Gastric adenocarcinoma (GC)"),  # the 18k set
        ("GC therapy", "Gastric cancer (GC) after GC therapy"),  # the record's own meaning wins
        ("prior GC chemotherapy", ""),  # gemcitabine-cisplatin
        ("symptomatic Neisseria gonorrhea (GC), Chlamydia trachomatis (CT) infection", ""),
    ],
)
def test_gc_is_not_a_glucocorticoid_elsewhere(text, defined):
    assert reading(text, record_abbreviations(defined)) == text


def _alias_cases():
    for a in load_data("patterns/abbreviations.json")["context_aliases"]:
        for t in a["examples"]["match"]:
            yield pytest.param(a["id"], t, True, id=f"{a['id']}-match")
        for t in a["examples"]["no_match"]:
            yield pytest.param(a["id"], t, False, id=f"{a['id']}-no_match")


@pytest.mark.parametrize(("ident", "text", "hit"), list(_alias_cases()))
def test_context_alias_examples(ident, text, hit):
    assert bool(context_alias(ident).search(text)) is hit


# -- 2. CALGB performance status is the ECOG scale -------------------------------------------


def test_calgb_0_1_is_an_ecog_requirement_nct00005096():
    c = _crit("NCT00005096", "CALGB 0-1")
    assert c.kind == "performance_status"
    assert c.params["scale"] == "ECOG"
    assert (c.params["score"]["op"], c.params["score"]["value"], c.params["score"]["value2"]) == (
        "between",
        0.0,
        1.0,
    )
    assert c.parent is None  # a standing requirement, not one of "either of the following"


# -- what splitting exposed (each read wrongly once it stood alone) ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Suspected or documented tuberculosis involving the central nervous system and/or bones "
        "and/or joints, and/or miliary tuberculosis and/or pericardial tuberculosis.",
        "Individuals will be excluded from enrollment if, at the time of enrollment, their M. "
        "tuberculosis isolate is already known to be resistant to any of the study drugs.",
    ],
)
def test_tuberculosis_forms_are_qualified_nct03561753(text):
    assert text in RECORDS["NCT03561753"]
    kind, params, confidence, _ = classify(text, "exclusion")
    assert kind == "comorbidity" and params["qualified"] and confidence < 0.8


def test_a_condition_naming_a_medicine_is_no_condition_nct03561753():
    text = (
        "HBV infected or HCV infected (these increase the risk of TB-drug induced hepatotoxicity)"
    )
    assert text in RECORDS["NCT03561753"]
    kind, params, *_ = classify(text, "exclusion")
    assert kind == "comorbidity" and params["conditions"] == ["hepatitis_b", "hepatitis_c"]


def test_the_cause_of_a_condition_is_not_excluded_on_its_own():
    # NCT01277757 (TREC PM 2017)
    kind, params, *_ = classify(
        "Baseline bradycardia related to cardiac disease, or significant bundle branch block",
        "exclusion",
    )
    assert kind == "comorbidity" and params["conditions"] == ["bradycardia"]
    assert params["classes"] == []


def test_age_among_risk_factor_alternatives_is_no_requirement_nct00021255():
    text = (
        "High risk lymph node negative participants were to be defined as participants having "
        "invasive adenocarcinoma with either 0 (pNo) among a minimum of 6 resected lymph nodes or "
        "negative sentinel node biopsy (pNo) and at least one of the following factors: tumor "
        "size > 2 cm, estrogen receptor (ER) and/or progesteron receptor (PR) status was "
        "negative, histologic and/or nuclear grade 2-3, or age < 35 years."
    )
    assert text in RECORDS["NCT00021255"]
    assert classify(text, "inclusion")[0] != "age"


def test_age_in_bracketed_advice_is_not_the_requirement():
    # NCT01491763 (TREC PM 2018)
    kind, params, *_ = classify(
        "Patients with Ph (BCR/ABL) positive de novo < 55 years old (it is advisable to include "
        "patients over 55 years LAL07OPH protocol).",
        "inclusion",
    )
    assert kind == "age" and params["age"]["op"] == "<" and params["age"]["value"] == 55


def test_treatment_for_a_cancer_is_not_its_diagnosis():
    # NCT00553358 (TREC PM 2018): the exclusion is the prior treatment, not breast cancer
    kind, *_ = classify(
        "Received any prior treatment for primary invasive breast cancer;", "exclusion"
    )
    assert kind != "condition"


def test_gene_long_names_are_not_cancers():
    # NCT01390818: "Kirsten rat sarcoma viral oncogene homolog (KRAS)" is no sarcoma
    _, params, *_ = classify(
        "Relapsed or refractory Kirsten rat sarcoma viral oncogene homolog (KRAS) or "
        "neuroblastoma RAS viral oncogene homolog (NRAS) mutated metastatic non-small cell lung "
        "cancer (NSCLC) with no approved therapies",
        "inclusion",
    )
    cond = next(p["params"] for p in params["all_of"] if p["kind"] == "condition")
    assert cond["cancers"] == ["nsclc"]


def test_a_cohort_only_list_is_arm_specific_nct01390818():
    text = (
        "Inclusion Criteria:\n"
        "* Subjects enrolled in disease specific expansion cohorts must fulfill all the "
        "inclusion/exclusion criteria listed above with the following restriction to the "
        "Inclusion Criterion number 1:\n"
        "  * Relapsed or refractory Kirsten rat sarcoma viral oncogene homolog (KRAS) or "
        "neuroblastoma RAS viral oncogene homolog (NRAS) mutated metastatic non-small cell lung "
        "cancer (NSCLC) with no approved therapies, or\n"
        "  * BRAF V600E/K mutated unresectable or metastatic melanoma after progression on B-Raf "
        "proto-oncogene, serine/threonine kinase (BRAF) inhibitors\n"
        "* Age >= 18 years"
    )
    crits = {c.id: c for c in parse_criteria(text)}
    for cid in ("inc-1.1", "inc-1.2"):
        assert crits[cid].params["arm_specific"] is True and crits[cid].confidence <= 0.7
    assert crits["inc-2"].kind == "age" and crits["inc-2"].confidence > 0.8


def test_breastfeeding_to_be_discontinued_is_no_requirement_to_breastfeed():
    # NCT01306032 (TREC PM 2017), an inclusion item
    kind, params, *_ = classify(
        "Because there is a risk for adverse events in nursing infants secondary to treatment of "
        "the mother with cyclophosphamide, breastfeeding should be discontinued while the patient "
        "is on this trial",
        "inclusion",
    )
    assert kind == "pregnancy" and params["negated"] is True


def test_an_infection_from_another_organ_is_qualified_nct03282006():
    # NCT03282006 (E. coli urinary sepsis trial) excludes an infection starting elsewhere, not
    # the patient's urinary infection
    kind, params, confidence, _ = classify(
        "Bacterial infection origin from another organ (e.g. pneumonia)", "exclusion"
    )
    assert kind == "comorbidity" and params["qualified"] and confidence < 0.8
