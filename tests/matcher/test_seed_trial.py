"""The example patient and its variants against the real seed pancreatic trial NCT06532617."""

from __future__ import annotations

import json
from datetime import date

import pytest

from matcher import evaluate_trial, match
from matcher.index import from_criteria
from profiles.model import PatientProfile
from tests.conftest import REPO, TEST_DATA
from tests.matcher.seed_criteria import seed_criteria, seed_trial

AS_OF = date(2026, 11, 20)
PROFILES = TEST_DATA / "profiles_match"


def _profile(name: str) -> PatientProfile:
    path = (
        REPO / "examples" / "profile.example.json"
        if name == "example"
        else PROFILES / f"{name}.json"
    )
    return PatientProfile.model_validate(json.loads(path.read_text()))


def _judge(name: str):
    return evaluate_trial(_profile(name), seed_trial(), as_of=AS_OF, criteria=seed_criteria())


def test_example_patient_is_possibly_eligible_with_its_unknowns_named():
    m = _judge("example")
    assert m.verdict == "possibly_eligible"
    status = {o.criterion.id: o.status for o in m.outcomes}
    assert status["inc-la-first-line"] == "met"
    assert status["inc-no-distant"] == "met"
    assert status["inc-survival"] == "unknown"
    assert status["inc-organ"] == "needs_clinician"
    assert status["exc-hiv"] == "met"
    assert status["inc-consent"] == "met"  # assumed at screening
    assert "life_expectancy" in m.question_keys()
    by_id = {o.criterion.id: o for o in m.outcomes}
    assert by_id["inc-ecog"].explanation == "The trial requires ECOG 0-1; your ECOG is 1."
    assert by_id["inc-ecog"].finding.fields == ("ecog",)
    assert m.to_dict()["verdict"] == "possibly_eligible"


@pytest.mark.parametrize(
    ("variant", "ruling", "temporary"),
    [
        ("pdac-age85", {"ctgov-max-age", "inc-age"}, False),
        ("pdac-liver-metastases", {"inc-la-first-line", "inc-no-distant"}, False),
        ("pdac-ecog2", {"inc-ecog"}, True),
        ("pdac-untreated", {"inc-la-first-line"}, False),
        ("pdac-active-ra", {"exc-autoimmune"}, False),
        ("pdac-hiv", {"exc-hiv"}, False),
        ("pdac-recent-trial-drug", {"exc-research-drug"}, True),
    ],
)
def test_variants_are_ruled_out_by_the_right_criterion(variant, ruling, temporary):
    m = _judge(variant)
    assert m.verdict == "ineligible"
    assert {o.criterion.id for o in m.decision.ruling} == ruling
    assert m.decision.temporary is temporary
    assert all(o.explanation for o in m.decision.ruling)


def test_washout_only_failure_says_when_the_patient_becomes_eligible():
    m = _judge("pdac-recent-trial-drug")
    # last dose 2026-11-10, 28-day washout: day 29 after it is the first free day
    assert m.decision.eligible_from == date(2026, 12, 9)
    assert "2026-12-09" in m.to_dict()["eligible_from"]


def test_partial_end_date_that_could_fall_either_side_is_unknown():
    m = _judge("pdac-partial-date-trial-drug")
    washout = next(o for o in m.outcomes if o.criterion.id == "exc-research-drug")
    assert washout.status == "unknown"
    assert washout.question and washout.question.startswith("therapy_end:")
    assert m.verdict == "possibly_eligible"


def test_unknown_activity_of_an_autoimmune_disease_is_a_question_not_a_rule_out():
    p = _profile("example").model_copy(update={"conditions": ["rheumatoid arthritis"]})
    m = evaluate_trial(p, seed_trial(), as_of=AS_OF, criteria=seed_criteria())
    o = next(o for o in m.outcomes if o.criterion.id == "exc-autoimmune")
    assert o.status == "unknown"
    assert o.question == "condition_active:rheumatoid_arthritis"


def test_vectorized_match_agrees_with_evaluate_trial():
    trial = seed_trial()
    names = ["example", "pdac-age85", "pdac-ecog2", "pdac-hiv", "pdac-partial-date-trial-drug"]
    prepared = from_criteria([trial], [seed_criteria(trial)])
    for name in names:
        single = _judge(name)
        report = match(_profile(name), prepared, as_of=AS_OF)
        assert report.matches[0].to_dict() == single.to_dict()


def test_report_json_has_the_contract_keys_and_questions_counted():
    trial = seed_trial()
    report = match(_profile("example"), from_criteria([trial], [seed_criteria(trial)]), as_of=AS_OF)
    d = report.to_dict()
    assert set(d) == {"matches", "questions"}
    m = d["matches"][0]
    assert {"nct_id", "title", "verdict", "score", "criteria", "questions"} <= set(m)
    assert {"id", "polarity", "text", "status", "explanation", "fields"} <= set(m["criteria"][0])
    q = {x["key"]: x for x in d["questions"]}
    assert q["life_expectancy"]["trials"] == 1
    assert q["life_expectancy"]["nct_ids"] == ["NCT06532617"]
