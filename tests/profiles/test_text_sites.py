"""Metastatic sites read from a note: chest imaging that shows metastatic lesions."""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from profiles.text import extract_profile
from rules.trial import Trial

AS_OF = date(2026, 11, 20)

# TREC CT 2021 topic ct2021-61 (real note, abridged)
_NOTE = (
    "The patient is a 45-year-old postmenopausal woman with cytologically confirmed breast "
    "cancer. A core biopsy revealed a 3 cm invasive ductal breast carcinoma in the left upper "
    "outer quadrant. The tumor is HER2-positive and ER/PR negative. Axillary sampling revealed "
    "5 positive lymph nodes. CXR was remarkable for metastatic lesions. The patient is using "
    "multivitamins and iron supplements."
)


def test_cxr_remarkable_for_metastatic_lesions_is_a_metastatic_site():
    dx = extract_profile(_NOTE).profile.diagnoses[0]
    assert dx.condition == "breast cancer"
    assert dx.metastatic_sites == ["chest"] and dx.extent == "metastatic"


@pytest.mark.parametrize(
    "sentence",
    [
        "CXR was unremarkable.",  # TREC CT 2021 ct2021-25
        "CXR was negative for metastatic lesions.",
        "CXR showed no metastatic lesions.",
        "A chest CT was ordered to look for metastases.",
    ],
)
def test_chest_imaging_without_metastases_gives_no_site(sentence):
    note = "A 42 year-old woman with infiltrating ductal breast carcinoma. " + sentence
    dx = extract_profile(note).profile.diagnoses[0]
    assert not dx.metastatic_sites and dx.extent != "metastatic"


_NEOADJUVANT = (  # NCT02131064 (real record, abridged)
    "Inclusion Criteria:\n\n"
    "* Histologically confirmed invasive breast cancer with a primary tumor size of greater "
    "than (>) 2 cm\n\n"
    "* HER2-positive breast cancer\n\n"
    "Exclusion Criteria:\n\n"
    "* Stage IV (metastatic) breast cancer\n"
)

_STAGES = (  # NCT00006110 (real record, flat bullets, abridged)
    "Inclusion Criteria\n\n"
    "* Histologically confirmed stage IIB, IIIA, IIIB, IIIC, or previously untreated stage IV "
    "primary carcinoma of the breast\n\n"
    "* Any of the following:\n\n"
    "* Tumor size 2, Nodes 1 (T2N1) or tumor size 3 nodes 0 (T3N0)\n\n"
    "* Any T4, including inflammatory breast cancer\n\n"
    "* Supraclavicular or infraclavicular positive lymph nodes without distant metastases\n\n"
    "* Distant metastases with measurable disease in breast or lymph nodes\n\n"
    "* Measurable or evaluable disease\n"
)


def test_metastatic_patient_is_ruled_out_of_a_trial_excluding_stage_iv_only():
    profile = extract_profile(_NOTE).profile
    out = evaluate_trial(
        profile, Trial(nct_id="NCT02131064", eligibility_criteria=_NEOADJUVANT), as_of=AS_OF
    )
    assert out.verdict == "ineligible"
    # the same patient takes the 'distant metastases' choice of an 'Any of the following:'
    # list: its 'without distant metastases' choice does not rule her out
    out = evaluate_trial(
        profile, Trial(nct_id="NCT00006110", eligibility_criteria=_STAGES), as_of=AS_OF
    )
    assert out.verdict != "ineligible"


@pytest.mark.parametrize(
    ("note", "sites"),
    [
        (
            "Stage IV lung adenocarcinoma with bone and brain metastases. The brain metastases "
            "were treated with stereotactic radiosurgery in 03/2025 and have been stable on MRI "
            "since.",
            ["bone", "brain (treated, stable)"],
        ),
        (
            "Metastatic melanoma with asymptomatic brain metastases s/p SRS.",
            ["brain (asymptomatic, treated)"],
        ),
        (
            "Metastatic breast cancer: bone metastases stable, new brain metastases on MRI.",
            ["bone", "brain (new)"],
        ),
        (  # treated once, now growing: active
            "Metastatic NSCLC with previously treated brain metastases, now progressing.",
            ["brain (progressing)"],
        ),
        ("Metastatic NSCLC with brain metastases.", ["brain"]),
        (
            "Metastatic NSCLC with brain metastases. The liver lesions are stable.",
            ["brain", "liver"],
        ),
    ],
)
def test_the_state_of_brain_metastases_is_read_from_their_sentence(note, sites):
    assert extract_profile(note).profile.diagnoses[0].metastatic_sites == sites


def test_each_state_word_keeps_its_span():
    note = "NSCLC with brain metastases treated with WBRT, now stable."
    facts = [f for f in extract_profile(note).facts if f.field == "metastatic_sites.state"]
    assert [(f.value, note[f.start : f.end]) for f in facts] == [
        ("treated", "treated"),
        ("treated", "WBRT"),
        ("stable", "stable"),
    ]


def test_the_treatment_that_settles_the_state_is_still_a_therapy():
    note = (
        "Stage IV lung adenocarcinoma with brain metastases, treated with stereotactic "
        "radiosurgery in 03/2025 and stable since."
    )
    p = extract_profile(note).profile
    assert p.diagnoses[0].metastatic_sites == ["brain (treated, stable)"]
    assert [(t.name, t.kind, t.start) for t in p.therapies] == [
        ("stereotactic radiosurgery", "radiotherapy", "2025-03")
    ]
