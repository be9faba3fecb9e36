"""Note-reader readings of session 9: lab values given as bounds ("Testosterone < 50 ng/dL"),
bone-modifying agents, vertebral levels as bone metastases, and the pancreatic, HER2 GEJ and
AML letters (tests/data/letters/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from profiles.text import extract_profile

LETTERS = Path(__file__).parents[1] / "data" / "letters"


def _letter(name: str) -> str:
    return (LETTERS / name).read_text()


def _labs(text: str) -> dict[str, tuple[float, str | None, str | None]]:
    labs = extract_profile(text).profile.labs or []  # current values first
    return {lab.name: (lab.value, lab.unit, lab.comparator) for lab in reversed(labs)}


def test_the_mcrpc_letter_s_testosterone_is_read_as_below_50():
    got = _labs(_letter("mcrpc_referral.txt"))
    assert got["testosterone"] == (50.0, "ng/dL", "<")
    assert got["psa"] == (48.0, "ng/mL", None)  # exact values keep no comparator


@pytest.mark.parametrize(
    ("note", "name", "expected"),
    [
        ("Testosterone <50 ng/dL on leuprolide.", "testosterone", (50.0, "ng/dL", "<")),
        ("serum testosterone below 1.7 nmol/L", "testosterone", (1.7, "nmol/L", "<")),
        ("Creatinine: 0.9 mg/dL with eGFR >60 mL/min", "egfr_renal", (60.0, "mL/min", ">")),
        ("creatinine less than 1.0 mg/dL", "creatinine", (1.0, "mg/dL", "<")),
        ("PSA ≤ 0.1 ng/mL after prostatectomy", "psa", (0.1, "ng/mL", "<=")),
    ],
)
def test_a_lab_value_given_as_a_bound_keeps_its_comparator(note, name, expected):
    assert _labs(note)[name] == expected


def test_a_range_is_still_no_value():
    assert "testosterone" not in _labs("Testosterone 20-50 ng/dL.")


def _sites(note: str) -> list[str] | None:
    dx = extract_profile("Metastatic prostate adenocarcinoma. " + note).profile.diagnoses
    return dx[0].metastatic_sites if dx else None


@pytest.mark.parametrize(
    "note",
    [
        "Metastases to bone (T8, right ilium).",
        "L2 vertebral metastasis on MRI.",
        "MRI spine: lesions at T11-L1.",
        "Metastasis to the T8 vertebra.",
        "metastatic lesion in L3",
        "spinal metastases, no cord compression",
    ],
)
def test_a_vertebral_level_or_bone_part_is_a_bone_metastasis(note):
    assert _sites(note) == ["bone"]


@pytest.mark.parametrize(
    "note",
    [
        "Compression fracture of T12 after a fall.",
        "No vertebral metastases.",
        "MRI: T2 lesions in the white matter.",
        "disc lesion at L4-L5",
        "T2 N1 M0 disease",
    ],
)
def test_a_vertebral_level_without_a_metastasis_is_no_site(note):
    assert _sites(note) is None
