from __future__ import annotations

import pytest
from pydantic import ValidationError

from profiles import PatientProfile


def test_example_profile_loads_with_its_field_names(example_profile_json):
    p = PatientProfile.model_validate(example_profile_json)
    assert p.id == "example-pdac-2l"
    assert p.ecog == 1
    assert p.diagnoses[0].extent == "locally advanced"
    assert p.diagnoses[0].metastatic_sites == []
    assert [b.result for b in p.biomarkers] == ["positive", "MSS", "positive", "negative"]
    assert p.biomarkers[2].scoring == "CPS" and p.biomarkers[2].value == 5
    assert p.therapies[0].drugs == ["fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"]
    assert p.location.postal_code == "10016"


def test_missing_is_not_recorded_and_empty_list_is_none():
    p = PatientProfile.model_validate({"therapies": [], "conditions": []})
    assert p.ecog is None and p.biomarkers is None
    assert p.therapies == [] and p.conditions == []


@pytest.mark.parametrize(
    ("name", "written", "canonical"),
    [
        ("MSI", "MSI-high", "MSI-H"),
        ("MSI", "positive", "MSI-H"),
        ("MSI", "microsatellite stable", "MSS"),
        ("MMR", "dMMR", "deficient"),
        ("MMR", "pMMR", "proficient"),
        ("EGFR", "pos", "positive"),
        ("ALK", "neg", "negative"),
        ("KRAS", "not tested", "not_tested"),
        ("HER2", "HER2-low", "low"),
    ],
)
def test_biomarker_result_aliases(name, written, canonical):
    p = PatientProfile.model_validate({"biomarkers": [{"name": name, "result": written}]})
    assert p.biomarkers[0].result == canonical


def test_invalid_ecog_names_field_and_accepted_range():
    with pytest.raises(ValidationError) as exc:
        PatientProfile.model_validate({"ecog": "6"})
    assert "'6' is not an ECOG score (0-5)" in str(exc.value)


def test_unknown_biomarker_result_lists_accepted_values():
    with pytest.raises(ValidationError, match="is not a biomarker result"):
        PatientProfile.model_validate({"biomarkers": [{"name": "EGFR", "result": "maybe"}]})


@pytest.mark.parametrize("bad", ["2025-13", "25-10-01", "2025-02-30", "last year"])
def test_partial_dates_are_checked(bad):
    with pytest.raises(ValidationError, match="YYYY"):
        PatientProfile.model_validate({"therapies": [{"name": "x", "start": bad}]})


def test_partial_dates_are_kept():
    p = PatientProfile.model_validate(
        {"therapies": [{"name": "x", "start": "2025", "end": "2025-10"}]}
    )
    assert (p.therapies[0].start, p.therapies[0].end) == ("2025", "2025-10")
