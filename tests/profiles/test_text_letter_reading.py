"""A referral letter read end to end: the diagnosis named with its marker, a regimen's dates,
scans that are not biomarkers (a metastatic HER2-positive breast cancer letter, written the
way oncology letters are; the TREC notes have no such sentence)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from profiles.text import extract_profile
from tests.conftest import REPO

LETTER = (
    "58 yo woman with metastatic HER2-positive breast cancer to liver and bone, diagnosed 2022. "
    "Prior trastuzumab and pertuzumab with docetaxel 2022-2023, then T-DM1 from 06/2023 to "
    "01/2025 with progression. Brain MRI negative. ECOG 1. ER positive, PR negative."
)
NOT_GENES = json.loads((REPO / "profiles" / "data" / "text_patterns.json").read_text())["not_genes"]


def test_the_cancer_named_with_its_marker_is_the_diagnosis_and_the_marker_a_biomarker() -> None:
    p = extract_profile(LETTER, as_of=date(2026, 11, 20)).profile
    assert [(d.condition, d.extent, d.metastatic_sites) for d in p.diagnoses] == [
        ("HER2-positive breast cancer", "metastatic", ["liver", "bone"])
    ]
    assert {(b.name, b.result) for b in p.biomarkers} == {
        ("HER2", "positive"),
        ("ER", "positive"),
        ("PR", "negative"),
    }


def test_a_regimen_keeps_the_end_of_its_dates() -> None:
    p = extract_profile(LETTER, as_of=date(2026, 11, 20)).profile
    got = [(t.name, t.start, t.end) for t in p.therapies]
    assert got == [
        ("trastuzumab + pertuzumab + docetaxel", "2022", "2023"),
        ("trastuzumab_emtansine", "2023-06", "2025-01"),
    ]


@pytest.mark.parametrize("text", NOT_GENES["match"])
def test_scans_and_infections_are_not_biomarkers(text: str) -> None:
    word = text.split()[1] if text.startswith("Brain") else text.split()[0]
    markers = extract_profile(text).profile.biomarkers or []
    assert word not in {b.name for b in markers}


@pytest.mark.parametrize("text", NOT_GENES["no_match"])
def test_genes_stay_biomarkers(text: str) -> None:
    markers = extract_profile(text).profile.biomarkers or []
    assert text.split()[0] in {b.name for b in markers}


def test_every_site_of_a_list_after_metastatic_to_is_read() -> None:
    # ct2021-11: "--Metastatic to lymph nodes and adrenal glands" (adrenal was dropped)
    note = "A 75 yo M w/ metastatic papillary thyroid cancer.\n--Metastatic to lymph nodes and adrenal glands"
    sites = extract_profile(note).profile.diagnoses[0].metastatic_sites
    assert sites == ["lymph nodes", "adrenal"]


def test_a_negative_brain_scan_records_no_brain_metastases() -> None:
    from matcher import evaluate_trial
    from rules.trial import Trial

    note = "62 yo man with metastatic NSCLC, EGFR exon 19 deletion. Brain MRI negative. ECOG 1."
    p = extract_profile(note).profile
    assert p.diagnoses[0].metastatic_sites == []  # known: none in the brain
    # NCT02369484's exclusion of uncontrolled leptomeningeal disease and brain metastases
    trial = Trial(
        nct_id="NCT02369484",
        eligibility_criteria="Exclusion Criteria:\n- Patients with brain or subdural metastases "
        "are not eligible, unless they have completed local therapy",
    )
    o = evaluate_trial(p, trial, as_of=date(2026, 11, 20)).outcomes[-1]
    assert o.criterion.kind == "cns_metastases" and o.status == "met", o.explanation
    # a brain metastasis named elsewhere wins over a negative scan of something else
    both = extract_profile("Metastatic NSCLC with brain metastases; head CT negative.").profile
    assert both.diagnoses[0].metastatic_sites == ["brain"]


def test_the_letter_is_ruled_out_of_lung_cancer_trials_by_their_diagnosis() -> None:
    # NCT01742767 and NCT02369484 (bundled NSCLC records) require non-small cell lung cancer;
    # the letter's patient has breast cancer (before, its diagnosis was not read at all, and
    # NCT01742767's items were capped under "meet all of the following criteria:")
    from matcher import evaluate_trial
    from rules.corpus import bundled_trials

    p = extract_profile(LETTER, as_of=date(2026, 11, 20)).profile
    trials = {t.nct_id: t for t in bundled_trials()}
    for nct in ("NCT01742767", "NCT02369484"):
        m = evaluate_trial(p, trials[nct], as_of=date(2026, 11, 20))
        assert m.verdict == "ineligible", nct
        ruling = [o for o in m.outcomes if o.status == "not_met"]
        assert any(o.criterion.kind == "condition" for o in ruling), nct


@pytest.mark.parametrize(
    ("note", "sites"),
    [
        ("Stage IV lung adenocarcinoma with bone and brain metastases.", {"bone", "brain"}),
        ("Metastatic colorectal adenocarcinoma, liver-only metastases.", {"liver"}),
        (
            "Metastatic breast cancer with liver, lung and bone metastases.",
            {"liver", "lung", "bone"},
        ),
    ],
)
def test_sites_listed_before_metastases_are_all_read(note: str, sites: set[str]) -> None:
    assert set(extract_profile(note).profile.diagnoses[0].metastatic_sites) == sites


def test_a_date_after_until_ends_the_treatment() -> None:
    note = (
        "She had FOLFOX plus bevacizumab first line, then FOLFIRI until progression in June 2026."
    )
    folfiri = extract_profile(note).profile.therapies[-1]
    assert (folfiri.name, folfiri.start, folfiri.end) == ("FOLFIRI", None, "2026-06")


def test_a_treatment_the_patient_is_unfit_for_or_declined_was_not_received() -> None:
    note = (
        "71 yo male with newly diagnosed AML, considered unfit for intensive chemotherapy. "
        "He declined radiotherapy. Hydroxyurea started 3 days ago."
    )
    therapies = extract_profile(note, as_of=date(2026, 11, 20)).profile.therapies
    assert [(t.name, t.start) for t in therapies] == [("hydroxyurea", "2026-11-17")]


def test_a_treatment_only_discussed_or_offered_was_not_received() -> None:
    note = (
        "78-year-old man with mCRPC. Progressed on abiraterone plus prednisone (2023-2025). "
        "No prior chemotherapy; docetaxel was discussed but he preferred to wait. "
        "Radiotherapy (SBRT) was offered."
    )
    names = [t.name for t in extract_profile(note).profile.therapies]
    assert names == ["abiraterone + prednisone"]


def test_receptor_percentages_her2_scores_and_planned_radiation() -> None:
    note = (
        "46-year-old premenopausal woman with stage II invasive ductal carcinoma of the left "
        "breast, ER 90%, PR 0%, HER2 1+ by IHC (HER2-low). Adjuvant dose-dense AC-T completed "
        "09/2026. Now on tamoxifen since 10/2026. Radiation to the left breast planned."
    )
    p = extract_profile(note).profile
    got = {(b.name, b.result, b.scoring, b.value) for b in p.biomarkers}
    assert got == {
        ("ER", "positive", None, None),
        ("PR", "negative", None, None),
        ("HER2", "negative", "IHC", 1.0),
    }
    assert [t.name for t in p.therapies] == ["dose-dense AC-T", "tamoxifen"]
    # an IHC 2+ is neither positive nor negative until ISH: the matcher asks for it
    from matcher import evaluate_trial
    from rules.trial import Trial

    two = extract_profile("Breast cancer, HER2 2+ by IHC, ISH pending.").profile
    trial = Trial(
        nct_id="NCT00000001", eligibility_criteria="Inclusion Criteria:\n- HER2-positive disease"
    )
    assert evaluate_trial(two, trial, as_of=date(2026, 11, 20)).outcomes[-1].status == "unknown"
    low = Trial(
        nct_id="NCT00000002", eligibility_criteria="Inclusion Criteria:\n- HER2-low breast cancer"
    )
    o = evaluate_trial(p, low, as_of=date(2026, 11, 20)).outcomes[-1]
    assert o.status == "met" and "which is HER2-low" in o.explanation, o.explanation


def test_an_operation_given_with_its_date_was_done() -> None:
    # letters list operations with their dates, without "underwent" or "s/p"
    p = extract_profile(
        "Lumpectomy and sentinel node biopsy in 03/2026, then adjuvant AC-T. "
        "Radical prostatectomy 2019. Mastectomy is planned for 2027."
    ).profile
    surgeries = [(t.name, t.start) for t in p.therapies if t.kind == "surgery"]
    assert surgeries == [("Lumpectomy", "2026-03"), ("Radical prostatectomy", "2019")]
