"""``trialmatch batch`` through the real command line (typer CliRunner)."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

import matcher.batch as batch_pkg
from service.cli import app
from tests.matcher.test_batch_runner import COHORT, context  # noqa: F401


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIALMATCH_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, [str(a) for a in args])

    return invoke


def test_batch_writes_results_errors_and_a_reconciled_summary(run, tmp_path, monkeypatch, context):  # noqa: F811
    # the corpus side of the fixture (bundled trials, real matcher) instead of loading the store
    monkeypatch.setattr(batch_pkg, "corpus_context", lambda **_: context)
    out = tmp_path / "r.xlsx"
    result = run(
        "batch",
        COHORT,
        "--out",
        out,
        "--as-of",
        "2026-11-20",
        "--top-k",
        "5",
        "--partition-size",
        "10",
        "--no-progress",
    )
    assert result.exit_code == 0, result.output
    assert "43 input rows = 40 matched patients + 3 errors" in result.stdout
    assert out.exists() and (tmp_path / "r.errors.csv").exists()
    errors = pl.read_csv(tmp_path / "r.errors.csv")
    assert errors.height == 3 and errors["position"].is_sorted()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "r.txt"], "unknown extension .txt"),
        (["--out", "r.csv", "--engine", "spark"], "unknown engine 'spark'"),
        (["--out", "r.csv", "--as-of", "20-11-2026"], "is not a date"),
        (["--out", "r.csv", "--status", "recrutng"], "did you mean RECRUITING"),
    ],
)
def test_bad_options_give_one_clear_line(run, tmp_path, args, message):
    args = [a if not a.startswith("r.") else tmp_path / a for a in args]
    result = run("batch", COHORT, *args)
    assert result.exit_code != 0
    text = result.output + (str(result.exception) if result.exception else "")
    assert message in text
    assert "Traceback" not in result.output


def test_missing_cohort(run, tmp_path):
    result = run("batch", tmp_path / "nope.csv", "--out", tmp_path / "r.csv")
    assert result.exit_code == 2 and "no such file or folder" in result.output
