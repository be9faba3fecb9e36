"""CTCAE grades of side effects against real trials' graded criteria.

A criterion counting a condition only from a grade ("Grade ≥2 peripheral neuropathy;",
NCT07050056) was "unknown" for every patient with the condition (the text doubt ``grade``).
With the grade on record ("peripheral neuropathy (grade 2)", as the note reader writes it) the
matcher now decides it, citing both grades; without it, it asks the grade.
"""

from __future__ import annotations

import re

import pytest

from matcher import knowledge as kb
from matcher import match
from matcher.evaluate_grade import _normal, grade_bound, graded
from matcher.facade import evaluate_trial
from matcher.guards import text_doubt
from rules.criterion import Criterion
from tests.matcher.real import AS_OF, judge, outcome, profile, trial


def _examples(key: str) -> list[tuple[str, str]]:
    return [
        (p["name"], text)
        for p in kb.table("grade_bounds")["patterns"]
        for text in p["examples"][key]
    ]


@pytest.mark.parametrize(("name", "text"), _examples("read"))
def test_each_pattern_reads_its_examples(name, text):
    pattern = next(p for p in kb.table("grade_bounds")["patterns"] if p["name"] == name)
    assert re.search(pattern["pattern"], _normal(text), re.IGNORECASE)
    assert grade_bound(text) is not None


@pytest.mark.parametrize(("name", "text"), _examples("no_read"))
def test_no_pattern_reads_the_counter_examples(name, text):
    assert grade_bound(text) is None


def _criterion(nct_id: str, cid: str) -> Criterion:
    m = judge(profile("example", conditions=[]), nct_id)
    return next(o.criterion for o in m.outcomes if o.criterion.id == cid)


@pytest.mark.parametrize(
    ("nct_id", "cid", "bound"),
    [
        ("NCT07050056", "exc-8", {"op": ">=", "value": 2}),  # Grade ≥2 peripheral neuropathy;
        ("NCT05913115", "exc-3", {"op": ">=", "value": 2}),  # \>/= Common Terminology ... Grade 2
        ("NCT03799601", "exc-13", {"op": ">=", "value": 2}),  # of ≥CTCAE 2 degrees
        ("NCT04691388", "exc-25", {"op": ">=", "value": 2}),  # with ≥CTCAE degree 2
        ("NCT05378763", "exc-6", {"op": ">=", "value": 2}),  # signs of Grade ≥2 pneumonitis
        ("NCT02795884", "exc-1.6", {"op": ">", "value": 2}),  # CTCAE\> grade 2 ... infection
        # the grade belongs to another condition, or to one of several, or to another scale
        ("NCT03799601", "exc-14", None),  # (≥CTC AE grade 2 dyspnea), serous effusion
        ("NCT05658640", "exc-12", None),  # acute GvHD of any grade or chronic GvHD of grade 2+
        ("NCT06221670", "exc-5", None),  # NYHA grade 3 or 4 cardiac insufficiency
    ],
)
def test_the_bound_read_from_the_trials_own_words(nct_id, cid, bound):
    c = _criterion(nct_id, cid)
    read = graded(c).params.get("grade")
    assert read == bound, c.text
    # a bound read lifts the doubt; a bound not read keeps it
    assert (text_doubt(graded(c)) == "grade") == (bound is None)


@pytest.mark.parametrize(
    ("conditions", "status", "words"),
    [
        (["peripheral neuropathy (grade 2)"], "not_met", "grade 2); the trial counts grade 2"),
        (["peripheral neuropathy (grade 3)"], "not_met", "grade 3); the trial counts grade 2"),
        (["peripheral neuropathy (grade 1)"], "met", "grade 1); the trial counts only grade 2"),
        (["peripheral neuropathy"], "unknown", "without its grade"),
        (["hypertension"], "met", "none of your recorded conditions"),
    ],
)
def test_grade_2_neuropathy_excluded_from_grade_2(conditions, status, words):
    m = judge(profile("example", conditions=conditions), "NCT07050056")
    o = outcome(m, "Grade ≥2 peripheral neuropathy")
    assert o.status == status
    assert words in o.explanation
    if status == "unknown":  # the grade is asked, not a generic "check with the trial team"
        assert o.question == "condition_grade:peripheral_neuropathy"
        assert o.doubt is None


@pytest.mark.parametrize(
    "conditions",
    [
        ["peripheral neuropathy (grade 1)"],
        ["peripheral neuropathy (grade 2)"],
        ["peripheral neuropathy"],
    ],
)
def test_ranked_matching_agrees_with_the_one_trial_judgement(conditions):
    p = profile("example", conditions=conditions)
    t = trial("NCT07050056")
    ranked = match(p, [t], as_of=AS_OF, statuses=None)
    assert ranked.matches[0].verdict == evaluate_trial(p, t, as_of=AS_OF).verdict
    statuses = {o.criterion.id: o.status for o in ranked.matches[0].outcomes}
    assert statuses["exc-8"] == outcome(judge(p, "NCT07050056"), "Grade ≥2").status


def _colitis(text: str) -> Criterion:
    """An exclusion as the parser reads a named condition (the words are the trial's kind)."""
    return Criterion(
        id="exc-1",
        polarity="exclusion",
        text=text,
        start=0,
        end=len(text),
        kind="comorbidity",
        confidence=0.9,
        rule="comorbidity",
        params={
            "conditions": ["immune_related_colitis"],
            "classes": [],
            "mentions": ["immune-related colitis"],
        },
    )


@pytest.mark.parametrize(
    ("text", "condition", "status"),
    [
        # a past event of a grade counts even after it resolved...
        (
            "History of grade ≥ 3 immune-related colitis",
            "immune-related colitis (grade 3, resolved)",
            "not_met",
        ),
        ("History of grade ≥ 3 immune-related colitis", "immune-related colitis (grade 2)", "met"),
        # ... but a toxicity asked to have eased is judged by its state now
        (
            "Immune-related colitis not recovered to ≤ grade 1",
            "immune-related colitis (grade 3, resolved)",
            "met",
        ),
        (
            "Immune-related colitis not recovered to ≤ grade 1",
            "immune-related colitis (grade 2)",
            "not_met",
        ),
    ],
)
def test_immune_related_colitis_by_grade(text, condition, status):
    p = profile("example", conditions=[condition])
    m = evaluate_trial(p, trial("NCT07050056"), as_of=AS_OF, criteria=[_colitis(text)])
    assert outcome(m, text).status == status
