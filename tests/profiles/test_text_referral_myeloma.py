"""A myeloma referral letter (written for the session-7 audit, in the style of a real one)."""

from __future__ import annotations

from datetime import date

from profiles.text import extract_profile
from tests.conftest import REPO

_LETTER = (REPO / "tests" / "data" / "letters" / "myeloma_referral.txt").read_text()


def _profile():
    return extract_profile(_LETTER, as_of=date(2026, 11, 20)).profile


def test_the_diagnosis_is_the_patients_not_the_services():
    """ "Department of Haematology - Myeloma Service" was the diagnosis ("Myeloma"), so the
    relapse said of "relapsed and refractory multiple myeloma" was lost."""
    (dx,) = _profile().diagnoses
    assert (dx.condition, dx.extent) == ("multiple myeloma", "recurrent")


def test_each_regimen_once_with_its_dates():
    therapies = [(t.name, t.start, t.end) for t in _profile().therapies]
    # VRd is not repeated by its spelled-out drugs; "refractory to daratumumab, pomalidomide
    # and lenalidomide" is no new regimen; "from 2023 until progression in 08/2026" ends
    assert therapies[:4] == [
        ("VRd", "2022-02", "2022-06"),
        ("melphalan", "2023", None),
        ("lenalidomide", "2023", "2026-08"),
        ("daratumumab + pomalidomide + dexamethasone", "2026-08", None),
    ]
    assert not any("lenalidomide" in n and "daratumumab" in n for n, *_ in therapies)
