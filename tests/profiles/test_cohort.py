"""Cohort tables: the documented compact columns, CSV and Parquet, bad rows reported by row."""

from __future__ import annotations

import polars as pl
import pytest

from profiles import PatientProfile, iter_profiles
from profiles.cohort import CellError, parse_biomarker, parse_lab, parse_therapy, unknown_columns
from tests.conftest import REPO, TEST_DATA

COHORT = REPO / "examples" / "cohort.csv"
BAD = TEST_DATA / "profiles" / "cohort_bad.csv"


def test_example_cohort_is_all_valid():
    records = list(iter_profiles(COHORT))
    assert [r.errors for r in records] == [[]] * 8
    assert [r.position for r in records] == list(range(2, 10))  # spreadsheet rows: header is row 1
    assert records[0].where == "cohort.csv, row 2"


def test_the_pdac_row_equals_the_example_profile(example_profile_json):
    by_id = {r.patient_id: r.profile for r in iter_profiles(COHORT)}
    assert by_id["example-pdac-2l"] == PatientProfile.model_validate(example_profile_json)


def test_blank_is_not_recorded_and_none_is_empty():
    by_id = {r.patient_id: r.profile for r in iter_profiles(COHORT)}
    unknown = by_id["unknowns-gastric"]
    assert unknown.birth_date == "1958" and unknown.age is None and unknown.ecog is None
    assert unknown.biomarkers is None and unknown.therapies is None and unknown.conditions is None
    assert unknown.location is None
    assert by_id["new-dx-prostate"].therapies == []
    assert by_id["nsclc-egfr-osi"].conditions == []
    assert by_id["example-pdac-2l"].diagnoses[0].metastatic_sites == []


def test_compact_columns_parse_into_fields():
    by_id = {r.patient_id: r.profile for r in iter_profiles(COHORT)}
    osi = by_id["nsclc-egfr-osi"]
    assert osi.therapies[0].ongoing is True and osi.therapies[0].line == 1
    assert osi.diagnoses[0].metastatic_sites == ["bone", "pleura"]
    assert (osi.biomarkers[3].name, osi.biomarkers[3].value, osi.biomarkers[3].scoring) == (
        "PD-L1",
        10,
        "TPS",
    )
    crc = by_id["crc-msi-high"]
    assert [b.result for b in crc.biomarkers] == ["MSI-H", "deficient", "negative", "positive"]
    assert crc.therapies[0].stop_reason == "toxicity" and crc.therapies[0].cycles == 6
    aml = by_id["aml-flt3"]
    assert [t.name for t in aml.therapies] == ["7+3", "midostaurin"]
    assert aml.karnofsky == 80 and aml.biomarkers[0].detail == "ITD"


def test_bad_cohort_reports_every_bad_row_and_keeps_the_good_ones():
    records = list(iter_profiles(BAD))
    assert [(r.where, r.patient_id, r.ok) for r in records] == [
        ("cohort_bad.csv, header", None, False),
        ("cohort_bad.csv, row 2", "good-1", True),
        ("cohort_bad.csv, row 3", "bad-ecog", False),
        ("cohort_bad.csv, row 4", "bad-biomarker", False),
        ("cohort_bad.csv, row 5", "bad-cells", False),
        ("cohort_bad.csv, row 6", "good-2", True),
        ("cohort_bad.csv, row 7", "good-1", False),
    ]
    errors = [line for r in records for line in r.errors]
    assert errors[0] == "cohort_bad.csv, header: unknown column 'ecgo' (did you mean ecog?)"
    assert "cohort_bad.csv, row 3, ecog: '6' is not an ECOG score (0-5)" in errors
    assert (
        "cohort_bad.csv, row 4, biomarkers[0] (from 'EGFR=maybe'): 'maybe' is not a biomarker result"
        in "\n".join(errors)
    )
    assert "cohort_bad.csv, row 5, sex: 'Q' is not a sex: use male, female or other" in errors
    assert (
        "cohort_bad.csv, row 5, labs: 'platelets=high' is not a lab: write NAME=VALUE UNIT, e.g. 'platelets=180 10^9/L'"
        in errors
    )
    assert (
        "cohort_bad.csv, row 7, patient_id: 'good-1' is also on row 2; each patient needs a unique id"
        in errors
    )


def test_parquet_from_the_csv_gives_the_same_profiles(tmp_path):
    frame = pl.read_csv(COHORT, infer_schema=False)
    frame = frame.with_columns(
        pl.col("age").cast(pl.Int64), pl.col("max_distance_km").cast(pl.Float64)
    )
    path = tmp_path / "cohort.parquet"
    frame.write_parquet(path)
    from_parquet = list(iter_profiles(path))
    from_csv = list(iter_profiles(COHORT))
    assert [r.where for r in from_parquet][:2] == ["cohort.parquet, row 1", "cohort.parquet, row 2"]
    assert [r.profile for r in from_parquet] == [r.profile for r in from_csv]


def test_parquet_list_columns_are_lists(tmp_path):
    path = tmp_path / "c.parquet"
    pl.DataFrame(
        {"id": ["a"], "conditions": [["asthma", "gout"]], "biomarkers": [["EGFR=positive"]]}
    ).write_parquet(path)
    [record] = iter_profiles(path)
    assert record.profile.conditions == ["asthma", "gout"]
    assert record.profile.biomarkers[0].result == "positive"


def test_profile_json_column(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        'patient_id,profile_json,ecog\np1,"{""ecog"": 2}",\np2,"{""ecog"": 2}",1\np3,"{bad",\n'
    )
    records = list(iter_profiles(path))
    assert records[0].profile.id == "p1" and records[0].profile.ecog == 2
    assert records[1].errors == [
        "c.csv, row 3, profile_json is given, so leave the other columns blank (found: ecog)"
    ]
    assert records[2].errors == [
        "c.csv, row 4, profile_json: not valid JSON (Expecting property name enclosed in double quotes at column 2)"
    ]


def test_extra_cells_and_blank_rows(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("patient_id,ecog\np1,1,oops\n,\np2,0\n")
    records = list(iter_profiles(path))
    assert [(r.where, r.ok) for r in records] == [("c.csv, row 2", False), ("c.csv, row 4", True)]
    assert records[0].errors == [
        "c.csv, row 2, the row has 1 more cell(s) than the header has columns"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EGFR=positive (L858R)", {"name": "EGFR", "result": "positive", "detail": "L858R"}),
        ("PD-L1=TPS 60%", {"name": "PD-L1", "value": 60.0, "scoring": "TPS"}),
        (
            "PD-L1=positive CPS 5",
            {"name": "PD-L1", "result": "positive", "value": 5.0, "scoring": "CPS"},
        ),
        ("TMB=12 mut/Mb", {"name": "TMB", "value": 12.0, "scoring": "mut/Mb"}),
        ("Ki-67=30%", {"name": "Ki-67", "value": 30.0, "scoring": "percent"}),
        ("HER2=low (IHC 1+)", {"name": "HER2", "result": "low", "detail": "IHC 1+"}),
        ("KRAS=not tested", {"name": "KRAS", "result": "not tested"}),
    ],
)
def test_parse_biomarker(text, expected):
    assert parse_biomarker(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "FOLFIRINOX [fluorouracil+leucovorin+irinotecan+oxaliplatin] chemotherapy 2025-11-03..2026-08-21 progression",
            {
                "name": "FOLFIRINOX",
                "drugs": ["fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"],
                "kind": "chemotherapy",
                "start": "2025-11-03",
                "end": "2026-08-21",
                "stop_reason": "progression",
            },
        ),
        (
            "pembrolizumab immunotherapy line 2 2024-02..ongoing",
            {
                "name": "pembrolizumab",
                "kind": "immunotherapy",
                "start": "2024-02",
                "ongoing": True,
                "line": 2,
            },
        ),
        (
            "Whipple surgery 2024-03-02",
            {"name": "Whipple", "kind": "surgery", "start": "2024-03-02"},
        ),
        (
            "radiotherapy ..2023-06",
            {"name": "radiotherapy", "kind": "radiotherapy", "start": None, "end": "2023-06"},
        ),
        ("FOLFOX (adjuvant) 12 cycles", {"name": "FOLFOX", "setting": "adjuvant", "cycles": 12}),
    ],
)
def test_parse_therapy(text, expected):
    assert parse_therapy(text) == {k: v for k, v in expected.items() if v is not None}


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (parse_biomarker, "EGFR", "'EGFR' is not a biomarker: write NAME=RESULT"),
        (parse_lab, "platelets=high", "'platelets=high' is not a lab"),
        (parse_therapy, "FOLFOX [a+b] then chemotherapy 2024..2025", "cannot place 'then'"),
        (parse_therapy, "[a+b] 2024..2025", "is not a therapy: start with its name"),
    ],
)
def test_cells_that_do_not_follow_the_layout(parse, text, message):
    with pytest.raises(CellError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse(text)


def test_parse_lab():
    assert parse_lab("total bilirubin=0.9 mg/dL (2026-11-02)") == {
        "name": "total bilirubin",
        "value": 0.9,
        "unit": "mg/dL",
        "date": "2026-11-02",
    }


def test_unknown_columns_suggest_close_names():
    assert unknown_columns(["patient_id", "biomarker", "favourite_colour"]) == [
        "unknown column 'biomarker' (did you mean biomarkers?)",
        "unknown column 'favourite_colour' (see docs/cohort.md for the columns)",
    ]
