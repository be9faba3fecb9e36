"""Criteria-reading mistakes found by reading real trials against a referral letter
(2026-11-21): a sample-logistics item read as a biomarker result, a "non" inside a stage's
bracket negating the cancer, "< 1 year without menstruation" read as an age, a "meet all of
the following" header capping its items as alternatives, and a "NOTE: ... is defined as"
line ruling patients out.

NCT02369484 and NCT01742767 are in the bundled corpus; NCT00630032's criteria are copied
verbatim into ``tests/rules/data/p2_records.json``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from rules.corpus import bundled_trials
from rules.criteria import classify, parse_criteria, parse_trial
from rules.criteria.segment import is_definition_item, is_list_parent
from rules.vocab import load_data

RECORDS = json.loads((Path(__file__).parent / "data" / "p2_records.json").read_text())["records"]
RULE_OUT = 0.8  # the matcher rules out only at this confidence or above


@cache
def _parsed(nct: str):
    trial = next(t for t in bundled_trials() if t.nct_id == nct)
    return parse_trial(trial)


def _crit(nct: str, starts: str):
    return next(c for c in _parsed(nct) if c.text.startswith(starts))


# -- 1. a sample to be tested is no result requirement -----------------------------------


def test_tumour_block_for_central_review_is_no_her2_requirement_nct02369484():
    c = _crit("NCT02369484", "Tumour block available for central review of HER2")
    assert c.kind == "other"
    assert "biomarker" not in json.dumps(c.params)


def test_documented_her2_mutation_stays_a_requirement_nct02369484():
    c = _crit("NCT02369484", "Locally documented HER2 mutation")
    assert c.kind == "biomarker"
    assert c.params == {"biomarker": "HER2", "result": "positive", "alteration": "mutation"}
    assert c.confidence >= RULE_OUT


@pytest.mark.parametrize(
    "text",
    [
        "Tumour block available for central review of HER2 mutation status.",
        "Detection of EGFR mutations and additional somatic mutations with relation to "
        "treatment will be performed centrally at the Universitätsklinikum Essen.",
        "Archival tissue must be submitted for central testing of KRAS status",
    ],
)
def test_sample_logistics_is_no_biomarker(text):
    assert classify(text, "inclusion")[0] != "biomarker"


@pytest.mark.parametrize(
    ("text", "marker", "result"),
    [
        ("HER2 mutation", "HER2", "positive"),
        ("Documented HER2 mutation", "HER2", "positive"),
        ("Tissue must be available for central confirmation of KRAS wild-type", "KRAS", "negative"),
        ("Tissue sample submitted; KRAS wild-type by local testing", "KRAS", "negative"),
    ],
)
def test_stated_results_stay_requirements(text, marker, result):
    kind, params, _, _ = classify(text, "inclusion")
    assert kind == "biomarker"
    assert (params["biomarker"], params["result"]) == (marker, result)


def test_egfr_tki_treatment_is_no_egfr_negative_nct01742767():
    c = _crit("NCT01742767", "Patients with known somatic activating mutations of EGFR")
    assert c.params == {"biomarker": "EGFR", "result": "positive", "alteration": "mutation"}


# -- 2. a "non" inside a stage's bracket negates nothing ------------------------------------


def test_stage_bracket_does_not_negate_nsclc_nct02369484():
    c = _crit("NCT02369484", "Stage IIIB (non amenable to curative-intent")
    assert "negated" not in json.dumps(c.params)
    assert c.params["all_of"][0]["params"]["cancers"] == ["nsclc"]
    assert c.params["all_of"][1] == {"kind": "stage", "params": {"stages": ["IIIB", "IV"]}}


@pytest.mark.parametrize(
    ("text", "kind", "negated"),
    [
        ("No prior chemotherapy", "prior_therapy", True),
        ("Non-small cell lung cancer", "condition", False),
        ("Histologically confirmed non-small cell lung cancer", "condition", False),
        ("No (prior) chemotherapy", "prior_therapy", True),
        ("Patients must not have brain metastases", "cns_metastases", True),
    ],
)
def test_real_negations_keep_their_reading(text, kind, negated):
    k, params, _, _ = classify(text, "inclusion")
    assert k == kind
    assert bool(params.get("negated")) is negated


# -- 3. a span of time of something else is no age ------------------------------------------


def test_years_without_menstruation_is_no_age_nct02369484():
    c = _crit("NCT02369484", "Women of childbearing potential (\\< 1 year without menstruation")
    assert c.kind == "pregnancy"
    assert c.params.get("negated") is True  # a negative pregnancy test: not pregnant


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Age ≥ 18 years", {"op": ">=", "value": 18.0, "unit": "years"}),
        ("Patients ≥ 18 years", {"op": ">=", "value": 18.0, "unit": "years"}),
        ("Women aged 18 years or older", {"op": ">=", "value": 18.0, "unit": "years"}),
        ("≥ 18 years of age", {"op": ">=", "value": 18.0, "unit": "years"}),
    ],
)
def test_ages_stay_ages(text, age):
    kind, params, _, _ = classify(text, "inclusion")
    assert kind == "age"
    assert params["age"] == age


@pytest.mark.parametrize(
    "text",
    [
        "Women (< 2 years without menstruation following chemotherapy) need a pregnancy test",
        "Patients > 5 years disease-free",
        "Women ≥ 2 years of amenorrhea are not of childbearing potential",
    ],
)
def test_time_spans_are_no_ages(text):
    assert classify(text, "inclusion")[0] != "age"


# -- 4. "must meet all of the following" keeps its items' confidence ---------------------------


def test_all_of_the_following_items_keep_their_confidence_nct01742767():
    c = _crit("NCT01742767", "Histologically or cytologically confirmed diagnosis of non-squamous")
    assert c.parent == "inc-1"
    assert c.kind == "condition"
    assert c.confidence >= RULE_OUT
    assert _crit("NCT01742767", "ECOG performance status of 0 or 1").confidence >= RULE_OUT
    # the exclusion list's "excluded ... if they meet any of the following": each excludes
    assert _crit("NCT01742767", "Pregnant or breast-feeding patient").confidence >= RULE_OUT


def test_contraception_items_under_the_list_are_no_sex_requirement_nct01742767():
    c = _crit("NCT01742767", "Female patients with childbearing potential must use")
    assert c.kind == "contraception"
    male = _crit("NCT01742767", "Male patients must agree to use condoms")
    assert male.kind == "contraception"
    # "... is considered to be of childbearing potential unless she is age >= 50": a definition
    assert _crit("NCT01742767", "A female subject is considered").confidence < RULE_OUT


def test_one_of_the_following_still_caps():
    text = (
        "Inclusion Criteria:\n\n* Patients must have one of the following:\n"
        "  * Stage IV NSCLC\n  * Stage IV breast cancer\n"
    )
    crits = [c for c in parse_criteria(text) if c.parent]
    assert crits and all(c.confidence <= 0.6 for c in crits)


# -- 5. a NOTE or a definition never rules out on its own -----------------------------------


def test_note_defining_her2_negativity_is_capped_nct00630032():
    crits = parse_criteria(RECORDS["NCT00630032"], nct_id="NCT00630032")
    c = next(c for c in crits if c.text.startswith("NOTE: *Hormone-receptor negativity"))
    assert c.confidence < RULE_OUT


@pytest.mark.parametrize(
    "text",
    [
        # real "NOTE:" requirements of the 18,122-trial set keep their reading
        "NOTE: All patients must have measurable disease; baseline measurements must be "
        "obtained < 4 weeks prior to registration",  # NCT00003350
        "NOTE: Radiation therapy within 2 weeks of study registration is not allowed.",
        "NOTE: Patients with metastatic breast cancer identified by immunohistochemistry "
        "(IHC) are not eligible.",  # NCT00003855
        "NOTE: A pt should be determined to be potentially surgically resectable at baseline "
        "to be eligible for this neoadjuvant study.",  # NCT02339324
    ],
)
def test_note_requirements_keep_their_confidence(text):
    kind, _, conf, _ = classify(text, "inclusion")
    assert kind != "other"
    assert not is_definition_item(text)
    crit = parse_criteria("Inclusion Criteria:\n\n* " + text)[0]
    assert crit.confidence == conf


# -- the data files' own examples ----------------------------------------------------------

_SECTIONS = load_data("patterns/sections.json")


@pytest.mark.parametrize("entry", ["list_parent", "definition_item", "note_item"])
def test_section_pattern_examples(entry):
    regex = re.compile(_SECTIONS[entry]["regex"])
    ex = _SECTIONS[entry]["examples"]
    assert [t for t in ex["match"] if not regex.search(t)] == []
    assert [t for t in ex["no_match"] if regex.search(t)] == []


def test_list_parent_helper():
    header = (
        "Patients are eligible to be included in the study only if they meet all of the "
        "following criteria:"
    )
    assert is_list_parent(header, "inclusion")
    assert not is_list_parent(
        "Patients are eligible if they meet any of the following criteria:", "inclusion"
    )
    excluded = "Patients will be excluded if they meet any of the following criteria:"
    assert is_list_parent(excluded, "exclusion")
    # among inclusion items (NCT01158885) the header's polarity is in doubt: items stay capped
    assert not is_list_parent(excluded, "inclusion")


def test_healthy_volunteer_list_stays_capped():
    text = (
        "Inclusion Criteria:\n\n* In order to be eligible to participate in this study as a "
        "healthy volunteer, an individual must meet all of the following criteria:\n"
        "  * Age 18 to 65 years\n  * No history of cancer\n"
    )
    kids = [c for c in parse_criteria(text) if c.parent]
    assert kids and all(c.confidence <= 0.6 for c in kids)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Female patients of childbearing potential must have a negative pregnancy test",
            "pregnancy",
        ),
        ("Female patients with childbearing potential must use contraception", "contraception"),
        ("Female patients only. Pregnant women are excluded", "sex"),
        ("Female patients only", "sex"),
    ],
)
def test_sex_only_where_the_item_asks_for_it(text, kind):
    assert classify(text, "inclusion")[0] == kind
