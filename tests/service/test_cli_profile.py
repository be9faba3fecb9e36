"""``trialmatch profile check``: exit codes, normalized output, exact error lines on stderr."""

from __future__ import annotations

import json

import polars as pl
from typer.testing import CliRunner

from service.cli import app
from tests.conftest import REPO, TEST_DATA

runner = CliRunner()
DATA = TEST_DATA / "profiles"


def _run(*args: str):
    return runner.invoke(app, ["profile", "check", *map(str, args)])


def test_one_valid_profile_prints_the_normalized_profile(example_profile_json):
    result = _run(REPO / "examples" / "profile.example.json", "--format", "json")
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["id"] == "example-pdac-2l"
    assert printed["biomarkers"][1] == {"name": "MSI", "result": "MSS"}
    assert result.stderr == "1 of 1 profile(s) valid\n"


def test_fhir_bundle_prints_one_object():
    result = _run(REPO / "examples" / "fhir-bundle.json", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["therapies"][0]["name"] == "FOLFIRINOX"


def test_cohort_json_is_an_array_of_all_patients():
    result = _run(REPO / "examples" / "cohort.csv", "--format", "json")
    assert result.exit_code == 0
    assert [p["id"] for p in json.loads(result.stdout)][:2] == [
        "nsclc-egfr-osi",
        "nsclc-pdl1-pembro",
    ]


def test_table_summary_names_each_patient():
    result = _run(REPO / "examples" / "cohort.csv")
    assert result.exit_code == 0
    for patient in ("nsclc-egfr-osi", "aml-flt3", "unknowns-gastric"):
        assert patient in result.stdout
    assert "8 of 8 profile(s) valid" in result.stderr


def test_bad_cohort_lists_every_error_and_exits_1():
    result = _run(DATA / "cohort_bad.csv", "--format", "json")
    assert result.exit_code == 1
    assert [p["id"] for p in json.loads(result.stdout)] == ["good-1", "good-2"]
    lines = result.stderr.splitlines()
    assert lines[0] == "cohort_bad.csv, header: unknown column 'ecgo' (did you mean ecog?)"
    assert lines[1] == "cohort_bad.csv, row 3, ecog: '6' is not an ECOG score (0-5)"
    assert "cohort_bad.csv, row 5, sex: 'Q' is not a sex: use male, female or other" in lines
    assert lines[-1] == "2 of 6 profile(s) valid; the header has problems"


def test_parquet_cohort(tmp_path):
    path = tmp_path / "cohort.parquet"
    pl.read_csv(REPO / "examples" / "cohort.csv", infer_schema=False).write_parquet(path)
    result = _run(path, "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 8


def test_invalid_bundle_exits_1_with_the_resource_named():
    result = _run(DATA / "bundle_ecog7.json")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "bundle_ecog7.json, ecog (from Observation/ecog-2026-11 valueInteger): '7' is not an ECOG score (0-5)",
        "0 of 1 profile(s) valid",
    ]


def test_unreadable_file_exits_2_without_traceback():
    result = _run(DATA / "broken.json")
    assert result.exit_code == 2
    assert "not valid JSON: Expecting ',' delimiter" in result.stderr
    assert "broken.json:4:3" in result.stderr.replace("\n", "")
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_file_exits_2():
    result = _run(DATA / "nope.csv")
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


def test_folder_of_bundles():
    result = _run(DATA / "bundles", "--format", "json")
    assert result.exit_code == 0
    assert [p["id"] for p in json.loads(result.stdout)] == [
        "example-pdac-2l",
        "p2-nsclc",
        "p3-json",
    ]


# TREC CT 2021 topic ct2021-56 (first two sentences)
_NOTE = (
    "The patient is a 41-year-old man and a known case of Acromegaly who underwent "
    "transsphenoidal surgery 4 months ago. He came to the clinic for the follow up lab studies "
    "after his primary resection surgery."
)


def test_profile_extract_json_gives_the_profile_and_each_fact_with_its_span(tmp_path):
    note = tmp_path / "ct2021-56.txt"
    note.write_text(_NOTE)
    args = ["profile", "extract", str(note), "--format", "json", "--as-of", "2026-11-20"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["profile"]["id"] == "ct2021-56"
    assert (body["profile"]["age"], body["profile"]["sex"]) == (41, "male")
    surgery = body["profile"]["therapies"][0]
    assert (surgery["name"], surgery["start"]) == ("transsphenoidal surgery", "2026-07")
    for fact in body["facts"]:
        assert _NOTE[fact["start"] : fact["end"]] == fact["text"]


def test_profile_extract_reads_stdin_and_prints_a_table():
    result = runner.invoke(app, ["profile", "extract", "-"], input=_NOTE)
    assert result.exit_code == 0, result.output
    assert "facts read from the note" in result.stdout
    assert "transsphenoidal surgery" in result.stdout


def test_profile_extract_errors_are_clear(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    for args, message in (
        ([str(empty)], "the note is empty"),
        ([str(tmp_path / "nope.txt")], "cannot read"),
        (["-"], "the note on stdin is empty"),
        ([str(empty), "--as-of", "20 Nov"], "is not a date"),
    ):
        result = runner.invoke(app, ["profile", "extract", *args], input="")
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_table_summary_keeps_a_lab_bound(tmp_path):
    path = tmp_path / "bound.json"
    labs = [{"name": "testosterone", "value": 50, "unit": "ng/dL", "comparator": "<"}]
    path.write_text(json.dumps({"age": 71, "sex": "male", "labs": labs}))
    result = _run(path, "--format", "table")
    assert result.exit_code == 0
    assert "testosterone < 50 ng/dL" in result.stdout
