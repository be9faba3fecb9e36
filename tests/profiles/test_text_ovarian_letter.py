"""The recurrent BRCA1 ovarian letter (tests/data/letters/ovarian_brca_referral.txt) read as
a navigator checks it: the germline "pathogenic variant", the first-line carboplatin/paclitaxel
after "(no macroscopic residual disease)", and the peritoneal deposits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from profiles.text import extract_profile

LETTER = Path(__file__).parents[1] / "data" / "letters" / "ovarian_brca_referral.txt"


def _profile(note: str):
    return extract_profile(note, as_of=date(2026, 11, 20)).profile


def test_the_ovarian_letter():
    p = _profile(LETTER.read_text())
    assert [(b.name, b.result, b.detail) for b in p.biomarkers or []] == [
        ("BRCA1", "positive", "mutation")
    ]
    assert [(t.name, t.start, t.end) for t in p.therapies or []] == [
        ("primary debulking surgery", "2022-03", None),  # read since session 10
        ("carboplatin/paclitaxel", "2022-04", "2022-08"),
        ("olaparib", "2022-09", "2025-05"),
        # "recurrence 06/2025 (...), treated with carboplatin/PLD ..., ended 12/2025" (session 10)
        ("carboplatin + liposomal_doxorubicin", "2025-06", "2025-12"),
    ]
    assert p.diagnoses[0].metastatic_sites == ["peritoneum", "liver"]


@pytest.mark.parametrize(
    ("note", "markers"),
    [
        ("BRCA2 likely pathogenic variant.", [("BRCA2", "positive", "mutation")]),
        ("BRCA1 variant of uncertain significance.", []),
    ],
)
def test_pathogenic_variants(note, markers):
    assert [(b.name, b.result, b.detail) for b in _profile(note).biomarkers or []] == markers


def test_a_negation_in_a_closed_bracket_stops_there():
    p = _profile("Surgery 03/2022 (no residual disease), followed by docetaxel 04/2022.")
    assert [t.name for t in p.therapies or []] == ["docetaxel"]
    assert _profile("No (prior) chemotherapy.").therapies is None


@pytest.mark.parametrize(
    ("note", "cancers", "conditions"),
    [
        ("PMH: HTN, HL, DMII.", [], ["HTN", "DMII"]),  # HL: hyperlipidaemia
        ("Relapsed HL after ABVD.", ["HL"], None),  # HL: Hodgkin lymphoma
    ],
)
def test_a_short_abbreviation_among_conditions_is_no_cancer(note, cancers, conditions):
    p = _profile(note)
    assert [d.condition for d in p.diagnoses or []] == cancers
    assert p.conditions == conditions
