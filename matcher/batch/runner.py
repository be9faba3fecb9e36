"""``run_batch``: a cohort against the corpus, checkpointed, with nothing lost.

Every input record ends up either in the results (its kept trials, or one ``none`` row) or
in the errors CSV; the summary's counts reconcile (``input_rows == matched_patients +
error_rows``). Finished partitions are checkpointed in ``<results>.parts/`` and the final
files are assembled atomically, so a crash followed by ``resume=True`` finishes the run
without duplicates.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import polars as pl

from matcher.batch import engines
from matcher.batch.checkpoint import Checkpoint, cohort_fingerprint, parts_dir
from matcher.batch.criteria import Parse, criteria_table, parsed_of, trial_table
from matcher.batch.outputs import (
    default_errors_path,
    out_format,
    screen_fails,
    write_errors,
    write_results,
)
from matcher.batch.partition import (
    ERROR_SCHEMA,
    PATIENT_SCHEMA,
    ROW_SCHEMA,
    STATS_SCHEMA,
    Evaluate,
    InputError,
    MatchContext,
    PartitionResult,
)
from matcher.batch.prescreen import Patient, usable_criteria
from matcher.batch.relevance import EMPTY_RELEVANCE, relevance_table
from matcher.batch.source import StoredCorpus
from matcher.batch.types import NO_MATCH, BatchOptions, BatchSummary
from rules.errors import ConfigError
from rules.trial import Trial

Progress = Callable[[int, int], None]


def read_cohort(path: Path) -> Iterator[Patient | InputError]:
    """Every record of the cohort, valid (:class:`Patient`) or not (:class:`InputError`)."""
    from profiles.loaders import iter_profiles

    for rec in iter_profiles(path):
        if rec.profile is not None and not rec.errors:
            pid = rec.patient_id or rec.profile.id or f"#{rec.position}"
            yield Patient(rec.position, pid, rec.profile, rec.where)
        else:
            yield InputError(
                rec.position,
                rec.where,
                rec.patient_id,
                "; ".join(rec.errors) or "unreadable record",
            )


def select_trials(trials: Sequence[Trial], statuses: tuple[str, ...] | None) -> list[Trial]:
    """The trials whose status is one of ``statuses`` (all when None), sorted by NCT id."""
    chosen = [t for t in trials if statuses is None or t.overall_status in statuses]
    return sorted({t.nct_id: t for t in chosen}.values(), key=lambda t: t.nct_id)


def _inclusion() -> pl.Expr:
    return (
        pl.col("parent").is_null()
        & (pl.col("polarity") == "inclusion")
        & ~pl.col("negated")
        & ~pl.col("rule").str.starts_with("ctgov:")
    )


def context_rows(criteria: pl.DataFrame) -> pl.DataFrame:
    """The rows of a criteria table :func:`build_context` reads (the pre-screen's usable
    criteria and the inclusion criteria the relevance reads): a table cut to these gives the
    same context."""
    usable = usable_criteria(criteria).select("nct_id", "order").with_columns(keep=pl.lit(True))
    return (
        criteria.join(usable, on=["nct_id", "order"], how="left")
        .filter(pl.col("keep").fill_null(False) | _inclusion())
        .drop("keep")
    )


def build_context(
    trials: Sequence[Trial],
    *,
    options: BatchOptions,
    evaluate: Evaluate,
    criteria: pl.DataFrame | None = None,
    parse: Parse | None = None,
    relevance: bool = True,
) -> MatchContext:
    """The corpus side of a run: trials, their table, parsed criteria and condition scopes
    (computed once). ``relevance=False`` judges every patient against every trial."""
    if criteria is None:
        if parse is None:
            raise ConfigError("build_context needs the criteria table or a parse function")
        criteria = criteria_table(trials, parse=parse)
    ids = [t.nct_id for t in trials]
    criteria = criteria.filter(pl.col("nct_id").is_in(ids))
    scopes = EMPTY_RELEVANCE.clone()
    if relevance:
        inclusion = criteria.filter(_inclusion())
        scopes = relevance_table(trials, parsed_of(inclusion))
    return MatchContext(
        trials={t.nct_id: t for t in trials},
        trial_table=trial_table(trials),
        criteria=usable_criteria(criteria),  # all the pre-screen reads
        evaluate=evaluate,
        as_of=options.as_of,
        top_k=options.top_k,
        relevance=scopes,
    )


def _digest(items: list[str]) -> str:
    return hashlib.sha256("\n".join(items).encode()).hexdigest()


def _partitions(
    records: list[Patient | InputError], size: int
) -> list[tuple[int, list[Patient | InputError]]]:
    return [(i // size, records[i : i + size]) for i in range(0, len(records), size)]


def run_batch(
    cohort_path: str | Path,
    out_path: str | Path,
    *,
    context: MatchContext | StoredCorpus,
    options: BatchOptions | None = None,
    errors_path: str | Path | None = None,
    on_progress: Progress | None = None,
) -> BatchSummary:
    """Match every patient of ``cohort_path`` and write the results and the errors CSV.

    ``context`` is the corpus side (:func:`build_context`, or
    :func:`matcher.batch.corpus_context` for the stored corpus and the real matcher), or
    :func:`matcher.batch.stored_corpus` (the context is then built where the partitions run:
    in this process for the local engine, once in each Dask worker).
    ``on_progress(patients_done, patients_total)`` is called as partitions finish.
    """
    options = options or BatchOptions()
    started = time.perf_counter()
    cohort, out = Path(cohort_path), Path(out_path)
    out_format(out)  # refuse an unknown extension before any work
    if options.top_k < 1:
        raise ConfigError(f"--top-k must be at least 1, got {options.top_k}")
    if options.partition_size < 1:
        raise ConfigError(f"partition size must be at least 1, got {options.partition_size}")
    errors_file = Path(errors_path) if errors_path else default_errors_path(out)
    records = list(read_cohort(cohort))
    identity = {
        "cohort": cohort_fingerprint(cohort),
        "options": options.fingerprint(),
        "trials": _digest(sorted(context.trial_ids)),
    }
    ckpt = Checkpoint.open(parts_dir(out), identity, resume=options.resume)
    parts = _partitions(records, options.partition_size)
    todo = [(i, recs) for i, recs in parts if not ckpt.is_done(i)]
    total = sum(isinstance(r, Patient) for r in records)
    done = [total - sum(isinstance(r, Patient) for _, recs in todo for r in recs)]
    if on_progress:
        on_progress(done[0], total)

    def finished(index: int, result: PartitionResult) -> None:
        ckpt.write(index, result)
        done[0] += result.patients.height
        if on_progress:
            on_progress(done[0], total)

    engines.run(todo, context, finished, options=options)
    summary = _assemble(ckpt, out, errors_file, context)
    summary.input_rows = len(records)
    summary.partitions, summary.resumed_partitions = len(parts), len(parts) - len(todo)
    summary.trials = len(context.trial_ids)
    summary.seconds = time.perf_counter() - started
    if not summary.reconciles:  # never hand back a run that lost rows
        raise ConfigError(
            f"counts do not reconcile: {summary.input_rows} input rows, "
            f"{summary.matched_patients} matched patients, {summary.error_rows} errors",
            where=str(parts_dir(out)),
            hint="run again without --resume",
        )
    ckpt.remove()
    return summary


def _assemble(
    ckpt: Checkpoint, out: Path, errors_file: Path, ctx: MatchContext | StoredCorpus
) -> BatchSummary:
    rows = ckpt.read("rows", ROW_SCHEMA).sort("position", "rank", nulls_last=True)
    patients = ckpt.read("patients", PATIENT_SCHEMA).sort("position")
    errors = ckpt.read("errors", ERROR_SCHEMA).sort("position")
    stats = ckpt.read("stats", STATS_SCHEMA)
    titles = ctx.titles
    write_errors(errors, errors_file)
    write_results(rows, out, patients=patients, fails=screen_fails(stats, titles))
    return BatchSummary(
        matched_patients=patients.height,
        error_rows=errors.height,
        result_rows=rows.height,
        patients_without_match=rows.filter(pl.col("verdict") == NO_MATCH).height,
        pairs_not_relevant=sum(v.get("not_relevant", 0) for v in ckpt.done.values()),
        pairs_prescreened=sum(v["prescreened"] for v in ckpt.done.values()),
        pairs_evaluated=sum(v["evaluated"] for v in ckpt.done.values()),
        out_path=out,
        errors_path=errors_file,
    )
