"""Time one profile against the bundled corpus and against the 18,000 trials, on one core.

Parsing (once per trial) is timed separately from evaluation (per profile). Parsed criteria
can be cached in a Parquet file (the batch helper's criteria table format, keyed by the
parser's digest), so a second run skips the parse.

    taskset -c 0 .venv/bin/python benchmarks/match_speed.py \
        [--trials ../shared/data/trials/trials.jsonl.gz] [--profile examples/profile.example.json] \
        [--repeat 5] [--cache /tmp/trialmatch-criteria.parquet]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import polars as pl

import matcher
from matcher.batch.corpus import parser_digest
from matcher.batch.criteria import parsed_of, table_of
from profiles.model import PatientProfile
from rules.corpus import bundled_trials
from rules.criterion import Criterion
from rules.trial import Trial

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TRIALS = REPO.parent / "shared" / "data" / "trials" / "trials.jsonl.gz"
AS_OF = date(2026, 11, 20)


def read_jsonl(path: Path) -> list[Trial]:
    trials = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if line.strip():
                trials.append(Trial.from_record(json.loads(line), source=str(path), position=i))
    return trials


def parse_all(trials: list[Trial], cache: Path | None) -> tuple[dict[str, list[Criterion]], str]:
    """Parsed free-text criteria by NCT id, from ``cache`` when it matches the parser."""
    digest = parser_digest()
    wanted = {t.nct_id for t in trials}
    if cache is not None and cache.exists():
        table = pl.read_parquet(cache)
        if table.height and table["parser_digest"][0] == digest:
            parsed = parsed_of(table.drop("parser_digest"))
            if wanted <= set(parsed) | set(table["nct_id"].to_list()):
                return {n: parsed.get(n, []) for n in wanted}, "from cache"
    from rules.criteria import parse_trial

    parsed: dict[str, list[Criterion]] = {}
    t0 = time.perf_counter()
    for i, t in enumerate(trials, 1):
        parsed[t.nct_id] = list(parse_trial(t)) if t.eligibility_criteria else []
        if i % 500 == 0 or i == len(trials):
            rate = i / (time.perf_counter() - t0)
            print(f"\r  parsing {i}/{len(trials)} ({rate:.0f}/s)", end="", file=sys.stderr)
    print(file=sys.stderr)
    if cache is not None:
        table = table_of(parsed).with_columns(parser_digest=pl.lit(digest))
        marks = pl.DataFrame({"nct_id": [n for n, cs in parsed.items() if not cs]})
        pl.concat(
            [table, marks.with_columns(parser_digest=pl.lit(digest))], how="diagonal"
        ).write_parquet(cache)
    return parsed, "parsed"


def bench(
    name: str, trials: list[Trial], profile: PatientProfile, repeat: int, cache: Path | None
) -> None:
    t0 = time.perf_counter()
    parsed, how = parse_all(trials, cache)
    parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    prepared = matcher.from_criteria(trials, [parsed[t.nct_id] for t in trials])
    prep = time.perf_counter() - t0
    rows = len(prepared.key)
    matcher.match(profile, prepared, as_of=AS_OF, top_k=20)  # warm caches (vocabularies)
    best_all, best_top = float("inf"), float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        report = matcher.match(profile, prepared, as_of=AS_OF, top_k=20)
        best_top = min(best_top, time.perf_counter() - t)
    for _ in range(max(1, repeat // 2)):
        t = time.perf_counter()
        full = matcher.match(profile, prepared, as_of=AS_OF)
        best_all = min(best_all, time.perf_counter() - t)
    print(
        f"{name}: {len(trials)} trials, {rows} criteria, {len(prepared.keys)} distinct propositions"
    )
    print(f"  parse ({how}, once): {parse:.2f} s; prepare (guards, arrays; once): {prep:.2f} s")
    print(f"  evaluate, top 20 explained: {best_top * 1000:.1f} ms (best of {repeat})")
    print(f"  evaluate, all explained:    {best_all * 1000:.1f} ms")
    print(f"  verdicts: {report.counts}; questions: {len(full.questions)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--trials", type=Path, default=DEFAULT_TRIALS)
    ap.add_argument("--profile", type=Path, default=REPO / "examples" / "profile.example.json")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=None, help="Parquet file caching the parse")
    ap.add_argument("--skip-bundled", action="store_true")
    args = ap.parse_args()
    profile = PatientProfile.model_validate(json.loads(args.profile.read_text()))
    if not args.skip_bundled:
        bench("bundled corpus", bundled_trials(), profile, args.repeat, None)
    if args.trials.exists():
        t = time.perf_counter()
        big = read_jsonl(args.trials)
        print(f"(read {len(big)} trials in {time.perf_counter() - t:.1f} s)")
        bench(args.trials.name, big, profile, args.repeat, args.cache)
    else:
        print(f"skipped the large set: {args.trials} not found")


if __name__ == "__main__":
    main()
