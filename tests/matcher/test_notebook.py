"""notebooks/benchmark.ipynb runs end to end on the small real slice (tests/data/bench)."""

from __future__ import annotations

import os

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO, TEST_DATA

NOTEBOOK = REPO / "notebooks" / "benchmark.ipynb"


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.fixture
def bench_env(monkeypatch):
    monkeypatch.setenv("TRIALMATCH_BENCHMARKS", str(TEST_DATA / "bench"))
    monkeypatch.setenv("TRIALMATCH_CV", "2")
    monkeypatch.delenv("MPLBACKEND", raising=False)


def test_benchmark_notebook_runs_on_the_slice(bench_env):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute(env=dict(os.environ))
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs
    )
    # the metrics table with the three sets and the three runs, and the plots
    for name in ("trec-ct-2021", "trec-pm-2017", "trec-pm-2018", "random", "bm25", "ndcg_10"):
        assert name in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 4
    assert "falsely excluded pair(s)" in text
