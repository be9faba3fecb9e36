"""Parser coverage and speed: share of criteria structured (kind != other), by kind, trials/s.

Usage: .venv/bin/python benchmarks/parse.py [PATH ...]
Reports wall time and CPU time of this process (``time.process_time``): on a shared, loaded
machine the CPU time is what one free core would take.
PATH: a .jsonl(.gz) of v2 records (one per line) or a .json(.gz) array. Defaults to the
bundled nsclc-100 and leukemia-100 sets and ../shared/data/trials/trials.jsonl.gz.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

from rules.criteria import parse_items
from rules.criteria.stats import coverage

REPO = Path(__file__).resolve().parent.parent
DEFAULTS = [
    REPO / "rules" / "data" / "bundled" / "nsclc-100.json.gz",
    REPO / "rules" / "data" / "bundled" / "leukemia-100.json.gz",
    REPO.parent / "shared" / "data" / "trials" / "trials.jsonl.gz",
]


def _texts(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        if ".jsonl" in path.name:
            records = [json.loads(line) for line in fh if line.strip()]
        else:
            records = json.load(fh)
    return [
        (r.get("protocolSection", {}).get("eligibilityModule", {}) or {}).get("eligibilityCriteria")
        or ""
        for r in records
    ]


def main(paths: list[Path]) -> None:
    for path in paths:
        if not path.exists():
            print(f"{path}: missing, skipped")
            continue
        texts = _texts(path)
        t0, c0 = time.perf_counter(), time.process_time()
        parsed = [parse_items(t) for t in texts]
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        report = coverage([c for crits in parsed for c in crits])
        kinds = Counter(report["by_kind"])
        print(
            f"== {path.name}: {len(texts)} trials in {elapsed:.1f} s "
            f"({len(texts) / elapsed:.0f} trials/s); CPU {cpu:.1f} s "
            f"({len(texts) / max(cpu, 1e-9):.0f} trials per CPU second; wall time depends on load)"
        )
        print(f"   criteria {report['criteria']}, structured {report['structured_share']:.1%}")
        print("   by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULTS)
