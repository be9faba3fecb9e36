"""FHIR R4 bundles (mCODE) to profiles: the example bundle, a folder, and invalid bundles."""

from __future__ import annotations

import json
from datetime import date

import pytest

from profiles import PatientProfile, iter_profiles, load_profile
from profiles.fhir import partial_date
from tests.conftest import REPO, TEST_DATA

DATA = TEST_DATA / "profiles"
BUNDLE = REPO / "examples" / "fhir-bundle.json"


@pytest.fixture(scope="module")
def from_fhir() -> PatientProfile:
    return load_profile(BUNDLE)


def test_bundle_matches_the_example_profile_for_what_fhir_carries(from_fhir, example_profile_json):
    expected = PatientProfile.model_validate(example_profile_json)
    assert from_fhir.id == expected.id
    assert from_fhir.sex == expected.sex
    assert from_fhir.age_on(date(2026, 11, 20)) == expected.age == 62
    assert from_fhir.ecog == expected.ecog
    assert from_fhir.conditions == expected.conditions
    got, want = from_fhir.diagnoses[0], expected.diagnoses[0]
    for field in ("condition", "histology", "stage", "status", "diagnosed_on"):
        assert getattr(got, field) == getattr(want, field), field
    drop = {"date", "method"}  # FHIR adds the test date and method; the example leaves them out
    assert [b.model_dump(exclude=drop) for b in from_fhir.biomarkers] == [
        b.model_dump(exclude=drop) for b in expected.biomarkers
    ]
    keep = {"name", "drugs", "kind", "start", "end", "stop_reason"}
    assert [t.model_dump(include=keep) for t in from_fhir.therapies] == [
        t.model_dump(include=keep) for t in expected.therapies
    ]
    assert from_fhir.labs == expected.labs
    assert (from_fhir.location.postal_code, from_fhir.location.country) == (
        "10016",
        "United States",
    )


def test_what_the_bundle_does_not_carry_stays_not_recorded(from_fhir):
    dx = from_fhir.diagnoses[0]
    assert dx.extent is None and dx.metastatic_sites is None and dx.histologically_confirmed is None
    assert from_fhir.therapies[0].cycles is None and from_fhir.therapies[0].setting is None
    assert (
        from_fhir.pregnant is None
        and from_fhir.measurable_disease is None
        and from_fhir.karnofsky is None
    )


def test_minimal_bundle_without_mcode_tags():
    profile = load_profile(DATA / "bundles" / "p2-nsclc.json")
    assert (
        profile.diagnoses[0].condition == "Non-small cell lung cancer"
    )  # SNOMED display, suffix dropped
    assert (
        profile.diagnoses[0].metastatic_sites == ["brain"]
        and profile.diagnoses[0].extent == "metastatic"
    )
    assert profile.biomarkers[0].model_dump(exclude_none=True) == {
        "name": "EGFR",
        "result": "positive",
        "detail": "L858R",
    }
    assert profile.karnofsky == 70 and profile.pregnant is False and profile.birth_date == "1970"
    therapy = profile.therapies[0]
    assert (therapy.name, therapy.drugs, therapy.start, therapy.ongoing, therapy.end) == (
        "osimertinib",
        ["osimertinib"],
        "2026-02-01",
        True,
        None,
    )
    assert profile.labs is None and profile.conditions is None and profile.ecog is None


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        (
            "bundle_ecog7.json",
            [
                "bundle_ecog7.json, ecog (from Observation/ecog-2026-11 valueInteger): '7' is not an ECOG score (0-5)"
            ],
        ),
        (
            "bundle_bad_date.json",
            [
                "bundle_bad_date.json, Patient/example-pdac-2l, birthDate: '1964-13-40' is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)"
            ],
        ),
        (
            "bundle_no_patient.json",
            [
                "bundle_no_patient.json: the Bundle has no Patient resource; one bundle holds one patient"
            ],
        ),
        (
            "patient_not_bundle.json",
            [
                "patient_not_bundle.json: not a FHIR Bundle (resourceType is 'Patient'); give a Bundle with one Patient and its resources"
            ],
        ),
    ],
)
def test_invalid_bundles_name_the_resource_and_field(name, errors):
    [record] = iter_profiles(DATA / name)
    assert record.profile is None
    assert record.errors == errors


def test_two_patients_in_one_bundle(tmp_path):
    bundle = json.loads(BUNDLE.read_text())
    second = {"resource": {"resourceType": "Patient", "id": "other"}}
    bundle["entry"].append(second)
    path = tmp_path / "two.json"
    path.write_text(json.dumps(bundle))
    [record] = iter_profiles(path)
    assert record.errors == [
        "two.json: the Bundle holds 2 patients (Patient/example-pdac-2l, Patient/other); give one bundle per patient"
    ]


def test_pd_l1_tps_and_cps_components_become_two_results(tmp_path):
    bundle = json.loads((DATA / "bundles" / "p2-nsclc.json").read_text())
    bundle["entry"].append({"resource": {
        "resourceType": "Observation", "id": "pdl1", "status": "final", "code": {"text": "PD-L1"},
        "component": [
            {"code": {"text": "Tumor proportion score"}, "valueQuantity": {"value": 60, "unit": "%"}},
            {"code": {"text": "CPS"}, "valueQuantity": {"value": 70, "unit": "score"}},
        ],
    }})  # fmt: skip
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    pdl1 = [b for b in load_profile(path).biomarkers if b.name == "PD-L1"]
    assert [(b.value, b.scoring) for b in pdl1] == [(60, "TPS"), (70, "CPS")]


def test_partial_dates():
    assert partial_date("2026-11-02T09:00:00Z") == "2026-11-02"
    assert partial_date(date(2025, 1, 2)) == "2025-01-02"
    assert partial_date("2025") == "2025"
    assert partial_date(None) is None
