"""Golden parses of real trials (reviewed by hand; regenerate on purpose only with
``TRIALMATCH_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/rules/test_criteria_golden.py``),
plus hand-written expectations for the seed pancreatic trial that do not depend on the files.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from rules.criteria import parse_trial
from rules.trial import Trial
from tests.conftest import BUNDLED

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "NCT06532617": "seed-pancreatic-NCT06532617",
    "NCT07134413": "nsclc-100",
    "NCT06221670": "nsclc-100",
    "NCT05282459": "leukemia-100",
}


def _trial(nct_id: str) -> Trial:
    with gzip.open(BUNDLED / f"{CASES[nct_id]}.json.gz", "rt", encoding="utf-8") as fh:
        for record in json.load(fh):
            trial = Trial.from_record(record)
            if trial.nct_id == nct_id:
                return trial
    raise LookupError(nct_id)


def _dump(nct_id: str) -> dict:
    crits = parse_trial(_trial(nct_id))
    return {"nct_id": nct_id, "criteria": [c.model_dump(exclude_none=True) for c in crits]}


@pytest.mark.parametrize("nct_id", list(CASES))
def test_golden(nct_id):
    path = GOLDEN / f"{nct_id}.json"
    got = _dump(nct_id)
    if os.environ.get("TRIALMATCH_REGEN_GOLDEN") == "1":
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got == expected


def _by_text(crits, start: str):
    found = [c for c in crits if c.text.startswith(start)]
    assert found, start
    return found[0]


def test_seed_trial_reads_as_a_clinician_would():
    crits = parse_trial(_trial("NCT06532617"))
    age = _by_text(crits, "Age 18-80")
    assert age.kind == "age" and age.params["age"] == {
        "op": "between",
        "value": 18.0,
        "value2": 80.0,
        "unit": "years",
    }
    pdac = _by_text(crits, "Histopathologically confirmed")
    assert pdac.kind == "condition" and pdac.params["cancers"] == ["pdac"]
    assert pdac.params["histologically_confirmed"] is True
    la = _by_text(crits, "Patients with locally advanced")
    facets = {f["kind"]: f["params"] for f in la.params["all_of"]}
    assert facets["stage"]["extent"] == ["locally advanced"]
    assert (
        facets["lines_of_therapy"]["lines"]["op"] == ">="
        and facets["lines_of_therapy"]["lines"]["value"] == 1
    )
    assert _by_text(crits, "At least one measurable").params == {"standard": "RECIST 1.1"}
    ecog = _by_text(crits, "ECOG PS 0-1")
    assert ecog.params["score"]["op"] == "between" and ecog.confidence >= 0.8
    assert _by_text(crits, "Expected survival").params["months"]["op"] == ">"
    organ = _by_text(crits, "Adequate organ function")
    assert organ.kind == "other" and organ.confidence < 0.8
    mal = _by_text(crits, "Malignant diseases other than")
    assert mal.polarity == "exclusion" and mal.params["conditions"] == ["other_malignancy"]
    assert mal.params["within"]["value"] == 5 and len(mal.params["exceptions"]) == 3
    wash = _by_text(crits, "Currently participating")
    assert wash.kind == "washout" and wash.params["within"]["value"] == 28
    assert "investigational_agent" in wash.params["classes"]
    assert _by_text(crits, "Active autoimmune").params["classes"] == ["autoimmune_disease"]
    assert "allogeneic_hsct" in _by_text(crits, "Allogeneic organ").params["conditions"]
    assert _by_text(crits, "Allergic to").kind == "other"
    assert _by_text(crits, "History of HIV").params["conditions"] == ["hiv"]
    hep = _by_text(crits, "Active HBV")
    assert hep.params["conditions"] == ["hepatitis_b", "hepatitis_c"] and hep.params["active"]
    assert _by_text(crits, "Pregnant or breastfeeding").kind == "pregnancy"
    assert _by_text(crits, "Active pulmonary tuberculosis").params["conditions"] == ["tuberculosis"]
    assert _by_text(crits, "Uncontrolled infection").params["classes"] == ["infection"]
    assert not any(c.params.get("negated") for c in crits if c.polarity == "exclusion")
