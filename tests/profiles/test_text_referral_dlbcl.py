"""A haematology referral letter (written for the session-7 audit, in the style of a real
one): what the note reader must and must not take from it."""

from __future__ import annotations

from datetime import date

from profiles.text import extract_profile
from tests.conftest import REPO

_LETTER = (REPO / "tests" / "data" / "letters" / "dlbcl_referral.txt").read_text()


def _profile():
    return extract_profile(_LETTER, as_of=date(2026, 11, 20)).profile


def test_negative_serology_is_no_infection():
    """ "HIV and hepatitis C serology negative." recorded HIV, which ruled the patient out of
    about 96 trials' HIV exclusions."""
    conditions = _profile().conditions
    assert not any("HIV" in c or "hepatitis C" in c for c in conditions)


def test_a_resolved_hepatitis_b_is_written_resolved_and_its_prophylaxis_goes_on():
    p = _profile()
    assert "resolved hepatitis B (hepatitis B core antibody)" in p.conditions
    entecavir = next(t for t in p.therapies if t.name == "entecavir")
    assert entecavir.ongoing is True  # "remains on entecavir prophylaxis"


def test_regimens_given_and_not_the_ones_asked_for():
    names = [(t.name, t.start, t.end) for t in _profile().therapies if t.name != "entecavir"]
    # R-GemOx was not read at all; "CAR-T or bispecific antibody studies" (what the letter
    # asks for) was read as a CAR-T therapy received
    assert names == [("R-CHOP", "2024-03", "2024-07"), ("R-GemOx", "2025-02", "2025-06")]


def test_a_medication_list_is_current_use():
    p = extract_profile("Medications: apixaban 5 mg daily, metformin.").profile
    assert [(t.name, t.ongoing) for t in p.therapies] == [("apixaban", True)]
