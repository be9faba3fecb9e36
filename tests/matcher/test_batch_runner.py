"""run_batch end to end on real bundled trials and the real matcher: nothing lost, resume,
determinism, every input format.

The context here judges the trials' structured eligibility fields (age, sex) plus the
free-text criteria the parser gives when ``rules.criteria`` is installed.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from matcher.batch import BatchOptions, MatcherEvaluator, build_context, run_batch, select_trials
from matcher.batch import checkpoint as checkpoint_mod
from matcher.batch.criteria import table_of
from matcher.batch.types import DEFAULT_STATUSES
from rules.corpus import bundled_trials
from tests.conftest import REPO, TEST_DATA

COHORT = TEST_DATA / "batch" / "cohort.jsonl"
AS_OF = date(2026, 11, 20)
OPTIONS = BatchOptions(as_of=AS_OF, partition_size=8, top_k=5)


def _parsed(trials):
    try:
        from rules.criteria import parse_trial
    except ImportError:
        return {}
    return {t.nct_id: list(parse_trial(t)) for t in trials if t.eligibility_criteria}


@pytest.fixture(scope="module")
def context():
    trials = select_trials(bundled_trials(), DEFAULT_STATUSES)
    evaluator = MatcherEvaluator.of(trials, _parsed(trials))
    crits = dict(zip([t.nct_id for t in trials], evaluator.criteria, strict=True))
    return build_context(
        trials, options=OPTIONS, evaluate=evaluator, criteria=table_of(crits, trials=trials)
    )


def _bad_lines() -> dict[int, str]:
    out = {}
    for n, line in enumerate(COHORT.read_text().splitlines(), start=1):
        if '"BAD-' in line:
            out[n] = line
    return out


def test_every_record_is_in_results_or_errors(tmp_path: Path, context):
    out = tmp_path / "r.parquet"
    summary = run_batch(COHORT, out, context=context, options=OPTIONS)
    records = [ln for ln in COHORT.read_text().splitlines() if ln.strip()]
    assert summary.input_rows == len(records) == 43
    assert summary.reconciles and summary.error_rows == 3 and summary.matched_patients == 40
    rows = pl.read_parquet(out)
    assert rows.select("position").n_unique() == 40
    assert set(rows["patient_id"]) == {f"SYN{i:06d}" for i in range(1, 41)}
    kept = rows.filter(pl.col("nct_id").is_not_null())
    assert kept.group_by("patient_id").len()["len"].max() <= 5
    assert set(kept["verdict"]) <= {"eligible", "possibly_eligible"}
    assert (
        rows.filter(pl.col("verdict") == "none")["nct_id"].null_count()
        == summary.patients_without_match
    )
    # ranks are 1..n per patient, best first
    for _, group in kept.group_by("patient_id"):
        assert group["rank"].to_list() == list(range(1, group.height + 1))
        assert group["score"].is_sorted(descending=True) or group["verdict"].n_unique() > 1
    errors = list(csv.DictReader((tmp_path / "r.errors.csv").open()))
    assert [int(e["position"]) for e in errors] == sorted(_bad_lines())
    assert "not valid JSON" in errors[0]["reason"]
    assert "ECOG" in errors[1]["reason"] and errors[1]["patient_id"] in ("BAD-ECOG", "")
    assert "pregnant" in errors[2]["reason"]
    assert not (tmp_path / "r.parquet.parts").exists(), "checkpoints removed after success"


def test_same_input_same_rows(tmp_path: Path, context):
    a = run_batch(COHORT, tmp_path / "a.parquet", context=context, options=OPTIONS)
    b = run_batch(
        COHORT,
        tmp_path / "b.parquet",
        context=context,
        options=BatchOptions(as_of=AS_OF, partition_size=5, top_k=5),
    )
    assert a.result_rows == b.result_rows
    assert pl.read_parquet(tmp_path / "a.parquet").equals(pl.read_parquet(tmp_path / "b.parquet"))


def test_resume_after_a_crash_gives_the_full_result_without_duplicates(
    tmp_path: Path, context, monkeypatch
):
    clean = tmp_path / "clean.parquet"
    run_batch(COHORT, clean, context=context, options=OPTIONS)
    out = tmp_path / "r.parquet"
    real_write = checkpoint_mod.Checkpoint.write
    written: list[int] = []

    def crash_after_two(self, index, result):
        if len(written) == 2:
            raise KeyboardInterrupt("simulated kill")
        real_write(self, index, result)
        written.append(index)

    monkeypatch.setattr(checkpoint_mod.Checkpoint, "write", crash_after_two)
    with pytest.raises(KeyboardInterrupt):
        run_batch(COHORT, out, context=context, options=OPTIONS)
    assert not out.exists(), "no partial results file"
    manifest = json.loads((tmp_path / "r.parquet.parts" / "manifest.json").read_text())
    assert sorted(manifest["done"]) == ["00000", "00001"]
    monkeypatch.setattr(checkpoint_mod.Checkpoint, "write", real_write)
    resumed = BatchOptions(as_of=AS_OF, partition_size=8, top_k=5, resume=True)
    summary = run_batch(COHORT, out, context=context, options=resumed)
    assert summary.resumed_partitions == 2 and summary.partitions == 6 and summary.reconciles
    assert pl.read_parquet(out).equals(pl.read_parquet(clean))
    assert (tmp_path / "r.errors.csv").read_text() == (tmp_path / "clean.errors.csv").read_text()


def test_resume_with_other_options_is_refused(tmp_path: Path, context, monkeypatch):
    from rules.errors import ConfigError

    def crash(self, index, result):
        raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint_mod.Checkpoint, "write", crash)
    with pytest.raises(KeyboardInterrupt):
        run_batch(COHORT, tmp_path / "r.csv", context=context, options=OPTIONS)
    monkeypatch.undo()
    other = BatchOptions(as_of=AS_OF, partition_size=8, top_k=7, resume=True)
    with pytest.raises(ConfigError, match="cannot resume"):
        run_batch(COHORT, tmp_path / "r.csv", context=context, options=other)


@pytest.mark.parametrize(
    "source",
    [
        "examples/cohort.csv",
        "tests/data/profiles/cohort_bad.csv",
        "tests/data/profiles/bundles",
        "parquet",
    ],
)
def test_every_input_format(tmp_path: Path, context, source: str):
    if source == "parquet":
        rows = [
            json.loads(ln)
            for ln in COHORT.read_text().splitlines()[:12]
            if ln.strip() and '"BAD-' not in ln
        ]
        path = tmp_path / "cohort.parquet"
        pl.DataFrame(
            {"patient_id": [r["id"] for r in rows], "profile_json": [json.dumps(r) for r in rows]}
        ).write_parquet(path)
    else:
        path = REPO / source
    summary = run_batch(path, tmp_path / "r.csv", context=context, options=OPTIONS)
    assert summary.reconciles and summary.input_rows > 0
    results = pl.read_csv(tmp_path / "r.csv", infer_schema_length=0)
    errors = pl.read_csv(tmp_path / "r.errors.csv", infer_schema_length=0)
    assert results["position"].n_unique() == summary.matched_patients
    assert errors.height == summary.error_rows
    if source.endswith("cohort_bad.csv"):
        assert errors["position"].to_list() == ["1", "3", "4", "5", "7"]
        assert summary.matched_patients == 2


def test_xlsx_has_results_patients_and_screen_fail_sheets(tmp_path: Path, context):
    import openpyxl

    out = tmp_path / "r.xlsx"
    summary = run_batch(COHORT, out, context=context, options=OPTIONS)
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["results", "patients", "screen_fails"]
    patients = list(book["patients"].values)
    assert len(patients) - 1 == summary.matched_patients
    fails = list(book["screen_fails"].values)
    header = fails[0]
    assert header[:4] == ("nct_id", "title", "patients_judged", "patients_ruled_out_in_prescreen")
    counts = [r[3] for r in fails[1:]]
    assert counts == sorted(counts, reverse=True)
    # per trial and per patient, the same pairs: pre-screen failures and judged pairs
    head = patients[0]
    col = head.index
    assert sum(counts) == sum(r[col("ruled_out_in_prescreen")] for r in patients[1:]) > 0
    judged = sum(r[2] for r in fails[1:])
    assert judged == sum(r[col("trials_considered")] - r[col("not_relevant")] for r in patients[1:])
    # every trial of the corpus is in exactly one bucket for every patient
    for r in patients[1:]:
        buckets = ("not_relevant", "eligible", "possibly_eligible", "ineligible")
        assert sum(r[col(b)] for b in buckets) == r[col("trials_considered")]
        assert r[col("kept")] <= min(5, r[col("eligible")] + r[col("possibly_eligible")])


def test_copy_of_cohort_folder_is_fingerprinted(tmp_path: Path):
    src = REPO / "tests/data/profiles/bundles"
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(src, a)
    shutil.copytree(src, b)
    assert checkpoint_mod.cohort_fingerprint(a) == checkpoint_mod.cohort_fingerprint(b)
    next(p for p in sorted(b.iterdir()) if p.is_file()).write_text("{}")
    assert checkpoint_mod.cohort_fingerprint(a) != checkpoint_mod.cohort_fingerprint(b)
