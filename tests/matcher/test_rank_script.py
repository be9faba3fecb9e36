"""benchmarks/rank.py prints model, random and BM25 per set on the real slice."""

from __future__ import annotations

import importlib.util

from tests.conftest import REPO, TEST_DATA


def test_rank_benchmark_script_on_the_slice(capsys, tmp_path):
    spec = importlib.util.spec_from_file_location("rank_bench", REPO / "benchmarks" / "rank.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([str(TEST_DATA / "bench"), "--cv", "2", "--tables", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in ("trec-ct-2021", "trec-pm-2017", "trec-pm-2018"):
        for run in ("model", "random", "bm25"):
            assert any(line.split()[:2] == [name, run] for line in out.splitlines())
    assert "s, random and BM25 in" in out
    assert (tmp_path / "pairs.parquet").exists() and (tmp_path / "run.parquet").exists()


def test_rank_benchmark_script_without_sets_fails_clearly(capsys, tmp_path):
    spec = importlib.util.spec_from_file_location("rank_bench", REPO / "benchmarks" / "rank.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([str(tmp_path)]) == 2
    assert "no benchmark sets" in capsys.readouterr().err
