"""The cross-patient finding memo is exact: every finding equals the matcher's own, for every
proposition of the real bundled trials and every patient of the synthetic and test cohorts."""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks.synth_cohort import generate
from matcher.batch import MatcherEvaluator, Patient, read_cohort, select_trials
from matcher.batch.memo import FindingMemo
from matcher.facade import judge_keys
from matcher.facts import PatientFacts
from matcher.index import proposition_key
from profiles.model import PatientProfile
from rules.corpus import bundled_trials
from tests.conftest import TEST_DATA

AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="module")
def keys() -> list[int]:
    from rules.criteria import parse_trial

    trials = select_trials(bundled_trials(), None)
    parsed = {t.nct_id: list(parse_trial(t)) for t in trials if t.eligibility_criteria}
    return MatcherEvaluator.of(trials, parsed)._prepared().keys.tolist()


def _profiles() -> list[PatientProfile]:
    synthetic = [PatientProfile.model_validate(p) for p in generate(60, seed=3, as_of=AS_OF)]
    records = read_cohort(TEST_DATA / "batch" / "cohort.jsonl")
    tests = [r.profile for r in records if isinstance(r, Patient)]
    return synthetic + tests + [PatientProfile(), PatientProfile(diagnoses=[], labs=[])]


def test_memo_findings_equal_the_matchers_for_every_proposition(keys):
    memo = FindingMemo()
    for profile in _profiles():
        facts = PatientFacts.of(profile, AS_OF)
        assert memo(keys, facts) == judge_keys(keys, facts), profile.id
    assert memo.reused > memo.evaluated  # and it is worth having


def test_memo_is_exact_after_being_cleared(keys):
    memo = FindingMemo(limit=500)
    for profile in _profiles()[:20]:
        facts = PatientFacts.of(profile, AS_OF)
        assert memo(keys, facts) == judge_keys(keys, facts)
    assert memo.size <= 500


def _facts(**fields) -> PatientFacts:
    return PatientFacts.of(PatientProfile.model_validate(fields), AS_OF)


def test_regimens_that_do_not_match_are_shared_whatever_their_dates():
    washout = proposition_key(
        "washout", {"within": {"op": "<", "value": 28, "unit": "days"}, "classes": ["anti_pd1"]}
    )
    memo = FindingMemo()
    for end in ("2026-11-10", "2025-01-01"):
        therapy = {"name": "FOLFOX", "drugs": ["oxaliplatin"], "start": "2024-01-01", "end": end}
        memo([washout], _facts(therapies=[therapy]))
    assert (memo.evaluated, memo.reused) == (1, 1)
    # a matching regimen reads its dates: recent and old ones are judged apart
    for end in ("2026-11-10", "2025-01-01"):
        memo([washout], _facts(therapies=[{"name": "pembrolizumab", "end": end}]))
    assert memo.evaluated == 3


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"labs": []}, {}),  # no labs recorded vs labs not known at all
        ({"diagnoses": []}, {}),
        ({"therapies": []}, {}),
        ({"ecog": 1}, {"ecog": 2}),
    ],
    ids=["labs", "diagnoses", "therapies", "ecog"],
)
def test_recorded_none_and_unknown_are_never_confused(keys, first, second):
    memo = FindingMemo()
    a, b = _facts(**first), _facts(**second)
    memo(keys, a)
    assert memo(keys, b) == judge_keys(keys, b)
