"""Corpus-side tables for the pre-screen: trials and their parsed criteria, computed once.

The criteria table has one row per parsed criterion with the columns the vectorized
pre-screen reads (numbers, scale, sex) pulled out of ``params``; the full params stay as
JSON text so nothing is lost. It is cached through ``CorpusStore.write_table("criteria")``
when a corpus store is given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import polars as pl

from rules.criterion import Criterion
from rules.trial import Trial

Parse = Callable[[Trial], list[Criterion]]

CRITERIA_SCHEMA: dict[str, Any] = {
    "nct_id": pl.String,
    "id": pl.String,
    "order": pl.Int64,
    "start": pl.Int64,
    "end": pl.Int64,
    "section": pl.String,
    "polarity": pl.String,
    "kind": pl.String,
    "text": pl.String,
    "confidence": pl.Float64,
    "rule": pl.String,
    "parent": pl.String,
    "negated": pl.Boolean,
    "composite": pl.Boolean,
    "conditional": pl.Boolean,
    "num_op": pl.String,
    "num_value": pl.Float64,
    "num_value2": pl.Float64,
    "num_unit": pl.String,
    "scale": pl.String,
    "sex_value": pl.String,
    "params": pl.String,
    "doubt": pl.String,
}
#: the ``doubt`` of a criterion whose trial was not at hand to check it (never trusted)
UNCHECKED = "unchecked"
EMPTY_CRITERIA = pl.DataFrame(schema=CRITERIA_SCHEMA)
TRIALS_SCHEMA: dict[str, Any] = {
    "nct_id": pl.String,
    "status": pl.String,
    "title": pl.String,
    "min_age": pl.Float64,
    "max_age": pl.Float64,
    "sex_only": pl.String,
}


def trial_table(trials: Iterable[Trial]) -> pl.DataFrame:
    """Structured fields of the trials, one row each (``sex_only`` null for all sexes).

    >>> t = Trial(nct_id="NCT00000001", minimum_age="18 Years", sex="FEMALE")
    >>> trial_table([t]).row(0)
    ('NCT00000001', None, 'NCT00000001', 18.0, None, 'female')
    """
    rows = [
        {
            "nct_id": t.nct_id,
            "status": t.overall_status,
            "title": t.title,
            "min_age": t.min_age_years,
            "max_age": t.max_age_years,
            "sex_only": (t.sex or "").lower()
            if (t.sex or "").upper() in ("MALE", "FEMALE")
            else None,
        }
        for t in trials
    ]
    return pl.DataFrame(rows, schema=TRIALS_SCHEMA)


def criterion_row(
    nct_id: str, order: int, c: Criterion, doubt: str | None = None
) -> dict[str, Any]:
    """Flatten one criterion for the table.

    ``doubt`` is the matcher's guard reason (``matcher.guards.doubts``): a doubted criterion
    cannot rule a patient out, in the matcher or in the pre-screen.

    >>> c = Criterion(id="c1", polarity="inclusion", text="ECOG 0-1", start=0, end=8,
    ...     kind="performance_status", confidence=0.9, rule="ps.ecog",
    ...     params={"scale": "ECOG", "score": {"op": "between", "value": 0, "value2": 1}})
    >>> r = criterion_row("NCT00000001", 0, c)
    >>> r["scale"], r["num_op"], r["num_value"], r["num_value2"], r["negated"]
    ('ECOG', 'between', 0.0, 1.0, False)
    """
    p = c.params or {}
    number = (
        p.get("age")
        if c.kind == "age"
        else p.get("score")
        if c.kind == "performance_status"
        else None
    )
    number = number if isinstance(number, dict) else {}
    return {
        "nct_id": nct_id,
        "id": c.id,
        "order": order,
        "start": c.start,
        "end": c.end,
        "section": c.section,
        "polarity": c.polarity,
        "kind": c.kind,
        "text": c.text,
        "confidence": float(c.confidence),
        "rule": c.rule,
        "parent": c.parent,
        "negated": bool(p.get("negated", False)),
        "composite": "any_of" in p or "all_of" in p,
        "conditional": bool(p.get("condition")) or bool(p.get("exceptions")),
        "num_op": number.get("op"),
        "num_value": _num(number.get("value")),
        "num_value2": _num(number.get("value2")),
        "num_unit": number.get("unit"),
        "scale": p.get("scale") if c.kind == "performance_status" else None,
        "sex_value": p.get("sex") if c.kind == "sex" else None,
        "params": json.dumps(p, sort_keys=True, default=str),
        "doubt": doubt,
    }


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def criteria_table(trials: Sequence[Trial], *, parse: Parse) -> pl.DataFrame:
    """Parse every trial once and return its criteria as one table (see module doc)."""
    return table_of({t.nct_id: list(parse(t)) for t in trials}, trials=trials)


def table_of(
    parsed: dict[str, list[Criterion]], *, trials: Iterable[Trial] | None = None
) -> pl.DataFrame:
    """The criteria table of already parsed criteria, by NCT id.

    With ``trials``, each criterion's ``doubt`` is the matcher's guard reason for it (the
    guards read the whole trial); without, every ``doubt`` is ``"unchecked"``.
    """
    from matcher.guards import doubts

    by_id = {t.nct_id: t for t in trials} if trials is not None else {}
    rows: list[dict[str, Any]] = []
    for n, cs in parsed.items():
        trial = by_id.get(n)
        reasons = doubts(trial, cs) if trial is not None else [UNCHECKED] * len(cs)
        rows.extend(
            criterion_row(n, i, c, d) for i, (c, d) in enumerate(zip(cs, reasons, strict=True))
        )
    return pl.DataFrame(rows, schema=CRITERIA_SCHEMA) if rows else EMPTY_CRITERIA.clone()


def parsed_of(table: pl.DataFrame) -> dict[str, list[Criterion]]:
    """Criteria back from the table (inverse of :func:`table_of`), in their order.

    >>> c = Criterion(id="c1", polarity="exclusion", text="Pregnant", start=3, end=11,
    ...     kind="pregnancy", confidence=0.9, rule="preg", params={"breastfeeding": False})
    >>> parsed_of(table_of({"NCT00000001": [c]}))["NCT00000001"] == [c]
    True
    """
    out: dict[str, list[Criterion]] = {}
    for r in table.sort("nct_id", "order").iter_rows(named=True):
        out.setdefault(r["nct_id"], []).append(
            Criterion(
                id=r["id"],
                polarity=r["polarity"],
                text=r["text"],
                start=r["start"],
                end=r["end"],
                kind=r["kind"],
                params=json.loads(r["params"]),
                confidence=r["confidence"],
                rule=r["rule"],
                section=r["section"],
                parent=r["parent"],
            )
        )
    return out
