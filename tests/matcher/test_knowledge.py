"""Behaviour of the clinical knowledge, as the matcher uses it: cancer hierarchy, biomarker
equivalences and scoring, drug classes and regimens, comorbidity classes."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.evaluate import evaluate
from matcher.facts import PatientFacts
from matcher.knowledge import her2_status, table
from profiles.model import PatientProfile

AS_OF = date(2026, 11, 20)


def facts(**fields) -> PatientFacts:
    return PatientFacts.of(PatientProfile.model_validate(fields), AS_OF)


def dx(condition: str, **more) -> PatientFacts:
    return facts(diagnoses=[{"condition": condition, **more}])


@pytest.mark.parametrize(
    ("patient", "wanted", "expected"),
    [
        ("non-small cell lung cancer", "lung_cancer", True),
        ("squamous non-small cell lung cancer", "nsclc", True),
        ("small cell lung cancer", "nsclc", False),
        ("lung cancer", "nsclc", None),  # broader: which subtype?
        ("pancreatic ductal adenocarcinoma", "pancreatic_cancer", True),
        ("pancreatic ductal adenocarcinoma", "advanced_solid_tumor", True),  # basket
        ("pancreatic ductal adenocarcinoma", "solid_tumor", True),
        ("acute myeloid leukemia", "solid_tumor", False),
        ("acute promyelocytic leukemia", "aml", True),
        ("acute myeloid leukemia", "apl", None),
        ("colon cancer", "colorectal_cancer", True),
    ],
)
def test_cancer_hierarchy(patient, wanted, expected):
    assert evaluate("condition", {"cancers": [wanted]}, dx(patient)).value is expected


def test_msi_h_and_dmmr_satisfy_each_other_with_distinct_evidence():
    from matcher.explain import patient_side

    f = evaluate(
        "biomarker",
        {"biomarker": "MSI", "result": "MSI-H"},
        facts(biomarkers=[{"name": "MMR", "result": "dMMR"}]),
    )
    assert f.value is True
    assert "dMMR (mismatch-repair deficient), which counts" in patient_side(f)
    back = evaluate(
        "biomarker",
        {"biomarker": "MMR", "result": "deficient"},
        facts(biomarkers=[{"name": "MSI", "result": "MSI-high"}]),
    )
    assert back.value is True
    assert (
        evaluate(
            "biomarker",
            {"biomarker": "MSI", "result": "MSI-H"},
            facts(biomarkers=[{"name": "MSI", "result": "MSS"}]),
        ).value
        is False
    )


@pytest.mark.parametrize(
    "example", table("her2_status")["examples"], ids=lambda e: f"IHC{e['ihc']}-{e['ish']}"
)
def test_her2_table(example):
    assert her2_status(example["ihc"], example["ish"]) == example["status"]


@pytest.mark.parametrize(
    ("markers", "wanted", "expected"),
    [
        (
            [
                {"name": "HER2", "value": 2, "scoring": "IHC"},
                {"name": "HER2", "result": "negative", "scoring": "ISH"},
            ],
            "low",
            True,
        ),
        (
            [
                {"name": "HER2", "value": 2, "scoring": "IHC"},
                {"name": "HER2", "result": "negative", "scoring": "ISH"},
            ],
            "positive",
            False,
        ),
        (
            [
                {"name": "HER2", "value": 2, "scoring": "IHC"},
                {"name": "HER2", "result": "negative", "scoring": "ISH"},
            ],
            "negative",
            True,
        ),
        ([{"name": "HER2", "value": 3, "scoring": "IHC"}], "positive", True),
        ([{"name": "HER2", "value": 2, "scoring": "IHC"}], "positive", None),
        ([{"name": "HER2", "value": 0, "scoring": "IHC"}], "low", False),
    ],
)
def test_her2_ihc_ish_to_status(markers, wanted, expected):
    assert (
        evaluate(
            "biomarker", {"biomarker": "HER2", "result": wanted}, facts(biomarkers=markers)
        ).value
        is expected
    )


def test_pd_l1_cps_never_answers_a_tps_threshold():
    params = {"biomarker": "PD-L1", "scoring": "TPS", "threshold": {"op": ">=", "value": 50}}
    f = evaluate(
        "biomarker", params, facts(biomarkers=[{"name": "PD-L1", "value": 80, "scoring": "CPS"}])
    )
    assert f.value is None
    assert f.question == "biomarker:PD-L1:TPS"
    assert (
        evaluate(
            "biomarker",
            params,
            facts(biomarkers=[{"name": "PD-L1", "value": 60, "scoring": "TPS"}]),
        ).value
        is True
    )
    assert (
        evaluate(
            "biomarker",
            params,
            facts(biomarkers=[{"name": "PD-L1", "value": 10, "scoring": "TPS"}]),
        ).value
        is False
    )


def test_egfr_variants():
    p = facts(biomarkers=[{"name": "EGFR", "result": "positive", "detail": "L858R"}])
    assert (
        evaluate(
            "biomarker", {"biomarker": "EGFR", "variants": ["exon 19 deletion", "L858R"]}, p
        ).value
        is True
    )
    assert evaluate("biomarker", {"biomarker": "EGFR", "variants": ["T790M"]}, p).value is False


@pytest.mark.parametrize(
    ("therapy", "klass", "expected"),
    [
        ("pembrolizumab", "anti_pd1", True),
        ("nivolumab", "anti_pd1", True),
        ("atezolizumab", "anti_pd_l1", True),
        ("durvalumab", "anti_pd_l1", True),
        ("atezolizumab", "anti_pd1", False),
        ("durvalumab", "anti_pd1_pdl1", True),
        ("ipilimumab", "anti_ctla4", True),
        ("AK104", "anti_pd1", True),  # cadonilimab, PD-1 x CTLA-4
        ("cadonilimab", "anti_ctla4", True),
        ("osimertinib", "egfr_tki", True),
        ("FOLFIRINOX", "topoisomerase_inhibitor", True),  # irinotecan
        ("FOLFIRINOX", "anti_pd1", False),
    ],
)
def test_drug_classes_and_regimens(therapy, klass, expected):
    p = facts(therapies=[{"name": therapy}])
    assert evaluate("prior_therapy", {"classes": [klass]}, p).value is expected


def test_regimen_expands_to_its_drugs():
    p = facts(therapies=[{"name": "FOLFIRINOX"}])
    for drug in ("fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"):
        assert evaluate("prior_therapy", {"drugs": [drug]}, p).value is True


@pytest.mark.parametrize(
    ("condition", "params", "expected"),
    [
        ("rheumatoid arthritis", {"classes": ["autoimmune_disease"]}, True),
        ("systemic lupus erythematosus", {"classes": ["autoimmune_disease"]}, True),
        ("Crohn's disease", {"classes": ["autoimmune_disease"]}, True),
        ("kidney transplant", {"classes": ["solid_organ_transplant"]}, True),
        ("hypertension", {"classes": ["autoimmune_disease"]}, False),
        ("rheumatoid arthritis", {"classes": ["autoimmune_disease"], "active": True}, None),
        ("active rheumatoid arthritis", {"classes": ["autoimmune_disease"], "active": True}, True),
        (
            "rheumatoid arthritis in remission",
            {"classes": ["autoimmune_disease"], "active": True},
            False,
        ),
    ],
)
def test_comorbidity_classes(condition, params, expected):
    assert evaluate("comorbidity", params, facts(conditions=[condition])).value is expected
