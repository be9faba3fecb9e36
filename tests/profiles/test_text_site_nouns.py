"""Metastatic sites said as adjectives or plurals are the organs (the GEJ letter listed
"peritoneum" and "peritoneal" as two sites)."""

from __future__ import annotations

from pathlib import Path

import pytest

from profiles.text import extract_profile

LETTERS = Path(__file__).parents[1] / "data" / "letters"


def _sites(note: str) -> list[str]:
    return [
        s for d in extract_profile(note).profile.diagnoses or [] for s in d.metastatic_sites or []
    ]


@pytest.mark.parametrize(
    ("note", "sites"),
    [
        ("Colon adenocarcinoma with hepatic metastases and osseous lesions.", ["liver", "bone"]),
        ("Breast cancer metastatic to liver, lungs and bones.", ["liver", "lung", "bone"]),
        ("Gastric cancer, peritoneal metastases; metastatic to the peritoneum.", ["peritoneum"]),
    ],
)
def test_sites_are_organs(note, sites):
    assert _sites(note) == sites


def test_the_gej_letter_has_one_peritoneal_site():
    assert _sites((LETTERS / "gej_her2_referral.txt").read_text()) == ["peritoneum"]
