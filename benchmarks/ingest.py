"""Ingest benchmark: wall time, records/s and peak RSS, then a re-ingest that changes nothing.

Usage: .venv/bin/python benchmarks/ingest.py [PATH ...]
Default: ../shared/data/ctgov/*.json and ../shared/data/trials/trials.jsonl.gz, into a
temporary data folder (deleted afterwards).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from rules.corpus import CorpusStore, ingest_paths

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _run(store: CorpusStore, paths: list[Path], label: str) -> None:
    errors: list[str] = []
    start = time.perf_counter()
    s = ingest_paths(store, paths, on_error=lambda e: errors.append(str(e)))
    wall = time.perf_counter() - start
    records = s.added + s.updated + s.unchanged + s.rejected
    print(
        f"{label}: {records:,} records in {wall:.2f} s ({records / wall:,.0f} records/s); "
        f"added {s.added:,}, updated {s.updated:,}, unchanged {s.unchanged:,}, "
        f"rejected {s.rejected:,}; corpus {s.total:,} trials; peak RSS {_peak_rss_mb():,.0f} MB"
    )
    for e in errors[:5]:
        print(f"  rejected: {e}")


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [
        *sorted((SHARED / "ctgov").glob("*.json")),
        SHARED / "trials" / "trials.jsonl.gz",
    ]
    print(f"inputs: {len(paths)} path(s), {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        store = CorpusStore(Path(tmp))
        _run(store, paths, "ingest")
        _run(store, paths, "re-ingest")
        size = sum(f.stat().st_size for f in store.root.glob("*.parquet"))
        print(f"store: {size / 1e6:.1f} MB of Parquet in {store.root}")
        start = time.perf_counter()
        n = len(store.trials())
        print(f"load: {n:,} trials rebuilt in {time.perf_counter() - start:.2f} s; "
              f"peak RSS {_peak_rss_mb():,.0f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
