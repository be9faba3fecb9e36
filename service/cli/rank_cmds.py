"""``trialmatch train`` and ``trialmatch benchmark``: the ranking model and its honest numbers."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import polars as pl
import typer
from rich.table import Table

from service.cli.app import app, console, fail

DEFAULT_BENCHMARKS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "benchmarks"
METRICS = ("ndcg_10", "p_10", "mrr", "auroc", "false_exclusion")


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def _fmt(value: object) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _table(title: str, rows: dict[str, dict[str, object]]) -> Table:
    table = Table(title=title)
    table.add_column("run")
    for m in METRICS:
        table.add_column(m, justify="right")
    for name, metrics in rows.items():
        table.add_row(name, *(_fmt(metrics.get(m)) for m in METRICS))
    return table


@app.command()
def train(
    benchmarks: Path = typer.Option(
        DEFAULT_BENCHMARKS, "--benchmarks", help="Folder of benchmark sets."
    ),
    out: Path = typer.Option(
        None, "--out", help="Where to write the model (default: the shipped one)."
    ),
    cv: int = typer.Option(
        5, "--cv", min=2, help="Folds for the cross-validated report (by patient)."
    ),
    repeats: int = typer.Option(
        1,
        "--repeats",
        min=1,
        help="Also cross-validate over this many dealings of the patients into folds (the "
        "default one plus seeded shuffles) and report each metric's mean and range.",
    ),
    lexicon_corpus: list[Path] = typer.Option(
        None,
        "--lexicon-corpus",
        help="Trial files (JSON, JSONL(.gz), folders) to rebuild the shipped implied-conditions "
        "lexicon from before training (docs/ranking.md; it was built from "
        "../shared/data/trials/trials.jsonl.gz). Default: keep the shipped one.",
    ),
) -> None:
    """Fit the ranking model on all benchmark sets and report cross-validated metrics."""
    from matcher.bench import BENCHMARK_SETS, Benchmark, pair_table
    from matcher.rank import MODEL_PATH, TrialRanker, save_ranker

    sets = [benchmarks / s for s in BENCHMARK_SETS if (benchmarks / s).is_dir()]
    if not sets:
        fail(f"no benchmark sets ({', '.join(BENCHMARK_SETS)}) under {benchmarks}")
    if lexicon_corpus:
        _rebuild_lexicon(lexicon_corpus)
    tables, digests = [], []
    for folder in sets:
        bench = Benchmark.from_dir(folder)
        console.print(
            f"reading {bench.name}: {len(bench.queries)} patients, {bench.qrels.height} pairs"
        )
        tables.append(pair_table(bench).with_columns(pl.lit(bench.name).alias("set")))
        digests += [_digest(t) for t in bench.queries.values()]
    table = pl.concat(tables, how="diagonal")
    rows = _cross_validated(table, cv=cv)
    console.print(_table(f"{cv}-fold cross-validation by patient (out-of-fold scores)", rows))
    if repeats > 1:
        _repeated(table, cv=cv, repeats=repeats, first=rows)
    features = table.drop(["set", "label", "verdict"])
    ranker = TrialRanker().fit(features, table["label"].to_numpy().astype(float))
    ranker.training_queries_ = sorted(set(digests))
    target = out or Path(__file__).resolve().parents[2] / "matcher" / MODEL_PATH
    save_ranker(ranker, target)
    console.print(f"model written to {target}")


def _rebuild_lexicon(paths: list[Path]) -> None:
    """Learn the implied-conditions lexicon from ``paths`` and install it as the shipped one."""
    from matcher.implied import LEXICON_PATH, ConditionLexicon, shipped_lexicon
    from rules.corpus.readers import read_trials

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"--lexicon-corpus: no such file or folder: {', '.join(missing)}")
    console.print(
        f"reading trials for the implied-conditions lexicon from {len(paths)} path(s) ..."
    )
    trials, errors = read_trials(paths)
    if errors:
        console.print(f"{len(errors)} unreadable record(s) skipped, first: {errors[0]}")
    lexicon = ConditionLexicon.build(trials)
    lexicon.save(LEXICON_PATH)
    shipped_lexicon.cache_clear()
    console.print(
        f"lexicon of {len(lexicon.words)} words and {len(lexicon.conditions)} condition words "
        f"from {len(trials)} trials written to {LEXICON_PATH}"
    )


def _cross_validated(
    table: pl.DataFrame, *, cv: int, dealing: int = 0
) -> dict[str, dict[str, object]]:
    """The metrics of each benchmark set, scored out-of-fold (``dealing``: which assignment
    of the patients to the folds, see :func:`matcher.rank.out_of_fold`)."""
    from matcher.bench import model_run
    from matcher.metrics import evaluate_run

    run = model_run(table.drop("set"), cv=cv, dealing=dealing).with_columns(table["set"])
    return {
        name: evaluate_run(run.filter(pl.col("set") == name).drop("set")).as_dict()
        for name in run["set"].unique(maintain_order=True)
    }


def _repeated(
    table: pl.DataFrame, *, cv: int, repeats: int, first: dict[str, dict[str, object]]
) -> None:
    """Mean, lowest and highest of each metric over ``repeats`` dealings of the patients."""
    runs = [first]
    for dealing in range(1, repeats):
        console.print(f"dealing {dealing + 1} of {repeats} ...")
        runs.append(_cross_validated(table, cv=cv, dealing=dealing))
    rows: dict[str, dict[str, object]] = {}
    for name in first:
        for stat, pick in (("mean", np.mean), ("lowest", min), ("highest", max)):
            rows[f"{name} {stat}"] = {
                m: float(pick([float(r[name][m]) for r in runs]))  # type: ignore[arg-type]
                for m in METRICS
                if all(r[name].get(m) is not None for r in runs)
            }
    console.print(_table(f"over {repeats} dealings of the patients into {cv} folds", rows))


@app.command()
def benchmark(
    queries: Path = typer.Option(..., "--queries", help='queries.jsonl: {"_id", "text"} per line.'),
    trials: Path = typer.Option(
        ..., "--trials", help="trials.jsonl(.gz): v2-shaped study records."
    ),
    qrels: Path = typer.Option(
        ..., "--qrels", help="qrels.tsv with header 'query-id corpus-id score'."
    ),
    run_out: Path = typer.Option(
        ..., "--run-out", help="Write 'query-id Q0 nct-id rank score verdict'."
    ),
    metrics_out: Path = typer.Option(None, "--metrics-out", help="Write the metrics as JSON."),
    cv: int = typer.Option(
        None,
        "--cv",
        min=0,
        help="Score out-of-fold with K folds by patient (0 = use the shipped model). Default: 5 "
        "when any patient is in the shipped model's training set, else the shipped model.",
    ),
    model: Path = typer.Option(None, "--model", help="A model file (default: the shipped one)."),
) -> None:
    """Re-rank each patient's judged trials; print and write the metrics beside random and BM25."""
    from matcher.bench import Benchmark, baselines, model_run, pair_table, write_run
    from matcher.metrics import evaluate_run
    from matcher.rank import load_ranker

    bench = Benchmark.from_paths(queries=queries, trials=trials, qrels=qrels)
    # With --cv K and no --model, out-of-fold scoring needs no shipped model.
    ranker = load_ranker(model) if cv is None or cv == 0 or model else None
    seen = set(getattr(ranker, "training_queries_", []) or [])
    overlap = sum(_digest(t) in seen for t in bench.queries.values())
    folds = cv if cv is not None else (5 if overlap else 0)
    if folds == 1:
        fail("--cv needs at least 2 folds (or 0 for the shipped model)")
    table = pair_table(bench)
    run = model_run(
        table,
        cv=folds or None,
        ranker=None if folds else ranker,
        seed_params=ranker.get_params() if ranker is not None else None,
    )
    write_run(run, run_out)
    how = (
        f"{folds}-fold cross-validation by patient"
        if folds
        else "shipped model (no patient of this set in its training data)"
    )
    if overlap and not folds:
        how = f"shipped model, which saw {overlap} of these patients (not an honest score)"
    result = {
        "benchmark": bench.name,
        "scoring": how,
        "patients": len(bench.queries),
        "pairs": bench.qrels.height,
        "model": evaluate_run(run).as_dict(),
        **baselines(bench),
    }
    console.print(
        _table(f"{bench.name}: {how}", {k: result[k] for k in ("model", "random", "bm25")})
    )
    if metrics_out:
        metrics_out.write_text(json.dumps(result, indent=2, default=_json_default) + "\n")


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value).__name__)
