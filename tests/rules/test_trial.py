from __future__ import annotations

import gzip
import json

import pytest

from rules.errors import CorpusError
from rules.trial import Trial, age_in_years
from tests.conftest import BUNDLED


def _records(name):
    with gzip.open(BUNDLED / name) as f:
        return json.loads(f.read())


def test_full_record_fields_nsclc():
    trials = [
        Trial.from_record(r, source="nsclc-100", position=i)
        for i, r in enumerate(_records("nsclc-100.json.gz"))
    ]
    assert len(trials) == 100
    t = next(t for t in trials if t.nct_id == "NCT06576635")
    assert t.overall_status == "RECRUITING"
    assert t.minimum_age == "18 Years" and t.min_age_years == 18
    assert t.sites[0].city == "Chicago" and t.sites[0].lat == pytest.approx(41.85003)
    assert t.intervention_meshes[0].term == "Docetaxel"
    assert any(a.term == "Taxoids" for a in t.intervention_ancestors)
    assert t.eligibility_criteria.startswith("Inclusion Criteria")


def test_seed_record_partial_modules_load():
    (r,) = _records("seed-pancreatic-NCT06532617.json.gz")
    t = Trial.from_record(r)
    assert t.nct_id == "NCT06532617" and t.phases == ["PHASE2"]
    assert t.sites == [] or t.sites[0].city == "Shanghai"
    assert t.condition_meshes == []


def test_single_study_api_response_loads():
    with gzip.open(BUNDLED / "get_nct06382129_20260811.json.gz") as f:
        r = json.loads(f.read())
    assert Trial.from_record(r).nct_id == "NCT06382129"


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        (
            {"protocolSection": {"identificationModule": {}}},
            "no protocolSection.identificationModule.nctId",
        ),
        ({"protocolSection": {"identificationModule": {"nctId": 12}}}, "nctId"),
        (
            {"protocolSection": {"identificationModule": {"nctId": "NCT1"}}},
            "NCT followed by 8 digits",
        ),
        ([1, 2], "JSON object"),
        (
            {
                "protocolSection": {
                    "identificationModule": {"nctId": "NCT00000001"},
                    "conditionsModule": {"conditions": "lung"},
                }
            },
            "should be a list",
        ),
    ],
)
def test_not_a_study_is_rejected_with_where_and_why(record, problem):
    with pytest.raises(CorpusError) as exc:
        Trial.from_record(record, source="file.json", position=7)
    assert "file.json, record 7" in str(exc.value)
    assert problem in str(exc.value)


def test_ages_as_written():
    assert age_in_years("6 Months") == 0.5
    assert age_in_years("N/A") is None
