"""Measure batch matching: a synthetic cohort against the 18k-trial set, local and Dask.

    .venv/bin/python benchmarks/batch.py --patients 10000 --workers 2
    .venv/bin/python benchmarks/batch.py --patients 1000 --prescreen-only

Prints wall time, patients per second, peak memory (max RSS of this process and of its
children, i.e. the Dask workers) and the Dask speed-up. ``--prescreen-only`` times only the
vectorized pre-screen (every patient x every trial), which needs neither parser nor matcher.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synth_cohort import generate, write

DEFAULT_TRIALS = (
    Path(__file__).resolve().parent.parent.parent / "shared/data/trials/trials.jsonl.gz"
)
AS_OF = date(2026, 11, 20)


def peak_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def prescreen_only(trials, patients: int) -> None:
    import polars as pl

    from matcher.batch.criteria import EMPTY_CRITERIA, trial_table
    from matcher.batch.prescreen import Patient, patient_table, prescreen
    from profiles.model import PatientProfile

    table = trial_table(trials)
    profiles = [PatientProfile.model_validate(p) for p in generate(patients, seed=7, as_of=AS_OF)]
    people = patient_table(
        [Patient(i, p.id or "", p) for i, p in enumerate(profiles, 1)], as_of=AS_OF
    )
    started = time.perf_counter()
    ruled = pl.concat(
        [
            prescreen(people.slice(i, 100), table, EMPTY_CRITERIA)
            for i in range(0, people.height, 100)
        ]
    )
    seconds = time.perf_counter() - started
    pairs = people.height * table.height
    print(
        f"pre-screen: {people.height} patients x {table.height} trials = {pairs:,} pairs in "
        f"{seconds:.2f} s ({pairs / seconds:,.0f} pairs/s); {ruled.height:,} ruled out "
        f"(structured age/sex only: no criteria table without the parser)"
    )


def full(trials, args) -> None:
    from matcher.batch import BatchOptions, corpus_context, run_batch
    from rules.corpus import CorpusStore

    work = Path(tempfile.mkdtemp(prefix="tm-batch-"))
    data = args.data_dir or work / "data"
    store = CorpusStore(data)
    if store.is_empty:  # a kept --data-dir reuses its ingested trials and parse cache
        store.ingest(trials)
    cohort = work / "cohort.jsonl"
    write(generate(args.patients, seed=7, as_of=AS_OF), cohort)
    statuses = None if args.status == "any" else tuple(args.status.split(","))
    base = dict(as_of=AS_OF, statuses=statuses, top_k=20, partition_size=args.partition_size)
    started = time.perf_counter()
    ctx = corpus_context(options=BatchOptions(**base), data_dir=data)
    print(
        f"corpus context ({len(ctx.trials)} trials, parse + cache): "
        f"{time.perf_counter() - started:.1f} s"
    )
    runs = {}
    for engine in args.engines.split(","):
        opts = BatchOptions(**base, engine=engine, workers=args.workers)
        summary = run_batch(cohort, work / f"{engine}.parquet", context=ctx, options=opts)
        runs[engine] = summary
        me, kids = peak_mb()
        print(
            f"{engine}: {summary.matched_patients} patients ({summary.error_rows} errors) in "
            f"{summary.seconds:.1f} s = {summary.patients_per_second:.1f} patients/s; "
            f"pairs not relevant {summary.pairs_not_relevant:,}, "
            f"pre-screened {summary.pairs_prescreened:,}, evaluated "
            f"{summary.pairs_evaluated:,}; peak RSS driver {me:.0f} MB, workers {kids:.0f} MB"
        )
    if "local" in runs and "dask" in runs:
        print(
            f"dask speed-up with {args.workers} workers: "
            f"{runs['local'].seconds / runs['dask'].seconds:.2f}x"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=Path, default=DEFAULT_TRIALS)
    ap.add_argument("--limit-trials", type=int, default=None, help="first N trials only")
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partition-size", type=int, default=200)
    ap.add_argument("--status", default="any", help="'any' or comma-separated statuses")
    ap.add_argument("--engines", default="local,dask", help="comma-separated: local, dask")
    ap.add_argument("--prescreen-only", action="store_true")
    ap.add_argument(
        "--data-dir", type=Path, default=None, help="keep the store (and its parse cache) here"
    )
    args = ap.parse_args()
    from rules.corpus import dedupe, read_trials

    started = time.perf_counter()
    trials, bad = read_trials([args.trials])
    trials = dedupe(trials)[: args.limit_trials]
    print(
        f"read {len(trials)} trials ({len(bad)} unreadable) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    if args.prescreen_only:
        prescreen_only(trials, args.patients)
    else:
        full(trials, args)


if __name__ == "__main__":
    main()
