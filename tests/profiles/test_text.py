"""Profiles from free text: every pattern example, real benchmark queries, spans."""

from __future__ import annotations

import json
import re

import pytest

from profiles.text import extract_profile, negated, patterns
from tests.conftest import REPO, TEST_DATA

DATA = json.loads((REPO / "profiles" / "data" / "text_patterns.json").read_text())
EXAMPLES = [(p["id"], text, True) for p in DATA["patterns"] for text in p["match"]] + [
    (p["id"], text, False) for p in DATA["patterns"] for text in p["no_match"]
]


@pytest.mark.parametrize(
    ("pid", "text", "should"), EXAMPLES, ids=[f"{e[0]}:{e[1][:25]}" for e in EXAMPLES]
)
def test_pattern_examples(pid, text, should):
    pattern = next(p for p in patterns() if p.id == pid)
    assert bool(pattern.regex.search(text)) is should


def _queries(name: str) -> dict[str, str]:
    lines = (TEST_DATA / "bench" / name / "queries.jsonl").read_text().splitlines()
    return {row["_id"]: row["text"] for row in map(json.loads, lines)}


@pytest.fixture(scope="module")
def ct():
    return _queries("trec-ct-2021")


@pytest.fixture(scope="module")
def pm():
    return {**_queries("trec-pm-2017"), **_queries("trec-pm-2018")}


def test_every_fact_keeps_its_span_on_real_queries(ct, pm):
    for text in [*ct.values(), *pm.values()]:
        for fact in extract_profile(text).facts:
            assert text[fact.start : fact.end] == fact.text


def test_trec_pm_questionnaire(pm):
    p = extract_profile(pm["pm2017-2"]).profile
    assert (p.age, p.sex) == (52, "male")
    assert p.diagnoses[0].condition == "Colon cancer"
    assert [(b.name, b.result, b.detail) for b in p.biomarkers] == [
        ("KRAS", "positive", "G13D"),
        ("BRAF", "positive", "V600E"),
    ]
    assert p.conditions == ["Type II Diabetes", "Hypertension"]


def test_questionnaire_alterations(pm):
    p = extract_profile(pm["pm2017-1"]).profile
    assert [(b.name, b.detail) for b in p.biomarkers] == [("CDK4", "amplification")]
    assert p.conditions == ["GERD"]


def test_other_none_means_no_other_conditions_and_absent_means_not_recorded(pm):
    assert extract_profile(pm["pm2017-3"]).profile.conditions == []
    assert extract_profile(pm["pm2018-1"]).profile.conditions is None


def test_fusion_and_loss_of_function():
    p = extract_profile(
        "Disease: Lung cancer\nGene: EML4-ALK Fusion transcript, "
        "PTEN loss of function\nDemographic: 52-year-old male"
    ).profile
    assert [(b.name, b.detail) for b in p.biomarkers] == [
        ("EML4-ALK", "fusion"),
        ("PTEN", "loss of function"),
    ]


def test_trec_ct_notes_age_and_sex(ct):
    expected = {"ct2021-1": (45, "male"), "ct2021-2": (48, "male")}
    for qid, (age, sex) in expected.items():
        p = extract_profile(ct[qid]).profile
        assert (p.age, p.sex) == (age, sex)


def test_oncology_note():
    text = (
        "Mrs. K is a 58-year-old woman with stage IIIB non-small cell lung cancer, "
        "metastatic to the liver and with brain metastases. PD-L1 TPS 60%. "
        "EGFR L858R. ECOG performance status of 1. Hemoglobin 10.2 g/dL. She is not pregnant."
    )
    x = extract_profile(text)
    p = x.profile
    assert (p.age, p.sex, p.ecog, p.pregnant) == (58, "female", 1, False)
    pdl1 = next(b for b in p.biomarkers if b.name == "PD-L1")
    assert (pdl1.value, pdl1.scoring, pdl1.result) == (60.0, "TPS", "positive")
    assert any(b.name == "EGFR" and b.detail == "L858R" for b in p.biomarkers)
    assert p.labs[0].name == "hemoglobin" and p.labs[0].value == 10.2
    sites = [f.value for f in x.facts if f.field == "metastatic_sites"]
    assert sites == ["liver", "brain"]
    stage = next(f for f in x.facts if f.field == "stage")
    assert stage.value == "IIIB" and stage.text == "IIIB"


def test_msi_her2_and_hormone_receptors():
    p = extract_profile("Breast cancer, ER+, PR negative, HER2 3+; colon primary MSI-H").profile
    got = {(b.name, b.result) for b in p.biomarkers}
    assert {("ER", "positive"), ("PR", "negative"), ("HER2", "positive"), ("MSI", "MSI-H")} <= got


def test_negation_window_stays_in_the_sentence():
    text = "No fever. Pregnant at 12 weeks."
    assert not negated(text, text.index("Pregnant"))
    assert extract_profile("32-year-old woman, pregnant").profile.pregnant is True


def test_nothing_found_leaves_everything_unrecorded():
    p = extract_profile("Referral for evaluation.").profile
    assert p.model_dump(exclude_none=True) == {}


def test_numbers_in_text_are_not_ages():
    assert extract_profile("Received 5 cycles over 12 weeks").profile.age is None
    assert re.search("age", "stage 4") and extract_profile("stage 4 disease").profile.age is None


# ----- vocabulary facts (cancers, therapies, comorbidities) on real TREC CT 2021 notes -----


def test_ct_note_cancer_therapies_and_conditions(ct):
    x = extract_profile(ct["ct2021-1"])
    p = x.profile
    assert [(d.condition, d.histology) for d in p.diagnoses] == [
        ("anaplastic astrocytoma", "anaplastic")
    ]
    names = [t.name for t in p.therapies]
    # "CPT-11" is irinotecan, "Avastin" bevacizumab; the radiation is given once, not twice
    assert names == ["radiation", "temozolomide", "irinotecan", "bevacizumab"]
    assert [t.kind for t in p.therapies][:3] == ["radiotherapy", "chemotherapy", "chemotherapy"]
    # "severe lower extremity weakness and urinary retention s/p Foley catheter"
    assert p.conditions == ["urinary retention", "hypertension"]
    cpt = next(f for f in x.facts if f.field == "therapies" and f.value["name"] == "irinotecan")
    assert cpt.text == "CPT-11"


def test_ct_note_regimen_and_leukemia(ct):
    p = extract_profile(ct["ct2021-8"]).profile
    assert [d.condition for d in p.diagnoses] == ["CLL"]
    # "four cycles of FCR therapy", "four cycles of PCR", "R-CVP", "switched to Campath"
    assert [t.name for t in p.therapies] == ["FCR", "PCR", "R-CVP", "alemtuzumab"]
    assert p.therapies[1].drugs == ["pentostatin", "cyclophosphamide", "rituximab"]


def test_broader_mentions_fold_into_the_specific_diagnosis(ct):
    # "Burkitt's lymphoma" ... "lymphoma" later: one diagnosis, the specific one
    p = extract_profile(ct["ct2021-4"]).profile
    assert [d.condition for d in p.diagnoses] == ["Burkitt's lymphoma"]


def test_conditions_are_deduplicated_by_concept(ct):
    p = extract_profile(ct["ct2021-7"]).profile
    # "Cirrhosis" and "Esophageal varices" again are not 2nd ones; since session 10 varices and
    # hepatic encephalopathy are their own concepts, no longer cirrhosis
    assert p.conditions == [
        "cirrhosis",
        "esophageal varices",
        "hepatic encephalopathy",
        "HCV",
        "HTN",
    ]
    assert [t.name for t in p.therapies] == ["interferon"]


def test_non_oncology_note_has_no_diagnosis(ct):
    p = extract_profile(ct["ct2021-2"]).profile
    assert p.diagnoses is None and p.therapies is None
    # "48 M with a h/o HTN hyperlipidemia, bicuspid aortic valve"
    assert p.conditions == ["HTN", "hyperlipidemia", "aortic stenosis"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("No evidence of alcoholic liver disease, varices or autoimmune hepatitis.", "conditions"),
        ("Her mother had breast cancer.", "diagnoses"),
        ("HIV negative.", "conditions"),
        ("Denies diabetes.", "conditions"),
        ("Never received chemotherapy.", "therapies"),
    ],
)
def test_negated_and_family_mentions_are_not_the_patients(text, field):
    assert getattr(extract_profile(text).profile, field) is None


def test_stage_only_describes_a_cancer_in_its_sentence():
    p = extract_profile(
        "Marginal zone lymphoma of the orbit.\nFungal esophagitis stage IV?"
    ).profile
    assert p.diagnoses[0].stage is None
    p = extract_profile("68 yo man with stage IIIA lung adenocarcinoma.").profile
    assert (p.diagnoses[0].stage, p.diagnoses[0].histology) == ("IIIA", "adenocarcinoma")


def test_therapy_dates_are_real_calendar_dates_only():
    p = extract_profile("Started pembrolizumab in March 2024. FOLFOX on [**2148-10-1**].").profile
    assert [(t.name, t.start) for t in p.therapies] == [
        ("pembrolizumab", "2024-03"),
        ("FOLFOX", None),
    ]


def test_negative_pregnancy_test_is_not_pregnant():
    # regression (TREC CT 2021 ct2021-57): "Her pregnancy test is negative" read as pregnant
    p = extract_profile("41-year-old woman. Her pregnancy test is negative.").profile
    assert p.pregnant is False


def test_planned_treatment_is_not_a_prior_therapy():
    # regression (ct2021-61): "agrees to resection prior to chemotherapy" is not chemo given
    text = "She is a candidate for tumor resection and agrees to do so prior to chemotherapy."
    assert extract_profile(text).profile.therapies is None


def test_relatives_conditions_after_the_mention_are_not_the_patients():
    # regression (ct2021-48): "hyperlipidemia in her mother and MI in her father"
    p = extract_profile(
        "No positive history for any underlying disease such as DM. MI in his father."
    )
    assert p.profile.conditions is None
