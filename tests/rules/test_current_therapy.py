"""'Currently receiving' is not 'has ever received'; anticoagulants are a drug class.

Every sentence is a real ClinicalTrials.gov criterion of the bundled corpus
(rules/data/bundled/*.json.gz), parsed in its trial by ``parse_trial``. Before 2026-11-21
"Currently receiving corticosteroids" read as "has ever received them" and no anticoagulant
was in the vocabulary ("therapeutic anticoagulation" was only for a clinician, or tagged
bevacizumab from "within 10 days of first dose of bevacizumab").
"""

from __future__ import annotations

from functools import cache

import pytest

from rules import vocab
from rules.corpus import bundled_trials
from rules.criteria import parse_trial
from rules.criteria.parse import classify
from rules.criterion import Criterion


@cache
def _trials() -> dict[str, object]:
    return {t.nct_id: t for t in bundled_trials()}


def _criterion(nct_id: str, start: str) -> Criterion:
    found = [c for c in parse_trial(_trials()[nct_id]) if start in c.text]
    assert len(found) == 1, [c.text[:60] for c in found]
    return found[0]


@pytest.mark.parametrize(
    ("nct_id", "start", "classes", "drugs"),
    [
        (
            "NCT05507827",
            "Currently receiving corticosteroids",
            ["corticosteroid", "immunosuppressant"],
            [],
        ),
        (
            "NCT02650414",
            "Concurrent use of systemic steroids",
            ["corticosteroid", "immunosuppressant"],
            [],
        ),
        ("NCT05536349", "Ongoing immunosuppressive therapy", ["immunosuppressant"], ["prednisone"]),
        ("NCT02387086", "Patients receiving therapeutic anticoagulation", ["anticoagulant"], []),
        ("NCT03319901", "Concurrent use of warfarin", [], ["warfarin"]),
        ("NCT05536349", "Concurrent use of warfarin", ["vitamin_k_antagonist"], ["warfarin"]),
        ("NCT02179567", "Anticoagulation therapy", ["anticoagulant"], []),
        (
            "NCT03416231",
            "8\\. Patients treated with anticoagulation agents",
            ["anticoagulant", "vitamin_k_antagonist"],
            ["warfarin", "heparin"],
        ),
        (
            "NCT05164042",
            "Those who need long-term anticoagulation",
            ["anticoagulant"],
            ["warfarin", "heparin"],
        ),
    ],
)
def test_a_present_use_is_read_as_current(nct_id, start, classes, drugs):
    c = _criterion(nct_id, start)
    assert c.polarity == "exclusion"
    assert c.kind == "prior_therapy", (c.kind, c.params)
    assert c.params.get("current") is True
    assert c.params["classes"] == classes
    assert c.params["drugs"] == drugs
    assert not c.params.get("negated")
    assert c.confidence >= 0.8  # sure enough to rule out


def test_the_allowed_steroids_of_the_next_sentence_are_not_the_criterions():
    # "... Recent or current use of inhaled steroids or physiologic replacement with
    # hydrocortisone is not exclusionary": neither is what the item excludes
    c = _criterion("NCT02650414", "Concurrent use of systemic steroids")
    assert "hydrocortisone" not in c.params["drugs"]
    assert "inhaled_corticosteroid" not in c.params["classes"]


def test_prophylactic_anticoagulation_is_kept_as_an_exception():
    c = _criterion("NCT02387086", "Patients receiving therapeutic anticoagulation")
    assert c.params["exceptions"] == ["prophylactic anticoagulation"]
    assert "bevacizumab" not in c.params["drugs"]


def test_a_washout_of_anticoagulants_is_not_the_study_drug_it_counts_from():
    c = _criterion("NCT02759614", "(within 10 days of first dose of bevacizumab) use of full-dose")
    assert c.kind == "washout"
    assert c.params["classes"] == ["anticoagulant"] and c.params["drugs"] == []
    assert c.params["within"]["value"] == 10
    aspirin = _criterion(
        "NCT02759614", "(within 10 days of first dose of bevacizumab) use of aspirin"
    )
    assert aspirin.kind == "other"  # aspirin is not in the vocabulary; bevacizumab is no answer
    assert _criterion("NCT05756972", "Anticoagulant or thrombolytic").params["classes"] == [
        "anticoagulant"
    ]


@pytest.mark.parametrize(
    ("nct_id", "start"),
    [
        # history and washout readings stay as they were
        ("NCT05507827", "Patients with known autoimmune disease requiring the use of systemic"),
        ("NCT03955198", "Current or prior use of immunosuppressive medication within 7 days"),
        ("NCT05883644", "Current or prior use of immunosuppressive medication within 14 days"),
        ("NCT04646330", "Has a diagnosis of immunodeficiency or is receiving systemic steroid"),
    ],
)
def test_a_past_time_keeps_the_history_or_washout_reading(nct_id, start):
    c = _criterion(nct_id, start)
    assert c.kind in ("prior_therapy", "washout", "comorbidity"), c.kind
    assert not c.params.get("current"), c.params
    # "within 14 days before the first dose of durvalumab or tremelimumab": the study drugs
    assert not {"durvalumab", "tremelimumab"} & set(c.params.get("drugs") or [])


@pytest.mark.parametrize(
    ("nct_id", "start", "kind"),
    [
        ("NCT05798663", "For patients receiving therapeutic anticoagulation", "other"),
        ("NCT05798663", "Disease is well controlled at baseline and only requiring low", "other"),
        ("NCT05035615", "Specimens are collected in EDTA", "other"),
    ],
)
def test_not_a_requirement_to_be_on_a_therapy_now(nct_id, start, kind):
    c = _criterion(nct_id, start)
    assert c.kind == kind, (c.kind, c.params)


def test_inr_unless_on_anticoagulants_stays_a_lab():
    kind, params, _, _ = classify("INR ≤ 1.5 unless on anticoagulants", "inclusion")
    assert kind == "lab" and params["analyte"] == "inr"
    c = _criterion("NCT05798663", "For patients not receiving therapeutic anticoagulation")
    assert c.kind != "prior_therapy"


@pytest.mark.parametrize(
    ("text", "current"),
    [
        ("Prior treatment with corticosteroids", False),
        ("History of steroid use", False),
        ("Currently receiving corticosteroids", True),
        ("Ongoing prednisolone > 1mg/kg daily or equivalent.", True),
    ],
)
def test_current_only_without_a_past_time(text, current):
    kind, params, _, _ = classify(text, "exclusion")
    assert kind == "prior_therapy"
    assert bool(params.get("current")) is current


def test_a_current_requirement_in_an_inclusion_list_does_not_rule_out():
    # NCT00119041 (TREC CT 2021): "or an oral hypoglycemic agent" is not in the vocabulary
    kind, params, conf, _ = classify(
        "1) Current prescription of insulin or an oral hypoglycemic agent", "inclusion"
    )
    assert kind == "prior_therapy" and params["current"] is True
    assert conf < 0.8


@pytest.mark.parametrize(
    "name",
    [
        "warfarin",
        "Coumadin",
        "heparin",
        "LMWH",
        "enoxaparin",
        "Lovenox",
        "dalteparin",
        "tinzaparin",
        "fondaparinux",
        "apixaban",
        "Eliquis",
        "rivaroxaban",
        "Xarelto",
        "edoxaban",
        "dabigatran",
        "Pradaxa",
        "DOAC",
        "NOAC",
        "vitamin K antagonist",
        "unfractionated heparin",
    ],
)
def test_every_anticoagulant_is_in_the_class_and_none_is_anticancer(name):
    found = vocab.find_drugs(f"She takes {name}.")
    assert len(found) == 1, found
    m = found[0]
    classes = vocab.drug_classes(m.id) if m.type == "drug" else vocab.class_ancestors(m.id)
    assert "anticoagulant" in classes
    assert "anticancer_therapy" not in classes


def test_lupus_anticoagulant_and_heparin_induced_are_not_therapies():
    assert vocab.find_drugs("lupus anticoagulant positive") == []
    assert vocab.find_drugs("history of heparin-induced thrombocytopenia") == []
