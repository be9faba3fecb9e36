"""Drugs a note names together are one regimen (one line of therapy), on real TREC notes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from matcher import evaluate_trial
from matcher.facts import PatientFacts, count_lines
from profiles.text import extract_profile
from profiles.text_regimens import ANTICANCER_KINDS
from rules.trial import Trial
from tests.conftest import TEST_DATA

#: TREC CT 2021 topic ct2021-17 (its treatment history, word for word)
CT17 = (
    "64yo woman with multiple myeloma, s/p allogeneic transplant with recurrent disease and "
    "with systemic amyloidosis, on hemodialysis for ESRD. She was admitted last week with "
    "hypercalcemia and treated with pamidronate 30mg, calcitonin, and dialysis. Patient was "
    "Initially treated with melphalan and prednisone, followed by VAD regimen, and autologous "
    "stem cell transplant. With relapse of her myeloma, she received thalidomide velcade and "
    "thalidomide, which were eventually also held due to worsening edema and kidney function."
)


@pytest.fixture(scope="module")
def ct() -> dict[str, str]:
    lines = (TEST_DATA / "bench" / "trec-ct-2021" / "queries.jsonl").read_text().splitlines()
    return {row["_id"]: row["text"] for row in map(json.loads, lines)}


def test_myeloma_note_has_three_regimens_not_six_drugs():
    p = extract_profile(CT17).profile
    assert [(t.name, t.drugs) for t in p.therapies] == [
        ("melphalan and prednisone", ["melphalan", "prednisone"]),
        ("VAD regimen", ["vincristine", "doxorubicin", "dexamethasone"]),
        ("thalidomide + bortezomib", ["thalidomide", "bortezomib"]),
    ]
    facts = PatientFacts.of(p, date(2026, 11, 20))
    assert count_lines(facts.therapies) == (3, 3)


def test_three_regimens_meet_no_more_than_three():
    # NCT01063907 inclusion 1, judged eligible for ct2021-17 by the TREC assessors
    text = (
        "Inclusion Criteria:\n\n1. Subjects with a confirmed diagnosis of Multiple Myeloma who "
        "have had one and no more than three prior regimens for MM to which they did not "
        "respond (failed) or from which they have relapsed.\n"
    )
    p = extract_profile(CT17).profile
    trial = Trial(nct_id="NCT01063907", eligibility_criteria=text)
    m = evaluate_trial(p, trial, as_of=date(2026, 11, 20))
    # one criterion: myeloma, relapsed, and at most three lines (all of them)
    [o] = m.outcomes
    parts = o.criterion.params["all_of"]
    assert parts[-1] == {
        "kind": "lines_of_therapy",
        "params": {"lines": {"op": "<=", "value": 3.0, "unit": None}},
    }
    assert o.status == "met" and m.verdict == "eligible"


@pytest.mark.parametrize(
    ("note", "want"),
    [
        # a chemotherapy doublet, then a second line
        (
            "She received carboplatin and paclitaxel, followed by pembrolizumab.",
            [["carboplatin", "paclitaxel"], ["pembrolizumab"]],
        ),
        ("Treated with gemcitabine plus nab-paclitaxel.", [["gemcitabine", "nab_paclitaxel"]]),
        # drugs with their own dates are given at different times
        (
            "Temozolomide in 2019 and bevacizumab in 2021.",
            [["temozolomide"], ["bevacizumab"]],
        ),
        # supportive drugs named together are no regimen
        ("He takes aspirin and metformin.", None),
        # the acronym of a PCR test is no regimen; "cycles of PCR" is one
        ("SARS-CoV-2 PCR was negative.", None),
        (
            "He then received four cycles of PCR.",
            [["pentostatin", "cyclophosphamide", "rituximab"]],
        ),
    ],
)
def test_grouping(note, want):
    p = extract_profile(note).profile
    onco = [t.drugs for t in p.therapies or [] if t.kind in ANTICANCER_KINDS]
    if want is None:
        assert onco == []
    else:
        assert onco == want
