"""CTCAE grades of side effects read from notes: the grade is the condition's state
("peripheral neuropathy (grade 2)"), read only when attached to a condition."""

from __future__ import annotations

from datetime import date

import pytest

from profiles.text import extract_profile
from tests.conftest import REPO

_LETTERS = REPO / "tests" / "data" / "letters"
AS_OF = date(2026, 11, 20)


def _conditions(text: str) -> list[str]:
    return extract_profile(text, as_of=AS_OF).profile.conditions or []


def test_myeloma_letter_neuropathy_keeps_its_grade():
    text = (_LETTERS / "myeloma_referral.txt").read_text()
    x = extract_profile(text, as_of=AS_OF)
    assert "peripheral neuropathy (grade 2)" in (x.profile.conditions or [])
    (fact,) = [f for f in x.facts if f.value == "peripheral neuropathy (grade 2)"]
    assert fact.text == "grade 2 peripheral neuropathy" == text[fact.start : fact.end]


def test_melanoma_letter_colitis_grade_and_resolution():
    text = (_LETTERS / "melanoma_referral.txt").read_text()
    assert _conditions(text) == ["immune-related colitis (grade 3, resolved)"]


@pytest.mark.parametrize(
    ("note", "condition"),
    [
        (
            "Comorbidities: peripheral neuropathy, grade 1, stable.",
            "peripheral neuropathy (grade 1)",
        ),
        ("Pneumonitis (grade 2) after durvalumab.", "Pneumonitis (grade 2)"),
        (
            "CTCAE grade 3 immune-mediated hepatitis in 2024.",
            "immune-mediated hepatitis (grade 3)",
        ),
        (
            "Grade 2 sensory peripheral neuropathy from oxaliplatin.",
            "peripheral neuropathy (grade 2)",
        ),
        # no grade attached: the condition alone
        (
            "Grade 3 invasive ductal carcinoma; peripheral neuropathy from paclitaxel.",
            "peripheral neuropathy",
        ),
        (
            "Fuhrman grade 2 renal cell carcinoma with peripheral neuropathy.",
            "peripheral neuropathy",
        ),
    ],
)
def test_grade_attached_to_the_condition(note, condition):
    assert _conditions(note) == [condition]


def test_melanoma_letter_maintenance_not_restarted_is_no_therapy():
    """ "Nivolumab maintenance was not restarted" was read as a second nivolumab regimen."""
    text = (_LETTERS / "melanoma_referral.txt").read_text()
    therapies = extract_profile(text, as_of=AS_OF).profile.therapies or []
    assert [(t.name, t.drugs) for t in therapies] == [
        ("Nivolumab and ipilimumab", ["nivolumab", "ipilimumab"])
    ]
