"""Benchmark files and baselines on the real slice in tests/data/bench."""

from __future__ import annotations

import polars as pl
import pytest

from matcher.bench import Benchmark, baselines, bm25_run, random_run, read_qrels, write_run
from rules.errors import CorpusError
from tests.conftest import TEST_DATA

SLICE = TEST_DATA / "bench"


@pytest.fixture(scope="module")
def ct() -> Benchmark:
    return Benchmark.from_dir(SLICE / "trec-ct-2021")


def test_slice_reads_with_every_judged_trial(ct):
    assert ct.name == "trec-ct-2021"
    assert len(ct.queries) == 10 and ct.qrels.height == 272
    assert set(ct.qrels["nct_id"]) <= set(ct.trials)
    assert ct.qrels["label"].value_counts().sort("label")["count"].to_list() == [167, 64, 41]


def test_random_baseline_is_seeded(ct):
    a, b = random_run(ct, seed=3), random_run(ct, seed=3)
    assert a["score"].to_list() == b["score"].to_list()
    assert a["score"].to_list() != random_run(ct, seed=4)["score"].to_list()


def test_bm25_beats_random_on_ndcg_for_the_slice(ct):
    base = baselines(ct)
    assert base["bm25"]["ndcg_10"] > base["random"]["ndcg_10"]
    assert base["random"]["patients"] == 10


def test_bm25_scores_are_zero_without_shared_words(ct):
    run = bm25_run(ct)
    assert run.height == ct.qrels.height and (run["score"] >= 0).all()


def test_qrels_header_is_required(tmp_path):
    bad = tmp_path / "qrels.tsv"
    bad.write_text("q1\tNCT00000001\t2\n")
    with pytest.raises(CorpusError, match="line 1"):
        read_qrels(bad)


def test_qrels_bad_grade_says_where(tmp_path):
    bad = tmp_path / "qrels.tsv"
    bad.write_text("query-id\tcorpus-id\tscore\nq1\tNCT00000001\t3\n")
    with pytest.raises(CorpusError, match="line 2"):
        read_qrels(bad)


def test_missing_trial_is_an_error_not_a_dropped_pair(tmp_path, ct):
    (tmp_path / "queries.jsonl").write_text('{"_id": "q", "text": "x"}\n')
    (tmp_path / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\nq\tNCT09999999\t2\n")
    (tmp_path / "trials.jsonl").write_text("")
    with pytest.raises(CorpusError, match="not in the trials file"):
        Benchmark.from_dir(tmp_path)


def test_run_file_format(tmp_path):
    run = pl.DataFrame(
        {
            "query_id": ["q", "q"],
            "nct_id": ["NCT1", "NCT2"],
            "label": [0, 2],
            "score": [0.1, 0.9],
            "verdict": ["ineligible", "eligible"],
        }
    )
    write_run(run, tmp_path / "run.tsv")
    lines = [ln.split("\t") for ln in (tmp_path / "run.tsv").read_text().splitlines()]
    assert lines == [
        ["q", "Q0", "NCT2", "1", "0.900000", "eligible"],
        ["q", "Q0", "NCT1", "2", "0.100000", "ineligible"],
    ]


def test_false_exclusions_are_traced_to_the_failed_criteria():
    from matcher.exclusions import COLUMNS, false_exclusions, top_causes

    bench = Benchmark.from_dir(TEST_DATA / "bench" / "trec-ct-2021")
    found = false_exclusions(bench)
    assert tuple(found.columns) == COLUMNS
    eligible = set(bench.qrels.filter(pl.col("label") == 2).select("query_id", "nct_id").rows())
    assert set(found.select("query_id", "nct_id").rows()) <= eligible
    # each row is a criterion the engine judged failed, explained in plain words
    assert found.height and all(found["explanation"].str.len_chars() > 10)
    causes = top_causes(found)
    assert causes["pairs"].sum() >= found.select("query_id", "nct_id").unique().height


@pytest.mark.slow
def test_false_exclusions_on_trec_ct_2021_stay_under_the_issue_target():
    """Issue 5: at most 5% of the pairs experts judged eligible may be ruled out (16 of 330).

    2026-11-21, morning: 3 pairs. Evening: 14, after measurements (BMI ranges), general-medicine
    medicines and "No ..." items of records without headers became readable: 13 of them are the
    trial's own words against the note (BMI 41.5 vs "BMI 25-40"; interferon and ribavirin now vs
    "no antiviral therapy within 6 months"; "No prior chemotherapy" after temozolomide), one is a
    misreading (NCT00003153 "Complete response not achieved ... after BMT" read as "no BMT").
    Night: 14 again: one more of the trial's own words (NCT01576718 "systemic, oral or depot
    corticosteroids within 4 weeks" against oral corticosteroids doubled in the past week), and
    the misreading mended (the item is one choice of "Must meet one of following criteria");
    docs/ranking.md lists them. Day (2026-11-21): 13: records with one item per line are split
    into their items, and NCT01671319's exclusion "Patient has inflammatory breast cancer (pT4d)
    or metastatic breast cancer", glued to other lines before, now reads against ct2021-61's
    "CXR was remarkable for metastatic lesions" (the trial's own words)."""
    from matcher.exclusions import false_exclusions
    from tests.conftest import SHARED

    folder = SHARED / "data" / "benchmarks" / "trec-ct-2021"
    if not folder.is_dir():
        pytest.fail(f"{folder} is missing (CI has ../shared beside the clone)")
    bench = Benchmark.from_dir(folder)
    eligible = bench.qrels.filter(pl.col("label") == 2).height
    pairs = false_exclusions(bench).select("query_id", "nct_id").unique().height
    assert eligible == 330
    assert pairs <= 0.05 * eligible and pairs <= 13  # the target, and no new ones unseen
