"""Match one partition of the cohort: the same pure function for every engine.

``match_partition(records, ctx)`` pre-screens all (patient, trial) pairs in bulk, runs the
explained evaluation on the pairs left, and returns four tables: the kept rows (top-k
eligible / possibly eligible per patient, or one ``none`` row), one summary row per patient,
per-trial screen-fail counts, and the input errors of the partition. Its output depends only
on its input (sorted, ties broken by NCT id), so engines and resumes give identical rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from typing import Any, Protocol

import polars as pl

from matcher.batch.prescreen import Patient, patient_table, prescreen
from matcher.batch.relevance import EMPTY_RELEVANCE, patient_cancers, relevant_trials
from matcher.batch.types import NO_MATCH, Evaluation, PairResult
from profiles.model import PatientProfile
from rules.trial import Trial

#: judge one profile against the given trials (by NCT id, reference date, top-k kept)
Evaluate = Callable[[PatientProfile, Sequence[str], date, int], Evaluation]
_VERDICT_ORDER = {"eligible": 0, "possibly_eligible": 1, "ineligible": 2}
JOIN = " | "

ROW_SCHEMA: dict[str, Any] = {
    "position": pl.Int64,
    "patient_id": pl.String,
    "rank": pl.Int64,
    "nct_id": pl.String,
    "title": pl.String,
    "verdict": pl.String,
    "score": pl.Float64,
    "n_met": pl.Int64,
    "n_not_met": pl.Int64,
    "n_unknown": pl.Int64,
    "n_needs_clinician": pl.Int64,
    "ruling_criteria": pl.String,
    "questions": pl.String,
}
PATIENT_SCHEMA: dict[str, Any] = {
    "position": pl.Int64,
    "patient_id": pl.String,
    "trials_considered": pl.Int64,
    "not_relevant": pl.Int64,
    "eligible": pl.Int64,
    "possibly_eligible": pl.Int64,
    "ineligible": pl.Int64,
    "ruled_out_in_prescreen": pl.Int64,
    "kept": pl.Int64,
    "best_nct_id": pl.String,
    "best_verdict": pl.String,
    "best_score": pl.Float64,
}
STATS_SCHEMA: dict[str, Any] = {
    "nct_id": pl.String,
    "what": pl.String,
    "item": pl.String,
    "patients": pl.Int64,
}
ERROR_SCHEMA: dict[str, Any] = {
    "position": pl.Int64,
    "where": pl.String,
    "patient_id": pl.String,
    "reason": pl.String,
}


@dataclass(frozen=True)
class InputError:
    """An input record that could not be read or validated."""

    position: int
    where: str
    patient_id: str | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class MatchContext:
    """The corpus side, built once per run and shipped once to every worker."""

    trials: dict[str, Trial]
    trial_table: pl.DataFrame
    criteria: pl.DataFrame
    evaluate: Evaluate
    as_of: date
    top_k: int
    #: trial scopes for condition relevance (empty: every trial is relevant to everyone)
    relevance: pl.DataFrame = field(default_factory=EMPTY_RELEVANCE.clone)

    @property
    def trial_ids(self) -> list[str]:
        return list(self.trials)

    @property
    def titles(self) -> pl.DataFrame:
        return self.trial_table.select("nct_id", "title")

    def load(self) -> MatchContext:
        """Itself (a recipe, :class:`matcher.batch.source.Recipe`, builds one)."""
        return self


class Loads(Protocol):
    """A context, or a recipe that builds one in the process running the partition."""

    def load(self) -> MatchContext: ...


@dataclass(frozen=True, kw_only=True)
class PartitionResult:
    rows: pl.DataFrame
    patients: pl.DataFrame
    stats: pl.DataFrame
    errors: pl.DataFrame
    pairs_not_relevant: int
    pairs_prescreened: int
    pairs_evaluated: int


def _sort_key(r: PairResult) -> tuple[int, float, str]:
    return (_VERDICT_ORDER[r.verdict], -r.score, r.nct_id)


def _patient_rows(p: Patient, kept: list[PairResult], ctx: MatchContext) -> list[dict]:
    kept = sorted(kept, key=_sort_key)[: ctx.top_k]
    if not kept:
        return [
            {
                "position": p.position,
                "patient_id": p.patient_id,
                "rank": None,
                "nct_id": None,
                "title": None,
                "verdict": NO_MATCH,
                "score": None,
                "n_met": None,
                "n_not_met": None,
                "n_unknown": None,
                "n_needs_clinician": None,
                "ruling_criteria": None,
                "questions": None,
            }
        ]
    return [
        {
            "position": p.position,
            "patient_id": p.patient_id,
            "rank": i,
            "nct_id": r.nct_id,
            "title": r.title or ctx.trials[r.nct_id].title,
            "verdict": r.verdict,
            "score": round(r.score, 6),
            "n_met": r.n_met,
            "n_not_met": r.n_not_met,
            "n_unknown": r.n_unknown,
            "n_needs_clinician": r.n_needs_clinician,
            "ruling_criteria": JOIN.join(r.ruling) or None,
            "questions": JOIN.join(r.questions[:5]) or None,
        }
        for i, r in enumerate(kept, start=1)
    ]


def _summary(
    p: Patient, ev: Evaluation, *, total: int, not_relevant: int, ruled_out: int, kept: int
) -> dict:
    best = min(ev.kept, key=_sort_key) if ev.kept else None
    return {
        "position": p.position,
        "patient_id": p.patient_id,
        "trials_considered": total,
        "not_relevant": not_relevant,
        "eligible": ev.counts.get("eligible", 0),
        "possibly_eligible": ev.counts.get("possibly_eligible", 0),
        "ineligible": ev.counts.get("ineligible", 0) + ruled_out,
        "ruled_out_in_prescreen": ruled_out,
        "kept": kept,
        "best_nct_id": best.nct_id if best else None,
        "best_verdict": best.verdict if best else NO_MATCH,
        "best_score": round(best.score, 6) if best else None,
    }


def _failed(p: Patient, exc: Exception) -> InputError:
    return InputError(
        p.position,
        p.where,
        p.patient_id,
        f"matching failed ({type(exc).__name__}: {exc}); please report it",
    )


def _candidate_pairs(
    patients: Sequence[Patient], relevant: dict[int, list[str]], all_ids: list[str]
) -> pl.DataFrame:
    """(position, nct_id) of each patient's relevant trials (all trials when no cancer)."""
    positions = [p.position for p in patients]
    return (
        pl.DataFrame(
            {"position": positions, "nct_id": [relevant.get(n, all_ids) for n in positions]},
            schema={"position": pl.Int64, "nct_id": pl.List(pl.String)},
        )
        .explode("nct_id")
        .drop_nulls()
    )


def match_partition(records: Sequence[Patient | InputError], source: Loads) -> PartitionResult:
    """Match the valid records of one partition against the corpus of ``source`` (a
    :class:`MatchContext`, or a recipe that builds it once per process).

    Per patient: the trials studying other conditions are set aside (not relevant), the
    vectorized pre-screen rules out the sure failures, and the matcher judges the rest.
    """
    ctx = source.load()
    patients = [r for r in records if isinstance(r, Patient)]
    errors = [r for r in records if isinstance(r, InputError)]
    out = pl.DataFrame(schema=ROW_SCHEMA).to_dicts()
    summaries: list[dict] = []
    stats: Counter[tuple[str, str, str]] = Counter()
    evaluated = not_relevant_pairs = prescreened = 0
    cancers: dict[int, tuple[str, ...]] = {}
    for p in patients:
        try:
            cancers[p.position] = patient_cancers(p.profile, as_of=ctx.as_of)
        except Exception:  # judged against every trial; the matcher reports the problem
            cancers[p.position] = ()
    relevant = relevant_trials(cancers, ctx.relevance)
    all_ids = ctx.trial_table["nct_id"].to_list()
    ruled = prescreen(
        patient_table(patients, as_of=ctx.as_of),
        ctx.trial_table,
        ctx.criteria,
        pairs=_candidate_pairs(patients, relevant, all_ids),
    )
    by_patient: dict[int, dict[str, str]] = {}
    for position, nct_id, reason in ruled.iter_rows():
        by_patient.setdefault(position, {})[nct_id] = reason
    for p in patients:
        candidates = relevant.get(p.position, all_ids)
        fails = by_patient.get(p.position, {})
        out_here = {n: fails[n] for n in candidates if n in fails}
        try:
            ev = ctx.evaluate(
                p.profile, [n for n in candidates if n not in out_here], ctx.as_of, ctx.top_k
            )
        except Exception as exc:  # one patient's failure must not lose the others
            errors.append(_failed(p, exc))
            continue
        evaluated += ev.judged
        prescreened += len(out_here)
        not_relevant_pairs += len(all_ids) - len(candidates)
        stats.update(zip(candidates, repeat("judged"), repeat("")))
        for nct_id, reason in out_here.items():
            stats[(nct_id, "rules_out", reason)] += 1
        for question, nct_ids in ev.unlocks:  # counted in C: thousands per patient
            stats.update(zip(nct_ids, repeat("unlocks"), repeat(question)))
        rows = _patient_rows(p, ev.kept, ctx)
        out.extend(rows)
        summaries.append(
            _summary(
                p,
                ev,
                total=len(all_ids),
                not_relevant=len(all_ids) - len(candidates),
                ruled_out=len(out_here),
                kept=sum(1 for row in rows if row["nct_id"] is not None),
            )
        )
    return PartitionResult(
        rows=pl.DataFrame(out, schema=ROW_SCHEMA),
        patients=pl.DataFrame(summaries, schema=PATIENT_SCHEMA),
        stats=pl.DataFrame(
            [
                {"nct_id": k[0], "what": k[1], "item": k[2], "patients": v}
                for k, v in sorted(stats.items())
            ],
            schema=STATS_SCHEMA,
        ),
        errors=pl.DataFrame([e.__dict__ for e in errors], schema=ERROR_SCHEMA).sort("position"),
        pairs_not_relevant=not_relevant_pairs,
        pairs_prescreened=prescreened,
        pairs_evaluated=evaluated,
    )
