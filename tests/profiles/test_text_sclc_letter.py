"""The ES-SCLC letter (tests/data/letters/sclc_referral.txt) read as a navigator checks it on
/note: a "chemotherapy-free interval" is no chemotherapy, "off dexamethasone since 04/2026"
ended then, "Atezolizumab stopped 10/2026" ends the maintenance, and the tarlatamab he would
like is no therapy received."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from profiles.text import extract_profile

LETTER = Path(__file__).parents[1] / "data" / "letters" / "sclc_referral.txt"


def _therapies(note: str) -> list[tuple]:
    therapies = extract_profile(note, as_of=date(2026, 11, 20)).profile.therapies or []
    return [(t.name, t.start, t.end) for t in therapies]


def test_the_sclc_letter_s_treatments():
    assert _therapies(LETTER.read_text()) == [
        ("carboplatin + etoposide + atezolizumab", "2026-02", "2026-05"),
        ("atezolizumab", "2026-06", "2026-10"),
        ("whole-brain radiotherapy", "2026-03", None),
        ("dexamethasone", None, "2026-04"),
    ]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Treatment-free interval 6 months; chemotherapy-naive.", []),
        ("Off prednisolone since 01/2026.", [("prednisone", None, "2026-01")]),
        ("On prednisolone since 01/2026.", [("prednisone", "2026-01", None)]),
        ("He would like trials of sotorasib.", []),
    ],
)
def test_without_off_and_wished_for(note, expected):
    assert _therapies(note) == expected
