"""The vectorized pre-screen over real bundled trials: sure failures only, unknowns never."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from matcher.batch.criteria import EMPTY_CRITERIA, criteria_table, trial_table
from matcher.batch.prescreen import Patient, patient_table, prescreen
from profiles.model import PatientProfile
from rules.corpus import bundled_trials
from rules.criterion import Criterion

AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="module")
def trials():
    return bundled_trials()


@pytest.fixture(scope="module")
def seed_trial(trials):
    return next(t for t in trials if t.nct_id == "NCT06532617")


def _span(trial, needle: str) -> tuple[int, int]:
    start = trial.eligibility_criteria.index(needle)
    return start, start + len(needle)


def _criterion(trial, needle, **fields) -> Criterion:
    start, end = _span(trial, needle)
    return Criterion(
        id=fields.pop("id"),
        text=needle,
        start=start,
        end=end,
        rule=fields.pop("rule", "test"),
        **fields,
    )


def _people(*profiles: PatientProfile) -> pl.DataFrame:
    return patient_table(
        [Patient(i, f"p{i}", p) for i, p in enumerate(profiles, start=1)], as_of=AS_OF
    )


def test_structured_age_and_sex_rule_out_exactly_the_failing_pairs(trials):
    table = trial_table(trials)
    people = _people(PatientProfile(age=15, sex="male"), PatientProfile(age=85, sex="female"))
    ruled = prescreen(people, table, EMPTY_CRITERIA)
    joined = ruled.join(table, on="nct_id")
    fails_young = (
        (pl.col("min_age") >= 16) | (pl.col("max_age") < 15) | (pl.col("sex_only") == "female")
    ).fill_null(False)
    fails_old = (
        (pl.col("min_age") >= 86) | (pl.col("max_age") < 85) | (pl.col("sex_only") == "male")
    ).fill_null(False)
    young = joined.filter(pl.col("position") == 1)
    old = joined.filter(pl.col("position") == 2)
    # every ruled-out pair really fails a structured field ...
    assert young.filter(~fails_young).is_empty() and old.filter(~fails_old).is_empty()
    # ... and every failing trial is ruled out
    assert set(young["nct_id"]) == set(table.filter(fails_young)["nct_id"])
    assert set(old["nct_id"]) == set(table.filter(fails_old)["nct_id"])
    assert young.height > 100 and old.height > 20
    assert "structured minimum age 18.0 years" in young["reason"].to_list()


def test_nothing_recorded_rules_nothing_out(trials, seed_trial):
    crit = criteria_table(
        [seed_trial],
        parse=lambda t: [
            _criterion(
                t,
                "ECOG PS 0-1",
                id="c1",
                polarity="inclusion",
                kind="performance_status",
                confidence=0.95,
                params={"scale": "ECOG", "score": {"op": "between", "value": 0, "value2": 1}},
            )
        ],
    )
    people = _people(PatientProfile(), PatientProfile(sex="other", karnofsky=50))
    assert prescreen(people, trial_table(trials), crit).is_empty()


def test_criteria_table_kinds_follow_polarity_negation_and_confidence(seed_trial):
    def parse(t):
        return [
            _criterion(
                t,
                "Age 18-80",
                id="age",
                polarity="inclusion",
                kind="age",
                confidence=0.95,
                params={"age": {"op": "between", "value": 18, "value2": 80, "unit": "years"}},
            ),
            _criterion(
                t,
                "ECOG PS 0-1",
                id="ps",
                polarity="inclusion",
                kind="performance_status",
                confidence=0.95,
                params={"scale": "ECOG", "score": {"op": "between", "value": 0, "value2": 1}},
            ),
            # a doubtful reading never rules out
            _criterion(
                t,
                "female or male",
                id="sex",
                polarity="inclusion",
                kind="sex",
                confidence=0.5,
                params={"sex": "female"},
            ),
        ]

    crit = criteria_table([seed_trial], parse=parse)
    table = trial_table([seed_trial]).with_columns(
        min_age=pl.lit(None, pl.Float64), max_age=pl.lit(None, pl.Float64)
    )
    people = _people(
        PatientProfile(age=82, ecog=1, sex="male"),
        PatientProfile(age=60, ecog=2, sex="male"),
        PatientProfile(age=60, ecog=0, sex="male"),
        PatientProfile(age=60, karnofsky=60),
    )
    ruled = prescreen(people, table, crit)
    assert ruled.rows() == [(1, "NCT06532617", "Age 18-80"), (2, "NCT06532617", "ECOG PS 0-1")]


def test_negated_exclusion_and_composites(seed_trial):
    def parse(t):
        return [
            # exclusion with "no": P = ECOG 0-1 negated -> required True (like an inclusion)
            _criterion(
                t,
                "ECOG PS 0-1",
                id="neg",
                polarity="exclusion",
                kind="performance_status",
                confidence=0.9,
                params={
                    "negated": True,
                    "scale": "ECOG",
                    "score": {"op": "between", "value": 0, "value2": 1},
                },
            ),
            _criterion(
                t,
                "Age 18-80",
                id="any",
                polarity="inclusion",
                kind="age",
                confidence=0.9,
                params={"any_of": [{"kind": "age", "params": {"age": {"op": ">=", "value": 90}}}]},
            ),
        ]

    crit = criteria_table([seed_trial], parse=parse)
    table = trial_table([seed_trial])
    ruled = prescreen(
        _people(PatientProfile(age=40, ecog=3), PatientProfile(age=40, ecog=1)), table, crit
    )
    # an exclusion with "no" is a double negative the matcher's guards doubt: it cannot rule
    # out there, so it must not here; the composite is never pre-screened
    assert crit["doubt"].to_list() == ["double_negative", None]
    assert ruled.is_empty()
    # the same ECOG as a plain inclusion rules out ECOG 3 only
    plain = crit.with_columns(
        polarity=pl.lit("inclusion"), negated=pl.lit(False), doubt=pl.lit(None, pl.String)
    )
    ruled = prescreen(
        _people(PatientProfile(age=40, ecog=3), PatientProfile(age=40, ecog=1)), table, plain
    )
    assert ruled.rows() == [(1, "NCT06532617", "ECOG PS 0-1")]


def test_a_criterion_the_guards_doubt_never_rules_out(seed_trial):
    def parse(t):
        return [
            _criterion(
                t,
                "Age 18-80",
                id="sex",
                polarity="inclusion",
                kind="sex",
                confidence=0.95,
                params={"sex": "female"},
            ),
        ]

    # guards.doubts caches per (trial, criteria count): a fresh id keeps other tests' out
    seed_trial = seed_trial.model_copy(update={"nct_id": "NCT99999901"})
    crit = criteria_table([seed_trial], parse=parse)
    assert crit["doubt"].to_list() == ["text_sex"]
    ruled = prescreen(_people(PatientProfile(sex="male")), trial_table([seed_trial]), crit)
    assert ruled.is_empty()
    trusted = crit.with_columns(doubt=pl.lit(None, pl.String))
    ruled = prescreen(_people(PatientProfile(sex="male")), trial_table([seed_trial]), trusted)
    assert ruled.rows() == [(1, "NCT99999901", "Age 18-80")]
    unchecked = crit.with_columns(doubt=pl.lit("unchecked"))
    assert prescreen(
        _people(PatientProfile(sex="male")), trial_table([seed_trial]), unchecked
    ).is_empty()
