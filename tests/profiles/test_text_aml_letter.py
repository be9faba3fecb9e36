"""The relapsed AML letter (tests/data/letters/aml_flt3_referral.txt): "7+3 (daunorubicin and
cytarabine)" is one treatment; consolidation and a transplant's conditioning continue the
first line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from matcher.evaluate_history import lines_of_therapy
from matcher.facts import PatientFacts
from profiles.text import extract_profile

LETTER = Path(__file__).parents[1] / "data" / "letters" / "aml_flt3_referral.txt"
AS_OF = date(2026, 11, 20)


def test_the_aml_letter_s_treatments_and_lines():
    p = extract_profile(LETTER.read_text(), as_of=AS_OF).profile
    assert [(t.name, t.setting, t.start) for t in p.therapies or []] == [
        ("7+3", None, "2025-06"),
        ("midostaurin", None, "2025-06"),
        ("cytarabine", "consolidation", "2025-08"),
        ("midostaurin", "consolidation", "2025-08"),
        ("fludarabine + busulfan", "conditioning", None),
        ("hydroxyurea", None, None),
    ]
    # induction with its consolidation and the transplant's conditioning: one line; the
    # hydroxyurea for count control since relapse, undated, is counted as a second
    found = lines_of_therapy({"lines": {"op": "<=", "value": 1}}, PatientFacts.of(p, AS_OF))
    assert found.facts["patient"] == "2"
