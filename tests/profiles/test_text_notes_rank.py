"""Profile facts read from real TREC CT 2021 patient notes (issue 5, ranking pass).

Each excerpt is from the note named in the test; the old reading put a condition in the
profile that the note does not give the patient, which the rule engine then used.
"""

from __future__ import annotations

from profiles.text import extract_profile


def test_doesnt_have_any_signs_of_is_a_negation():
    # ct2021-41 / ct2021-75: "dementia" was recorded, and dementia exclusions ruled him out
    note = (
        "A 57-year old farmer was diagnosed with Parkinson's disease a year ago. He is an alert "
        "and cooperative man who doesn't have any signs of dementia. He doesn't smoke or use "
        "any illicit drugs."
    )
    assert extract_profile(note).profile.conditions == ["Parkinson's disease"]


def test_a_contraction_without_have_does_not_negate_the_sentence():
    note = "He didn't take his insulin for his type 1 diabetes for 3 days."
    assert extract_profile(note).profile.conditions == ["type 1 diabetes"]


def test_on_ra_is_room_air_not_rheumatoid_arthritis():
    # ct2021-63: "SpO2 98% on RA" recorded rheumatoid arthritis
    note = "Her BP is 150/85, HR 115, RR 15, T 38.2, SpO2 98% on RA. She is an obese woman."
    assert not extract_profile(note).profile.conditions
    assert extract_profile("History of RA on methotrexate.").profile.conditions == ["RA"]


def test_dm2_is_type_2_diabetes():
    # ct2021-14: "- DM2 - ventricular tachycardia" lost the diabetes
    note = "70 y/o with COPD. PMH: - obstructive sleep apnea - DM2 - ventricular tachycardia"
    assert "DM2" in (extract_profile(note).profile.conditions or [])
