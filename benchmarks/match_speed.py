"""Time one profile against the bundled corpus and against the 18,000 trials, on one core.

Parsing (once per trial, cached) is timed separately from evaluation (per profile).

    .venv/bin/python benchmarks/match_speed.py [--trials ../shared/data/trials/trials.jsonl.gz]
        [--profile examples/profile.example.json] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import matcher
from profiles.model import PatientProfile
from rules.corpus import bundled_trials
from rules.trial import Trial

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TRIALS = REPO.parent / "shared" / "data" / "trials" / "trials.jsonl.gz"


def read_jsonl(path: Path) -> list[Trial]:
    trials = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if line.strip():
                trials.append(Trial.from_record(json.loads(line), source=str(path), position=i))
    return trials


def bench(name: str, trials: list[Trial], profile: PatientProfile, repeat: int) -> None:
    t0 = time.perf_counter()
    prepared = matcher.prepare(trials)
    parse = time.perf_counter() - t0
    rows = len(prepared.key)
    best_all, best_top = float("inf"), float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        report = matcher.match(profile, prepared, as_of=date(2026, 11, 20), top_k=20)
        best_top = min(best_top, time.perf_counter() - t)
    for _ in range(max(1, repeat // 2)):
        t = time.perf_counter()
        full = matcher.match(profile, prepared, as_of=date(2026, 11, 20))
        best_all = min(best_all, time.perf_counter() - t)
    print(
        f"{name}: {len(trials)} trials, {rows} criteria, {len(prepared.keys)} distinct propositions"
    )
    print(f"  parse + prepare (once): {parse:.2f} s")
    print(f"  evaluate, top 20 explained: {best_top * 1000:.1f} ms (best of {repeat})")
    print(f"  evaluate, all explained:    {best_all * 1000:.1f} ms")
    print(f"  verdicts: {report.counts}; questions: {len(full.questions)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--trials", type=Path, default=DEFAULT_TRIALS)
    ap.add_argument("--profile", type=Path, default=REPO / "examples" / "profile.example.json")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    profile = PatientProfile.model_validate(json.loads(args.profile.read_text()))
    bench("bundled corpus", bundled_trials(), profile, args.repeat)
    if args.trials.exists():
        t = time.perf_counter()
        big = read_jsonl(args.trials)
        print(f"(read {len(big)} trials in {time.perf_counter() - t:.1f} s)")
        bench(args.trials.name, big, profile, args.repeat)
    else:
        print(f"skipped the large set: {args.trials} not found")


if __name__ == "__main__":
    main()
