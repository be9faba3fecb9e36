"""The dask engine (LocalCluster, 2 worker processes) gives exactly the local engine's rows."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from matcher.batch import BatchOptions, run_batch
from tests.matcher.test_batch_runner import AS_OF, COHORT, context  # noqa: F401


def test_dask_rows_identical_to_local(tmp_path: Path, context):  # noqa: F811
    local = run_batch(
        COHORT,
        tmp_path / "local.parquet",
        context=context,
        options=BatchOptions(as_of=AS_OF, partition_size=10, top_k=5),
    )
    dask = run_batch(
        COHORT,
        tmp_path / "dask.parquet",
        context=context,
        options=BatchOptions(as_of=AS_OF, partition_size=10, top_k=5, engine="dask", workers=2),
    )
    assert dask.reconciles and dask.matched_patients == local.matched_patients == 40
    assert pl.read_parquet(tmp_path / "dask.parquet").equals(
        pl.read_parquet(tmp_path / "local.parquet")
    )
    assert (tmp_path / "dask.errors.csv").read_text() == (tmp_path / "local.errors.csv").read_text()
