"""Result writers, the screen-fail sheet, the Excel cap, and checkpoint identity checks."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from matcher.batch import outputs
from matcher.batch.checkpoint import Checkpoint, cohort_fingerprint, parts_dir
from matcher.batch.outputs import default_errors_path, out_format, screen_fails, write_results
from matcher.batch.partition import PATIENT_SCHEMA, ROW_SCHEMA, STATS_SCHEMA
from rules.errors import ConfigError

STATS = pl.DataFrame(
    [
        ("NCT06532617", "judged", "", 7),
        ("NCT06532617", "judged", "", 3),  # another partition
        ("NCT02576665", "judged", "", 4),
        ("NCT06532617", "rules_out", "ECOG PS 0-1", 3),
        ("NCT06532617", "rules_out", "Age 18-80", 1),
        ("NCT06532617", "rules_out", "ECOG PS 0-1", 2),  # another partition
        ("NCT06532617", "unlocks", "ecog", 4),
        ("NCT02576665", "unlocks", "histology", 2),
    ],
    schema=list(STATS_SCHEMA.items()),
    orient="row",
)
TITLES = pl.DataFrame({"nct_id": ["NCT06532617", "NCT02576665"], "title": ["Cadonilimab", "B"]})


def test_screen_fails_sums_partitions_and_picks_the_top_items():
    table = screen_fails(STATS, TITLES)
    assert table.to_dicts() == [
        {"nct_id": "NCT06532617", "title": "Cadonilimab", "patients_judged": 10,
         "patients_ruled_out_in_prescreen": 6,
         "top_prescreen_reason": "ECOG PS 0-1", "patients_it_rules_out": 5,
         "top_missing_fact": "ecog", "patients_it_would_unlock": 4},
        {"nct_id": "NCT02576665", "title": "B", "patients_judged": 4,
         "patients_ruled_out_in_prescreen": 0,
         "top_prescreen_reason": None, "patients_it_rules_out": None,
         "top_missing_fact": "histology", "patients_it_would_unlock": 2},
    ]  # fmt: skip


def _rows(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {"position": list(range(1, n + 1)), "patient_id": [f"p{i}" for i in range(n)],
         "rank": [1] * n, "nct_id": ["NCT06532617"] * n, "verdict": ["eligible"] * n},
    ).select([pl.col(c) if c in ("position", "patient_id", "rank", "nct_id", "verdict")
              else pl.lit(None, t).alias(c) for c, t in ROW_SCHEMA.items()])  # fmt: skip


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".xlsx"])
def test_every_format_round_trips(tmp_path: Path, suffix: str):
    rows = _rows(3)
    out = tmp_path / f"results{suffix}"
    write_results(
        rows, out, patients=pl.DataFrame(schema=PATIENT_SCHEMA), fails=screen_fails(STATS, TITLES)
    )
    if suffix == ".parquet":
        back = pl.read_parquet(out)
    elif suffix == ".csv":
        back = pl.read_csv(out)
    else:
        book = openpyxl.load_workbook(out, read_only=True)
        assert book.sheetnames == ["results", "patients", "screen_fails"]
        fails = list(book["screen_fails"].values)
        assert fails[0][:4] == (
            "nct_id", "title", "patients_judged", "patients_ruled_out_in_prescreen"
        )  # fmt: skip
        assert fails[1][:4] == ("NCT06532617", "Cadonilimab", 10, 6)
        values = list(book["results"].values)
        back = pl.DataFrame([dict(zip(values[0], v, strict=True)) for v in values[1:]])
    assert back["patient_id"].to_list() == ["p0", "p1", "p2"]
    assert not list(tmp_path.glob(".*tmp*")), "no temporary file left behind"


def test_excel_cap_is_refused_clearly(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(outputs, "EXCEL_MAX_ROWS", 2)
    with pytest.raises(ConfigError, match=r"do not fit in an Excel sheet.*parquet or \.csv"):
        write_results(
            _rows(3),
            tmp_path / "r.xlsx",
            patients=pl.DataFrame(schema=PATIENT_SCHEMA),
            fails=screen_fails(STATS, TITLES),
        )
    assert not (tmp_path / "r.xlsx").exists()


def test_unknown_extension_and_default_errors_path():
    with pytest.raises(ConfigError, match=r"unknown extension \.txt.*\.parquet, \.csv or \.xlsx"):
        out_format(Path("results.txt"))
    assert default_errors_path(Path("a/r.xlsx")) == Path("a/r.errors.csv")


def test_resume_refuses_another_cohort(tmp_path: Path):
    cohort = tmp_path / "c.jsonl"
    cohort.write_text('{"age": 50}\n')
    folder = parts_dir(tmp_path / "r.parquet")
    Checkpoint.open(folder, {"cohort": cohort_fingerprint(cohort)}, resume=False)
    cohort.write_text('{"age": 51}\n')
    with pytest.raises(ConfigError, match="another cohort or with other options"):
        Checkpoint.open(folder, {"cohort": cohort_fingerprint(cohort)}, resume=True)


def test_a_foreign_folder_is_not_deleted(tmp_path: Path):
    folder = parts_dir(tmp_path / "r.parquet")
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me")
    with pytest.raises(ConfigError, match="not a trialmatch checkpoint folder"):
        Checkpoint.open(folder, {}, resume=False)
    assert (folder / "precious.txt").exists()
