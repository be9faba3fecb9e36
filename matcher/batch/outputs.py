"""Write the results (Parquet, CSV or XLSX by extension) and the errors CSV, atomically.

XLSX adds two sheets: ``patients`` (one summary row per patient) and ``screen_fails`` (per
trial: patients judged against it, ruled out in the pre-screen and by which criterion most
often, and the missing fact that would unlock the most). Excel stops at 1,048,576 rows: a results table over
:data:`~matcher.batch.types.EXCEL_MAX_ROWS` is refused with a clear message.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import polars as pl

from matcher.batch.types import EXCEL_MAX_ROWS
from rules.errors import ConfigError

OutFormat = Literal["parquet", "csv", "xlsx"]
_SUFFIXES: dict[str, OutFormat] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".xlsx": "xlsx",
}


def out_format(path: Path) -> OutFormat:
    """The results format from the file extension.

    >>> out_format(Path("results.XLSX"))
    'xlsx'
    """
    found = _SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise ConfigError(
            f"cannot write results to {path.name}: unknown extension {path.suffix or '(none)'}",
            hint="use .parquet, .csv or .xlsx",
        )
    return found


def default_errors_path(out_path: Path) -> Path:
    """``<results>.errors.csv`` beside the results.

    >>> default_errors_path(Path("out/results.parquet")).as_posix()
    'out/results.errors.csv'
    """
    return out_path.with_name(out_path.stem + ".errors.csv")


def screen_fails(stats: pl.DataFrame, titles: pl.DataFrame) -> pl.DataFrame:
    """Per trial: patients judged, ruled out in the pre-screen, the top pre-screen reason, and
    the missing fact that would settle the most possibly-eligible patients.

    ``stats`` rows are (nct_id, what in {judged, rules_out, unlocks}, item, patients).
    ``rules_out`` counts the vectorized pre-screen's sure failures only: the matcher's
    own ineligible verdicts are counted per patient (``patients`` sheet), not per trial.
    """
    totals = stats.group_by("nct_id", "what", "item").agg(pl.col("patients").sum())

    def top(what: str, item: str, count: str) -> pl.DataFrame:
        return (
            totals.filter(pl.col("what") == what)
            .sort(["nct_id", "patients", "item"], descending=[False, True, False])
            .group_by("nct_id", maintain_order=True)
            .first()
            .select("nct_id", pl.col("item").alias(item), pl.col("patients").alias(count))
        )

    def total(what: str, name: str) -> pl.DataFrame:
        return (
            totals.filter(pl.col("what") == what)
            .group_by("nct_id")
            .agg(pl.col("patients").sum().alias(name))
        )

    table = titles.select("nct_id")
    for part in (
        total("judged", "patients_judged"),
        total("rules_out", "patients_ruled_out_in_prescreen"),
        top("rules_out", "top_prescreen_reason", "patients_it_rules_out"),
        top("unlocks", "top_missing_fact", "patients_it_would_unlock"),
    ):
        table = table.join(part, on="nct_id", how="left")
    counts = ("patients_judged", "patients_ruled_out_in_prescreen")
    return (
        table.join(titles, on="nct_id", how="left")
        .with_columns(pl.col(c).fill_null(0) for c in counts)
        .filter(pl.col("patients_judged") > 0)
        .select(
            "nct_id",
            "title",
            *counts,
            "top_prescreen_reason",
            "patients_it_rules_out",
            "top_missing_fact",
            "patients_it_would_unlock",
        )
        .sort(
            ["patients_ruled_out_in_prescreen", "patients_judged", "nct_id"],
            descending=[True, True, False],
        )
    )


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp{path.suffix}")


def write_results(
    rows: pl.DataFrame, out_path: Path, *, patients: pl.DataFrame, fails: pl.DataFrame
) -> None:
    """Write the results file in the format its extension names, replacing it atomically."""
    fmt = out_format(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(out_path)
    if fmt == "parquet":
        rows.write_parquet(tmp)
    elif fmt == "csv":
        rows.write_csv(tmp)
    else:
        biggest = max(rows.height, patients.height, fails.height)
        if biggest > EXCEL_MAX_ROWS:
            raise ConfigError(
                f"{biggest:,} rows do not fit in an Excel sheet (limit {EXCEL_MAX_ROWS:,})",
                hint="write .parquet or .csv, or lower --top-k",
            )
        import xlsxwriter

        with xlsxwriter.Workbook(str(tmp)) as book:
            for name, table in (("results", rows), ("patients", patients), ("screen_fails", fails)):
                table.write_excel(book, worksheet=name, autofit=True, freeze_panes=(1, 0))
    os.replace(tmp, out_path)


def write_errors(errors: pl.DataFrame, path: Path) -> None:
    """The errors CSV: position (line or row number), where, patient id, reason."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    errors.sort("position").write_csv(tmp)
    os.replace(tmp, path)
