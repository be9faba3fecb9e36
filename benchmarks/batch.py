"""Measure batch matching: a synthetic cohort against the 18k-trial set, local and Dask.

    .venv/bin/python benchmarks/batch.py --patients 10000 --workers 2 --data-dir /tmp/b7/data
    .venv/bin/python benchmarks/batch.py --patients 1000 --prescreen-only

Each engine runs in a fresh child process (``--run-engine``) so one run's memory does not
count in the next. Prints per engine: the corpus-side build time, the matching time, the
total wall time, patients per second, and the peak memory **in total**: the RSS of the child
and all its descendants (Dask nannies, workers) summed, sampled every 0.2 s with psutil, with
each process's own peak beside it; then the Dask speed-up. ``--prescreen-only`` times only
the vectorized pre-screen (every patient x every trial), which needs neither parser nor
matcher.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synth_cohort import generate, write

DEFAULT_TRIALS = (
    Path(__file__).resolve().parent.parent.parent / "shared/data/trials/trials.jsonl.gz"
)
AS_OF = date(2026, 11, 20)


class TreeMemory:
    """Samples the summed RSS of a process and its descendants until stopped."""

    def __init__(self, pid: int, *, every: float = 0.2):
        import psutil

        self.root = psutil.Process(pid)
        self.every = every
        self.peak_total = 0
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            total = 0
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    name = "driver" if p.pid == self.root.pid else _role(p)
                except psutil.Error:
                    continue
                total += rss
                key = f"{name} {p.pid}"
                self.peaks[key] = max(self.peaks.get(key, 0), rss)
            self.peak_total = max(self.peak_total, total)
            self._stop.wait(self.every)


def _role(p) -> str:
    line = " ".join(p.cmdline())
    for role in ("nanny", "worker", "spawn_main", "resource_tracker"):
        if role in line:
            return role
    return p.name()


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


def _store(trials, args, work: Path) -> Path:
    from rules.corpus import CorpusStore

    data = args.data_dir or work / "data"
    store = CorpusStore(data)
    if store.is_empty:  # a kept --data-dir reuses its ingested trials and parse cache
        store.ingest(trials)
    return data


def run_engine(args) -> None:
    """Child process: one engine over the cohort; prints a JSON line."""
    from matcher.batch import BatchOptions, corpus_context, run_batch, stored_corpus

    statuses = None if args.status == "any" else tuple(args.status.split(","))
    opts = BatchOptions(
        as_of=AS_OF,
        statuses=statuses,
        top_k=20,
        partition_size=args.partition_size,
        engine=args.run_engine,
        workers=args.workers,
    )
    started = time.perf_counter()
    digest = args.cache_digest  # the parse cache the parent made current
    if args.run_engine == "dask":  # the workers build the context from the store
        source = stored_corpus(options=opts, data_dir=args.data_dir, digest=digest)
    else:
        source = corpus_context(options=opts, data_dir=args.data_dir, digest=digest)
    built = time.perf_counter() - started
    out = args.cohort.parent / f"{args.run_engine}.parquet"
    summary = run_batch(args.cohort, out, context=source, options=opts)
    record = {
        "engine": args.run_engine,
        "trials": summary.trials,
        "patients": summary.matched_patients,
        "errors": summary.error_rows,
        "build_s": built,
        "run_s": summary.seconds,
        "wall_s": time.perf_counter() - started,
        "not_relevant": summary.pairs_not_relevant,
        "prescreened": summary.pairs_prescreened,
        "evaluated": summary.pairs_evaluated,
        "out": str(out),
    }
    print("RESULT " + json.dumps(record), flush=True)


def full(trials, args) -> None:
    import polars as pl

    from matcher.batch.corpus import ensure_cache
    from rules.corpus import CorpusStore

    work = Path(tempfile.mkdtemp(prefix="tm-batch-"))
    data = _store(trials, args, work)
    started = time.perf_counter()
    digest = ensure_cache(CorpusStore(data))  # not timed below: a one-off per parser change
    print(f"parse cache of parser {digest} current in {time.perf_counter() - started:.1f} s")
    cohort = work / "cohort.jsonl"
    write(generate(args.patients, seed=7, as_of=AS_OF), cohort)
    runs = {}
    for engine in args.engines.split(","):
        cmd = [
            sys.executable,
            __file__,
            "--run-engine",
            engine,
            "--cohort",
            str(cohort),
            "--data-dir",
            str(data),
            "--status",
            args.status,
            "--workers",
            str(args.workers),
            "--partition-size",
            str(args.partition_size),
            "--cache-digest",
            str(digest),
        ]
        load = os.getloadavg()
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        with TreeMemory(child.pid) as mem:
            output, _ = child.communicate()
        if child.returncode:
            raise SystemExit(f"{engine} run failed ({child.returncode}):\n{output}")
        rec = json.loads(next(ln for ln in output.splitlines() if ln.startswith("RESULT "))[7:])
        runs[engine] = rec
        after = os.getloadavg()
        each = ", ".join(
            f"{k} {v / 2**20:,.0f}" for k, v in sorted(mem.peaks.items()) if v > 50 * 2**20
        )
        print(
            f"{engine}: {rec['patients']} patients ({rec['errors']} errors) x {rec['trials']} "
            f"trials: corpus side {rec['build_s']:.1f} s, matching {rec['run_s']:.1f} s, "
            f"wall {rec['wall_s']:.1f} s = {rec['patients'] / rec['wall_s']:.1f} patients/s "
            f"({rec['patients'] / rec['run_s']:.1f} in matching); pairs not relevant "
            f"{rec['not_relevant']:,}, pre-screened {rec['prescreened']:,}, evaluated "
            f"{rec['evaluated']:,}; peak RSS in total {mem.peak_total / 2**20:,.0f} MB "
            f"(per process, MB: {each}); load average {load[0]:.1f} before, "
            f"{after[0]:.1f} after"
        )
    if "local" in runs and "dask" in runs:
        print(
            f"dask speed-up with {args.workers} workers: wall "
            f"{runs['local']['wall_s'] / runs['dask']['wall_s']:.2f}x"
        )
        same = pl.read_parquet(runs["local"]["out"]).equals(pl.read_parquet(runs["dask"]["out"]))
        print(f"rows identical local vs dask: {same}")


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
    ap.add_argument("--run-engine", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--cohort", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--cache-digest", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run_engine:
        run_engine(args)
        return
    from rules.corpus import CorpusStore, dedupe, read_trials

    if not args.prescreen_only and args.data_dir and not CorpusStore(args.data_dir).is_empty:
        print(f"trials: the store in {args.data_dir} (kept from an earlier run)")
        full([], args)
        return
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
