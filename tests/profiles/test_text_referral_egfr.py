"""The EGFR-mutant lung cancer referral letter (tests/data/letters/egfr_nsclc_referral.txt),
audited in session 8: each misreading the lead found, on the letter's own words and on short
variants (negated, another gene, other field names)."""

from __future__ import annotations

from datetime import date

import pytest

from profiles.text import extract_facts, extract_profile
from tests.conftest import REPO

_LETTER = (REPO / "tests" / "data" / "letters" / "egfr_nsclc_referral.txt").read_text()
_DAY = date(2026, 11, 20)


def _read(text: str):
    return extract_profile(text, as_of=_DAY).profile


def _markers(text: str) -> set[tuple[str, str, str | None]]:
    return {(b.name, b.result, b.detail) for b in _read(text).biomarkers or []}


def test_the_letter_reads_as_an_oncologist_wrote_it():
    p = _read(_LETTER)
    (dx,) = p.diagnoses
    assert (dx.condition, dx.histology, dx.stage, dx.extent) == (
        "lung adenocarcinoma",
        "adenocarcinoma",
        "IVB",
        "metastatic",
    )
    assert dx.metastatic_sites == ["bone", "lung", "brain (treated, stable)", "liver"]
    assert _markers(_LETTER) == {
        ("EGFR", "positive", "exon 19 deletion"),
        ("ALK", "negative", None),
        ("ROS1", "negative", None),
        ("MET", "positive", "amplification"),
        ("PD-L1", "positive", None),
    }
    assert {(lab.name, lab.value, lab.unit) for lab in p.labs} >= {("qtc", 428.0, "ms")}


def test_the_t790m_not_found_is_shown_but_not_a_result():
    facts = [f for f in extract_facts(_LETTER, as_of=_DAY) if "T790M" in f.text]
    assert [(f.field, f.value["result"], f.value["detail"]) for f in facts] == [
        ("biomarkers.not_detected", "negative", "T790M")
    ]
    assert _LETTER[facts[0].start : facts[0].end] == facts[0].text


@pytest.mark.parametrize(
    ("line", "condition", "stage"),
    [
        ("Diagnosis: stage IVB lung adenocarcinoma (diagnosed 03/2024), EGFR L858R.", "lung adenocarcinoma", "IVB"),
        ("Diagnosis: metastatic colon adenocarcinoma, KRAS G12C, liver metastases", "colon adenocarcinoma", None),
        ("Disease: Stage IIIB NSCLC; ALK negative", "NSCLC", "IIIB"),
        ("Histology: adenocarcinoma of the lung. Staging: cT4N3M1c, stage IVB.", "adenocarcinoma of the lung", "IVB"),
        ("Primary: right upper lobe lung cancer, metastatic to the liver.", "lung cancer", None),
        ("Diagnosis: Colon cancer", "Colon cancer", None),
        ("Diagnosis: chordoma of the clivus (diagnosed 2023), resected", "chordoma of the clivus", None),
    ],
)  # fmt: skip
def test_a_diagnosis_line_is_the_cancer_words_not_the_paragraph(line, condition, stage):
    (dx,) = _read(line).diagnoses
    assert (dx.condition, dx.stage) == (condition, stage)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EGFR exon 19 deletion, PD-L1 TPS 5%.", {("EGFR", "positive", "exon 19 deletion")}),
        ("EGFR T790M not detected.", set()),
        ("no EGFR T790M; KRAS G12C", {("KRAS", "positive", "G12C")}),
        ("Negative for EGFR T790M.", set()),
        ("EGFR mutation not detected.", {("EGFR", "negative", None)}),
        ("MET amplification was not detected, EGFR L858R", {("EGFR", "positive", "L858R")}),
        ("EGFR T790M detected at progression", {("EGFR", "positive", "T790M")}),
        # the melanoma letter: "BRAF V600 wild-type" was read as BRAF positive (V600)
        ("metastatic melanoma, BRAF V600 wild-type, for trial eligibility", set()),
    ],
)
def test_a_variant_not_found_is_never_positive(text, expected):
    assert {m for m in _markers(text) if m[0] != "PD-L1"} == expected


@pytest.mark.parametrize(
    ("text", "negatives"),
    [
        ("ALK and ROS1 negative.", {"ALK", "ROS1"}),
        ("Molecular: KRAS, NRAS and BRAF wild-type.", {"KRAS", "NRAS", "BRAF"}),
        ("ALK/ROS1 negative by IHC.", {"ALK", "ROS1"}),
        ("Negative for ALK and ROS1 rearrangements.", {"ALK", "ROS1"}),
        ("ALK, ROS1, RET and NTRK were negative", {"ALK", "ROS1", "RET", "NTRK"}),
        ("HIV and HCV negative.", set()),  # infections, no genes
        ("ALK and ROS1 positive.", set()),  # a list is read only when stated negative
        ("MET amplification and ROS1 negative.", {"ROS1"}),
    ],
)
def test_genes_listed_negative_are_each_negative(text, negatives):
    assert {n for n, r, _ in _markers(text) if r == "negative"} == negatives


@pytest.mark.parametrize(
    ("text", "sites"),
    [
        ("Metastases to bone (T8, right ilium), contralateral lung and brain.", ["bone", "lung", "brain"]),
        ("metastatic to the liver (segment 7), and both lungs", ["liver", "lung"]),
        ("Metastases to contralateral lung.", ["lung"]),
        ("No metastases to bone (T8) or lung.", None),
    ],
)  # fmt: skip
def test_sites_past_a_parenthesis_and_a_side(text, sites):
    p = _read("Lung adenocarcinoma. " + text)
    assert p.diagnoses[0].metastatic_sites == sites


@pytest.mark.parametrize(
    ("text", "qtc"),
    [
        ("no interstitial lung disease, no cardiac history, QTc 428 ms.", 428.0),
        ("QTcF 455 ms on the last ECG", 455.0),
        ("No QTc 500 ms", None),
    ],
)
def test_qtc_after_a_denial_in_another_clause(text, qtc):
    labs = {lab.name: lab.value for lab in _read(text).labs or []}
    assert labs.get("qtc") == qtc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EGFR: exon 19 deletion", ("EGFR", "positive", "exon 19 deletion")),
        ("EGFR mutation (exon 19 deletion)", ("EGFR", "positive", "exon 19 deletion")),
        ("EGFR ex19del detected", ("EGFR", "positive", "exon 19 deletion")),
        ("EGFR del19", ("EGFR", "positive", "exon 19 deletion")),
        ("EGFR ex20ins", ("EGFR", "positive", "exon 20 insertion")),
        ("HER2 exon 20 insertion", ("HER2", "positive", "exon 20 insertion")),
        ("ALK rearrangement negative", ("ALK", "negative", None)),
        ("ROS1 fusion negative by FISH", ("ROS1", "negative", None)),
    ],
)
def test_how_oncologists_write_a_gene_result(text, expected):
    assert _markers("Lung adenocarcinoma. " + text) == {expected}


@pytest.mark.parametrize(
    ("text", "negatives"),
    [
        ("Molecular: EGFR exon 19 deletion; ALK, ROS1 negative.", {"ALK", "ROS1"}),
        ("KRAS G12C, ROS1 negative", {"ROS1"}),  # G12C is KRAS's variant, no gene
        ("MET amplification not detected", set()),  # MET may still have exon 14 skipping
    ],
)
def test_a_comma_list_stated_negative(text, negatives):
    assert {n for n, r, _ in _markers(text) if r == "negative"} == negatives
