"""The state of the disease read from a note (profiles/text_disease.py): measurable disease,
the myeloma labs and markers, and progression; on the two referral letters and on short
sentences (positive, negated, another illness, a resected tumour's size)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from profiles.text import extract_facts, extract_profile
from tests.conftest import REPO

_LETTERS = REPO / "tests" / "data" / "letters"
_MYELOMA = (_LETTERS / "myeloma_referral.txt").read_text()
_CRC = (_LETTERS / "crc_referral.txt").read_text()
_DAY = date(2026, 11, 20)


def _profile(text: str):
    return extract_profile(text, as_of=_DAY).profile


def _facts(text: str, field: str):
    return [f for f in extract_facts(text, as_of=_DAY) if f.field == field]


def test_the_myeloma_letter_has_measurable_disease_and_its_labs():
    p = _profile(_MYELOMA)
    assert p.measurable_disease is True
    labs = {lab.name: (lab.value, lab.unit) for lab in p.labs}
    assert labs["m_protein"] == (2.8, "g/dL")
    assert labs["involved_flc"] == (640.0, "mg/L")


def test_the_myeloma_letter_markers_and_status():
    p = _profile(_MYELOMA)
    markers = {(b.name, b.result, b.detail) for b in p.biomarkers}
    assert ("M-protein isotype", "positive", "IgG kappa") in markers
    assert ("t(4;14)", "positive", None) in markers
    assert ("del(17p)", "negative", None) in markers  # "no del(17p)"
    status = p.diagnoses[0].status
    assert "refractory" in status and "biochemical progression" in status


def test_every_disease_fact_cites_its_words():
    for text in (_MYELOMA, _CRC):
        fields = ("measurable_disease", "diagnoses.status", "biomarkers", "labs")
        for f in extract_facts(text, as_of=_DAY):
            if f.field in fields:
                assert text[f.start : f.end] == f.text


def test_the_colorectal_letter():
    p = _profile(_CRC)
    assert p.measurable_disease is True
    assert p.diagnoses[0].status == "progressing"  # "she is progressing on FOLFIRI-bevacizumab"
    assert ("KRAS", "G12D") in {(b.name, b.detail) for b in p.biomarkers}
    # "after liver progression" in the history is not read as the current state
    assert [f.text for f in _facts(_CRC, "diagnoses.status")] == ["progressing"]
    assert [f.text for f in _facts(_CRC, "measurable_disease")] == ["measurable disease"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("CT shows measurable disease in the liver.", True),
        ("RECIST-measurable lesions in both lungs.", True),
        ("Two target lesions were chosen on the baseline CT.", True),
        ("Disease is measurable by RECIST 1.1 on CT.", True),
        ("There is no measurable disease.", False),
        ("Non-measurable disease only (bone metastases).", False),
        ("She has been NED since her resection in 2023.", False),
        ("She is currently in complete metabolic response on PET.", False),
        ("No evidence of disease on the last CT.", False),
        ("A resected 1.8 cm tumour, pT1c N0, in 2024.", None),  # a size alone is not read
        ("Largest liver lesion 3.2 cm.", None),
        ("NED after surgery in 2019; relapsed in the liver in 2025.", None),  # history
        ("No evidence of disease progression on CT.", None),  # stable, not NED
        ("Had a complete response to FOLFOX.", None),  # a past response
        ("CT next week to confirm whether she has measurable disease.", None),  # a question
        ("Most of these trials require measurable disease.", None),  # a requirement
        ("Measurable disease and non-target lesions in bone.", True),
    ],
)
def test_measurable_disease_sentences(text, said):
    assert _profile(text).measurable_disease is said


@pytest.mark.parametrize(
    ("text", "labs", "measurable"),
    [
        # IMWG: serum M-protein >= 0.5 g/dL; g/L is put in g/dL, where trial limits are too
        ("IgA lambda myeloma; paraprotein 12 g/L.", {"m_protein": (1.2, "g/dL")}, True),
        ("Relapsed myeloma, serum M-protein 0.3 g/dL.", {"m_protein": (0.3, "g/dL")}, None),
        (
            "Light chain myeloma, urine M-protein 450 mg/24 h.",
            {"urine_m_protein": (450.0, "mg/24h")},
            True,
        ),
        ("Myeloma; urinary paraprotein 0.6 g/24h.", {"urine_m_protein": (600.0, "mg/24h")}, True),
        # an involved FLC sets it only with "measurable" in its sentence (IMWG also asks
        # for an abnormal ratio)
        ("Myeloma. Involved FLC 25 mg/dL.", {"involved_flc": (250.0, "mg/L")}, None),
        (
            "Myeloma, measurable by involved FLC 25 mg/dL.",
            {"involved_flc": (250.0, "mg/L")},
            True,
        ),
        # not a myeloma note: the value is kept, the IMWG rule not applied
        ("MGUS followed since 2019, M-protein 1.1 g/dL.", {"m_protein": (1.1, "g/dL")}, None),
        # a value at diagnosis is not today's (session 10): kept as a labs.past fact only
        ("Myeloma; serum M-protein 3.1 g/dL at diagnosis.", {"m_protein": None}, None),
    ],
)
def test_myeloma_values(text, labs, measurable):
    p = _profile(text)
    got = {lab.name: (lab.value, lab.unit) for lab in p.labs or []}
    assert {k: got.get(k) for k in labs} == labs
    assert p.measurable_disease is measurable


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("FISH: t(11;14) detected.", {("t(11;14)", "positive")}),
        ("FISH showed del(17p) not detected.", {("del(17p)", "negative")}),
        ("FISH: no del(17p) or t(14;16).", {("del(17p)", "negative"), ("t(14;16)", "negative")}),
        (
            "Cytogenetics: gain of 1q21 and t(4;14).",
            {("gain of 1q21", "positive"), ("t(4;14)", "positive")},
        ),
        ("Kappa light chain myeloma.", {("M-protein isotype", "positive")}),
        # a lymphoma's kappa-restricted cells are no paraprotein isotype
        ("Pericardial fluid was kappa light chain restricted B cells.", set()),
    ],
)
def test_myeloma_markers(text, markers):
    found = {(b.name, b.result) for b in _profile(text).biomarkers or []}
    assert found == markers


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Metastatic colon cancer, progressing on FOLFIRI.", "progressing"),
        ("Stage IV NSCLC with progressive disease on CT.", "progressing"),
        ("Myeloma with biochemical progression after 2 cycles.", "biochemical progression"),
        ("Multiple myeloma, relapsed/refractory after 4 lines.", "relapsed/refractory"),
        ("Myeloma, now refractory to daratumumab.", "refractory"),
        ("Metastatic colon cancer, no progressive disease on CT.", None),  # negated
        ("Colon cancer on FOLFOX. Progressing dementia.", None),  # another illness
        ("Colon cancer; progressive supranuclear palsy.", None),
        ("Colon cancer. FOLFOX, best response progressive disease.", None),  # a past line's
    ],
)
def test_progression_is_the_diagnosis_status(text, status):
    dx = _profile(text).diagnoses
    assert (dx[0].status if dx else None) == status


def test_the_letter_meets_a_real_myeloma_trials_lab_criteria():
    """NCT00461045 (a relapsed/refractory myeloma trial of the shared corpus): its serum
    M-protein and involved FLC limits and its measurable disease were unknown or for a
    clinician; the letter's values now answer them."""
    from matcher import evaluate_trial
    from rules.trial import Trial

    record = json.loads((_LETTERS / "trials" / "NCT00461045.json").read_text())
    trial = Trial.from_record(record)
    m = evaluate_trial(_profile(_MYELOMA), trial, as_of=_DAY)
    got = {(o.criterion.text, o.status) for o in m.outcomes}
    assert ("Serum M-protein ≥0.5 g/dL", "met") in got
    assert ("Urine M-protein ≥200 mg/24 hours", "unknown") in got  # the letter gives none
    flc = [s for t, s in got if t.startswith("Involved serum free light chain (FLC) level")]
    assert flc and set(flc) == {"met"}  # 640 mg/L against >= 10 mg/dL (100 mg/L)
    measurable = [o.status for o in m.outcomes if o.criterion.kind == "measurable_disease"]
    assert measurable and set(measurable) == {"met"}
