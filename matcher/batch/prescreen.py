"""The vectorized pre-screen: rule trials out for many patients at once, over polars tables.

A (patient, trial) pair is ruled out here only when the full evaluation would surely rule it
out too (docs/criteria.md semantics, safety first): a known patient value that fails

* the trial's structured minimum / maximum age or sex (from the record's eligibility module);
* a top-level, sure (``confidence >= 0.8``), unconditional, non-composite criterion of kind
  ``age``, ``sex`` or ``performance_status`` in the parsed criteria table that no guard of
  ``matcher.guards`` doubts (the matcher would not rule out on a doubted reading either).

Anything unknown (no age, no ECOG, sex ``other``) never rules a trial out. The pairs left are
evaluated one by one with explanations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from profiles.model import PatientProfile

SURE = 0.8
_PS_SCALE = {"ECOG": "ecog", "WHO": "ecog", "Karnofsky": "karnofsky"}
#: structured-field reasons come after the criteria (whose texts the matcher also cites)
_LAST = 1 << 40
PRESCREEN_KINDS = ("age", "sex", "performance_status")


@dataclass(frozen=True)
class Patient:
    """One valid input record: its 1-based position in the cohort, its id and profile."""

    position: int
    patient_id: str
    profile: PatientProfile
    where: str = ""


def patient_table(patients: Sequence[Patient], *, as_of: date) -> pl.DataFrame:
    """The facts the pre-screen reads, one row per patient.

    >>> p = Patient(1, "p1", PatientProfile(age=70, sex="female", ecog=2))
    >>> patient_table([p], as_of=date(2026, 11, 20)).row(0)
    (1, 70.0, 'female', 2, None)
    """
    return pl.DataFrame(
        {
            "position": [p.position for p in patients],
            "age": [_float(p.profile.age_on(as_of)) for p in patients],
            "sex": [p.profile.sex for p in patients],
            "ecog": [p.profile.ecog for p in patients],
            "karnofsky": [p.profile.karnofsky for p in patients],
        },
        schema={
            "position": pl.Int64,
            "age": pl.Float64,
            "sex": pl.String,
            "ecog": pl.Int64,
            "karnofsky": pl.Int64,
        },
    )


def _float(value: int | None) -> float | None:
    return None if value is None else float(value)


def _satisfies(value: pl.Expr, op: pl.Expr, v: pl.Expr, v2: pl.Expr) -> pl.Expr:
    """Three-valued: null when the patient's value is null (unknown)."""
    return (
        pl.when(value.is_null())
        .then(None)
        .when(op == "<")
        .then(value < v)
        .when(op == "<=")
        .then(value <= v)
        .when(op == "=")
        .then(value == v)
        .when(op == ">=")
        .then(value >= v)
        .when(op == ">")
        .then(value > v)
        .when(op == "between")
        .then((value >= v) & (value <= v2))
        .otherwise(None)
    )


def _pairs(people: pl.DataFrame, right: pl.DataFrame, pairs: pl.DataFrame | None) -> pl.DataFrame:
    """Every patient with every row of ``right``, or only the (position, nct_id) ``pairs``."""
    if pairs is None:
        return people.join(right, how="cross")
    return pairs.join(people, on="position").join(right, on="nct_id")


def _structured_fails(
    people: pl.DataFrame, trials: pl.DataFrame, pairs: pl.DataFrame | None
) -> pl.DataFrame:
    pairs = _pairs(people, trials.select("nct_id", "min_age", "max_age", "sex_only"), pairs)
    young = (
        pl.col("age").is_not_null()
        & pl.col("min_age").is_not_null()
        & (pl.col("age") + 1 <= pl.col("min_age"))
    )
    old = (
        pl.col("age").is_not_null()
        & pl.col("max_age").is_not_null()
        & (pl.col("age") > pl.col("max_age"))
    )
    wrong_sex = (
        pl.col("sex").is_in(["male", "female"])
        & pl.col("sex_only").is_not_null()
        & (pl.col("sex") != pl.col("sex_only"))
    )
    reason = (
        pl.when(young)
        .then(pl.format("structured minimum age {} years", pl.col("min_age").round(1)))
        .when(old)
        .then(pl.format("structured maximum age {} years", pl.col("max_age").round(1)))
        .when(wrong_sex)
        .then(pl.format("trial enrols {} patients only", pl.col("sex_only")))
    )
    return (
        pairs.with_columns(reason=reason)
        .filter(pl.col("reason").is_not_null())
        .select("position", "nct_id", pl.lit(_LAST, pl.Int64).alias("order"), "reason")
    )


def usable_criteria(criteria: pl.DataFrame) -> pl.DataFrame:
    """The rows of a criteria table the pre-screen may rule out on (see the module doc);
    computed once per run, and filtering it again changes nothing.

    >>> from matcher.batch.criteria import EMPTY_CRITERIA
    >>> usable_criteria(EMPTY_CRITERIA).columns[:3]
    ['nct_id', 'order', 'kind']
    """
    return criteria.filter(
        pl.col("kind").is_in(PRESCREEN_KINDS)
        & pl.col("parent").is_null()
        & ~pl.col("composite")
        & ~pl.col("conditional")
        & (pl.col("confidence") >= SURE)
        & pl.col("doubt").is_null()
    ).select(
        "nct_id",
        "order",
        "kind",
        "polarity",
        "negated",
        "text",
        "num_op",
        "num_value",
        "num_value2",
        "scale",
        "sex_value",
        "parent",
        "composite",
        "conditional",
        "confidence",
        "doubt",
    )


def _criteria_fails(
    people: pl.DataFrame, criteria: pl.DataFrame, pairs: pl.DataFrame | None
) -> pl.DataFrame:
    usable = usable_criteria(criteria)
    if usable.is_empty():
        return pl.DataFrame(
            schema={
                "position": pl.Int64,
                "nct_id": pl.String,
                "order": pl.Int64,
                "reason": pl.String,
            }
        )
    pairs = _pairs(people, usable, pairs)
    ps_value = (
        pl.when(pl.col("scale").is_in(["ECOG", "WHO"]))
        .then(pl.col("ecog").cast(pl.Float64))
        .when(pl.col("scale") == "Karnofsky")
        .then(pl.col("karnofsky").cast(pl.Float64))
        .otherwise(None)
    )
    has = (
        pl.when(pl.col("kind") == "age")
        .then(
            _satisfies(pl.col("age"), pl.col("num_op"), pl.col("num_value"), pl.col("num_value2"))
        )
        .when(pl.col("kind") == "performance_status")
        .then(_satisfies(ps_value, pl.col("num_op"), pl.col("num_value"), pl.col("num_value2")))
        .when((pl.col("kind") == "sex") & pl.col("sex").is_in(["male", "female"]))
        .then(pl.col("sex") == pl.col("sex_value"))
        .otherwise(None)
    )
    required = (pl.col("polarity") == "inclusion") != pl.col("negated")
    return (
        pairs.with_columns(has=has, required=required)
        .filter(pl.col("has").is_not_null() & (pl.col("has") != pl.col("required")))
        .select("position", "nct_id", "order", pl.col("text").alias("reason"))
    )


def prescreen(
    people: pl.DataFrame,
    trials: pl.DataFrame,
    criteria: pl.DataFrame,
    *,
    pairs: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Pairs ruled out in bulk, one row per (position, nct_id) with the first ruling reason.

    ``pairs`` (``position``, ``nct_id``) limits it to those pairs (the relevant trials of
    each patient); by default every patient is paired with every trial.

    ``trials`` has ``nct_id, min_age, max_age, sex_only``; ``criteria`` is the table of
    :func:`matcher.batch.criteria.criteria_table`. The reason is the structured field first,
    else the earliest failing criterion in the trial's text.

    >>> people = pl.DataFrame({"position": [1, 2], "age": [15.0, 40.0], "sex": ["male", None],
    ...     "ecog": [0, None], "karnofsky": [None, None]})
    >>> trials = pl.DataFrame({"nct_id": ["NCT00000001"], "min_age": [18.0],
    ...     "max_age": [None], "sex_only": ["female"]}, schema_overrides={"max_age": pl.Float64})
    >>> from matcher.batch.criteria import EMPTY_CRITERIA
    >>> prescreen(people, trials, EMPTY_CRITERIA).rows()
    [(1, 'NCT00000001', 'structured minimum age 18.0 years')]
    """
    found = pl.concat(
        [_structured_fails(people, trials, pairs), _criteria_fails(people, criteria, pairs)]
    )
    return (
        found.sort("position", "nct_id", "order", "reason")
        .unique(["position", "nct_id"], keep="first", maintain_order=True)
        .select("position", "nct_id", "reason")
    )
