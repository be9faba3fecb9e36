"""trialmatch benchmark and train on the real slice (tests/data/bench)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from service.cli import app
from tests.conftest import TEST_DATA

SLICE = TEST_DATA / "bench" / "trec-pm-2018"
runner = CliRunner()


def test_benchmark_writes_one_line_per_judged_pair_and_metrics(tmp_path):
    run, metrics = tmp_path / "run.tsv", tmp_path / "metrics.json"
    result = runner.invoke(
        app,
        [
            "benchmark",
            "--queries",
            str(SLICE / "queries.jsonl"),
            "--trials",
            str(SLICE / "trials.jsonl.gz"),
            "--qrels",
            str(SLICE / "qrels.tsv"),
            "--run-out",
            str(run),
            "--metrics-out",
            str(metrics),
            "--cv",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [ln.split("\t") for ln in run.read_text().splitlines()]
    assert len(lines) == 78
    assert all(len(c) == 6 and c[1] == "Q0" for c in lines)
    assert {c[5] for c in lines} <= {"eligible", "possibly_eligible", "ineligible"}
    ranks = [int(c[3]) for c in lines if c[0] == lines[0][0]]
    assert ranks == list(range(1, len(ranks) + 1))
    data = json.loads(metrics.read_text())
    assert data["scoring"] == "3-fold cross-validation by patient"
    assert {"model", "random", "bm25"} <= set(data)
    assert 0 <= data["model"]["ndcg_10"] <= 1 and data["pairs"] == 78
    assert "ndcg_10" in result.output


def test_benchmark_missing_file_is_one_clear_line(tmp_path):
    result = runner.invoke(
        app,
        [
            "benchmark",
            "--queries",
            str(tmp_path / "nope.jsonl"),
            "--trials",
            str(SLICE / "trials.jsonl.gz"),
            "--qrels",
            str(SLICE / "qrels.tsv"),
            "--run-out",
            str(tmp_path / "run.tsv"),
            "--cv",
            "2",
        ],
    )
    assert result.exit_code != 0
    assert "nope.jsonl" in str(result.exception or result.output)


def test_train_without_benchmarks_fails_clearly(tmp_path):
    result = runner.invoke(
        app, ["train", "--benchmarks", str(tmp_path), "--out", str(tmp_path / "m.skops")]
    )
    assert result.exit_code == 2
    assert "no benchmark sets" in result.output


def test_benchmark_with_the_shipped_model_says_it_saw_these_patients(tmp_path):
    # the shipped model must fit today's feature columns (retrain when they change)
    run = tmp_path / "run.tsv"
    args = ["benchmark", "--run-out", str(run), "--cv", "0"]
    for name, f in (
        ("queries", "queries.jsonl"),
        ("trials", "trials.jsonl.gz"),
        ("qrels", "qrels.tsv"),
    ):
        args += [f"--{name}", str(SLICE / f)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(run.read_text().splitlines()) == 78
    assert "not an honest score" in result.output


def test_train_repeats_reports_the_spread_over_dealings(tmp_path, monkeypatch):
    # the real TREC PM 2018 slice as the only benchmark set; 2 folds, 3 dealings
    import shutil

    from service.cli.app import console

    monkeypatch.setattr(console, "width", 200)  # whole cells, whatever the terminal

    shutil.copytree(SLICE, tmp_path / "trec-pm-2018")
    model = tmp_path / "m.skops"
    args = ["train", "--benchmarks", str(tmp_path), "--out", str(model), "--cv", "2"]
    result = runner.invoke(app, [*args, "--repeats", "3"])
    assert result.exit_code == 0, result.output
    assert "over 3 dealings of the patients into 2 folds" in result.output
    rows = {
        line.split("│")[1].strip(): [float(x) for x in line.split("│")[2:-1] if x.strip() != "-"]
        for line in result.output.splitlines()
        if "trec-pm-2018 " in line and line.startswith("│")
    }
    low, mean, high = (
        rows["trec-pm-2018 lowest"],
        rows["trec-pm-2018 mean"],
        rows["trec-pm-2018 highest"],
    )
    assert all(a <= b <= c for a, b, c in zip(low, mean, high, strict=True))
    assert model.exists()
    # the default dealing is the plain GroupKFold one: --repeats 1 prints no spread
    once = runner.invoke(app, [*args, "--repeats", "1"])
    assert once.exit_code == 0 and "dealings" not in once.output
