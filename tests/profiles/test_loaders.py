"""Loaders: JSON, JSON arrays, JSONL, folders, unreadable files (cohort and FHIR have their own files)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from profiles import PatientProfile, format_errors, iter_profiles, load_profile
from rules.errors import ProfileError
from tests.conftest import REPO, TEST_DATA

DATA = TEST_DATA / "profiles"
EXAMPLE = REPO / "examples" / "profile.example.json"


def test_load_profile_reads_the_example(example_profile_json):
    profile = load_profile(EXAMPLE)
    assert profile == PatientProfile.model_validate(example_profile_json)
    assert profile.biomarkers[2].scoring == "CPS"


def test_iter_profiles_on_one_object_gives_one_record():
    [record] = iter_profiles(EXAMPLE)
    assert (record.position, record.where, record.patient_id, record.errors) == (
        1,
        "profile.example.json",
        "example-pdac-2l",
        [],
    )
    assert record.ok


def test_json_array_items_are_numbered_from_one():
    records = list(iter_profiles(DATA / "profiles_array.json"))
    assert [(r.position, r.where, r.ok) for r in records] == [
        (1, "profiles_array.json, item 1", True),
        (2, "profiles_array.json, item 2", False),
    ]
    assert records[1].errors == [
        "profiles_array.json, item 2, sex: 'q' is not a sex: use male, female or other"
    ]


def test_jsonl_reports_each_bad_line_and_keeps_going():
    records = list(iter_profiles(DATA / "profiles.jsonl"))
    assert [(r.position, r.patient_id, r.ok) for r in records] == [
        (1, "example-pdac-2l", True),
        (2, "p2", False),
        (4, None, False),
        (5, "p5", False),
    ]
    assert records[1].errors == [
        "profiles.jsonl, line 2, biomarkers[1]: 'maybe' is not a biomarker result (accepted: "
        "positive, negative, equivocal, low, MSI-H, MSI-L, MSS, deficient, proficient, not_tested, high, stable)",
        "profiles.jsonl, line 2, ecog: '6' is not an ECOG score (0-5)",
    ]
    assert records[2].errors == [
        "profiles.jsonl, line 4: not valid JSON: Expecting property name enclosed in double quotes (column 24)"
    ]
    assert records[3].errors == ["profiles.jsonl, line 5, ecgo: unknown field (did you mean ecog?)"]


def test_folder_of_bundles_and_profiles():
    records = list(iter_profiles(DATA / "bundles"))
    assert [(r.position, r.where, r.patient_id, r.ok) for r in records] == [
        (1, "bundles/p1-pdac.json", "example-pdac-2l", True),
        (2, "bundles/p2-nsclc.json", "p2-nsclc", True),
        (3, "bundles/p3-profile.json", "p3-json", True),
    ]


def test_folder_with_a_non_json_file_reports_it(tmp_path):
    (tmp_path / "p1.json").write_text(EXAMPLE.read_text())
    (tmp_path / "notes.txt").write_text("hello")
    records = list(iter_profiles(tmp_path))
    assert records[0].errors == [
        f"{tmp_path.name}/notes.txt: not a .json file; a folder holds one .json profile or FHIR Bundle per patient"
    ]
    assert records[1].ok and records[1].where == f"{tmp_path.name}/p1.json"
    assert records[0].errors == [
        f"{tmp_path.name}/notes.txt: not a .json file; a folder holds one .json profile or FHIR Bundle per patient"
    ]


def test_bad_json_names_the_path_line_and_column():
    with pytest.raises(ProfileError) as exc:
        list(iter_profiles(DATA / "broken.json"))
    assert str(exc.value) == f"{DATA / 'broken.json'}:4:3: not valid JSON: Expecting ',' delimiter"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.json", "no such file or folder"),
        ("cohort_unknown_ext.dat", "cannot read a .dat file as profiles"),
    ],
)
def test_unreadable_files_raise_profile_error_with_the_path(name, message):
    with pytest.raises(ProfileError) as exc:
        list(iter_profiles(DATA / name))
    assert exc.value.where == str(DATA / name)
    assert exc.value.message == message
    assert ".jsonl, .csv, .tsv, .parquet" in str(exc.value)


def test_load_profile_refuses_many_and_invalid():
    with pytest.raises(ProfileError, match="holds 2 records"):
        load_profile(DATA / "profiles_array.json")
    with pytest.raises(
        ProfileError, match=r"ecog \(from Observation/ecog-2026-11 valueInteger\): '7'"
    ):
        load_profile(DATA / "bundle_ecog7.json")


def test_load_profile_accepts_a_fhir_bundle():
    assert load_profile(REPO / "examples" / "fhir-bundle.json").ecog == 1


def _errors(data: dict, where: str = "row 17") -> list[str]:
    with pytest.raises(ValidationError) as exc:
        PatientProfile.model_validate(data)
    return format_errors(exc.value, where)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ({"ecog": "6"}, "row 17, ecog: '6' is not an ECOG score (0-5)"),
        ({"age": "abc"}, "row 17, age: 'abc' is not a whole number"),
        ({"age": 130}, "row 17, age: '130' is out of range: must be at most 120"),
        (
            {"pregnant": "maybe"},
            "row 17, pregnant: 'maybe' is not yes or no (use true/false, yes/no)",
        ),
        ({"conditions": "hypertension"}, "row 17, conditions: 'hypertension' is not a list"),
        ({"diagnoses": [{"stage": "II"}]}, "row 17, diagnoses[0].condition: required but missing"),
        (
            {"location": {"zip": "10016"}},
            "row 17, location.zip: unknown field (accepted: postal_code, city, state, country, lat, lon, max_distance_km)",
        ),
        (
            {"biomarkers": [{"name": "EGFR", "reslt": "pos"}]},
            "row 17, biomarkers[0].reslt: unknown field (did you mean result?)",
        ),
        (
            {"therapies": [{"name": "x", "line": 0}]},
            "row 17, therapies[0].line: '0' is out of range: must be at least 1",
        ),
        (
            {"sex": "male", "pregnant": True},
            "row 17: pregnant is true but sex is male: check both fields",
        ),
        (
            {"zzzz": 1},
            "row 17, zzzz: unknown field (accepted: id, age, birth_date, sex, diagnoses, biomarkers, "
            "ecog, karnofsky, therapies, labs, conditions, measurable_disease, pregnant, breastfeeding, "
            "life_expectancy_months, location)",
        ),
    ],
)
def test_format_errors_lines(data, line):
    assert _errors(data) == [line]


def test_format_errors_has_no_pydantic_boilerplate():
    lines = _errors({"age": "x", "ecog": 9, "sex": 3, "diagnoses": "x", "extra": 1}, "p.json")
    text = "\n".join(lines)
    assert "pydantic" not in text and "http" not in text and "Input should" not in text
    assert len(lines) == 5


def test_empty_list_and_missing_are_kept_apart(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"id": "x", "therapies": []}))
    profile = load_profile(path)
    assert profile.therapies == [] and profile.biomarkers is None


def test_a_note_is_read_as_free_text(tmp_path):
    from datetime import date

    from profiles import load_profile

    note = tmp_path / "mrs-k.txt"
    note.write_text(
        "62 yo woman with stage IV NSCLC, EGFR L858R, ECOG 1. Osimertinib 3 months ago."
    )
    p = load_profile(note, as_of=date(2026, 11, 20))
    assert (p.id, p.age, p.sex, p.ecog) == ("mrs-k", 62, "female", 1)
    assert [(t.name, t.start) for t in p.therapies] == [("osimertinib", "2026-08")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  \n", "the note is empty"),
        ("id\n", "nothing recognised in the note"),
    ],
)
def test_a_note_without_facts_is_a_clear_error(tmp_path, text, message):
    from profiles import load_profile

    note = tmp_path / "note.txt"
    note.write_text(text)
    with pytest.raises(ProfileError) as exc:
        load_profile(note)
    assert message in str(exc.value) and "note.txt" in str(exc.value)
