"""Ranking benchmark: cross-validated model vs random and BM25 on each TREC set, with timings.

    .venv/bin/python benchmarks/rank.py [BENCHMARKS_DIR] [--cv 5] [--tables DIR]

BENCHMARKS_DIR defaults to ../shared/data/benchmarks (beside the clone). The model is
scored out-of-fold with GroupKFold by patient, pooled over every set found (as ``trialmatch
train`` reports it). ``--tables`` keeps the raw pair tables as Parquet for analysis (the
notebook can read them).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.bench import BENCHMARK_SETS, Benchmark, baselines, model_run, pair_table  # noqa: E402
from matcher.metrics import evaluate_run  # noqa: E402

METRICS = ("ndcg_10", "p_10", "mrr", "auroc", "false_exclusion")


def _fmt(v: object) -> str:
    return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "benchmarks", nargs="?", type=Path, default=ROOT.parent / "shared" / "data" / "benchmarks"
    )
    ap.add_argument("--cv", type=int, default=5, help="folds (by patient)")
    ap.add_argument("--tables", type=Path, default=None, help="write pair tables here (Parquet)")
    args = ap.parse_args(argv)
    sets = [args.benchmarks / s for s in BENCHMARK_SETS if (args.benchmarks / s).is_dir()]
    if not sets:
        print(f"no benchmark sets under {args.benchmarks}", file=sys.stderr)
        return 2
    tables, base, timing = [], {}, {}
    for folder in sets:
        t0 = time.perf_counter()
        bench = Benchmark.from_dir(folder)
        table = pair_table(bench)
        timing[bench.name] = time.perf_counter() - t0
        t1 = time.perf_counter()
        base[bench.name] = baselines(bench)
        tables.append(table.with_columns(pl.lit(bench.name).alias("set")))
        print(
            f"{bench.name}: {len(bench.queries)} patients, {bench.qrels.height} pairs, "
            f"features (profiles, retrieval, rule engine) in {timing[bench.name]:.1f}s, "
            f"random and BM25 in {time.perf_counter() - t1:.1f}s",
            flush=True,
        )
    table = pl.concat(tables, how="diagonal")
    if args.tables:
        args.tables.mkdir(parents=True, exist_ok=True)
        table.write_parquet(args.tables / "pairs.parquet")
    t0 = time.perf_counter()
    run = model_run(table.drop("set"), cv=args.cv).with_columns(table["set"])
    cv_time = time.perf_counter() - t0
    if args.tables:
        run.write_parquet(args.tables / "run.parquet")
    print(f"\n{args.cv}-fold CV by patient, pooled over {len(sets)} set(s): {cv_time:.1f}s")
    print(f"{'set':14} {'run':7} " + " ".join(f"{m:>15}" for m in METRICS))
    for name in run["set"].unique(maintain_order=True):
        rows = {"model": evaluate_run(run.filter(pl.col("set") == name).drop("set")).as_dict()}
        rows.update(base[name])
        for label, metrics in rows.items():
            print(
                f"{name:14} {label:7} " + " ".join(f"{_fmt(metrics.get(m)):>15}" for m in METRICS)
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
