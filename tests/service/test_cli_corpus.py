"""ingest, trials list/show and fetch through the real command line (typer CliRunner)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rules.corpus import bundled as bundled_mod
from rules.corpus import bundled_trials, read_trials
from service.cli import app
from tests.conftest import TEST_DATA
from tests.rules.test_fetch import PAGE1, Registry, serve

CORPUS = TEST_DATA / "corpus"
ALL_FORMATS = [
    CORPUS / n for n in ("nsclc-5.jsonl", "leukemia-5.jsonl.gz", "mixed-4.zip", "folder")
]


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIALMATCH_DATA_DIR", str(tmp_path / "data"))
    bundled_mod._announced.clear()
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, [str(a) for a in args])

    return invoke


def test_ingest_every_format_then_reingest_changes_nothing(run, tmp_path):
    first = run("ingest", *ALL_FORMATS)
    assert first.exit_code == 0, first.output
    assert "19 added, 0 updated, 0 unchanged, 0 rejected; 19 trials" in first.stdout
    assert str(tmp_path / "data") in first.stdout  # the env variable chose the data dir
    again = run("ingest", *ALL_FORMATS)
    assert "0 added, 0 updated, 19 unchanged" in again.stdout


def test_ingest_with_a_corrupt_record_reports_it_and_ingests_the_rest(run):
    result = run("ingest", CORPUS / "corrupt-4.jsonl")
    assert result.exit_code == 0
    assert "corrupt-4.jsonl, line 3" in result.stderr and "rejected" in result.stderr
    assert "3 added, 0 updated, 0 unchanged, 1 rejected" in result.stdout
    assert "the rest were ingested" in result.stderr


def test_ingest_missing_path_fails(run, tmp_path):
    result = run("ingest", CORPUS / "nsclc-5.jsonl", tmp_path / "nope.json")
    assert result.exit_code != 0 and "no such file or folder" in result.stderr
    assert "nope.json" in result.stderr


def test_ingest_nothing_readable_fails(run, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n[1, 2\n")
    result = run("ingest", bad)
    assert result.exit_code == 1 and "nothing could be read" in result.stderr
    assert "bad.jsonl, line 1" in result.stderr and "bad.jsonl, line 2" in result.stderr


def test_data_dir_flag_overrides_env(run, tmp_path):
    result = run("ingest", CORPUS / "nsclc-5.jsonl", "--data-dir", tmp_path / "flag")
    assert result.exit_code == 0 and str(tmp_path / "flag") in result.stdout
    listed = run("trials", "list", "--format", "json", "--data-dir", tmp_path / "flag")
    assert len(json.loads(listed.stdout)) == 5
    env = run("trials", "list", "--format", "json")  # the env dir is still empty
    assert len(json.loads(env.stdout)) == 50 and "bundled corpus" in env.stderr


def test_list_json_filters_condition_and_status(run):
    run("ingest", *ALL_FORMATS)
    result = run("trials", "list", "--format", "json", "--limit", "0")
    rows = json.loads(result.stdout)
    assert len(rows) == 19 and {"nct_id", "title", "status"} <= set(rows[0])
    leuk = json.loads(run("trials", "list", "--condition", "LEUKEMIA", "--format", "json").stdout)
    leuk_ids = {r["nct_id"] for r in leuk}
    assert {t.nct_id for t in read_trials([CORPUS / "leukemia-5.jsonl.gz"])[0]} <= leuk_ids
    assert not leuk_ids & {t.nct_id for t in read_trials([CORPUS / "nsclc-5.jsonl"])[0]}
    rec = json.loads(run("trials", "list", "--status", "recruiting,not_yet_recruiting",
                         "--format", "json", "--limit", "0").stdout)  # fmt: skip
    assert rec and {r["status"] for r in rec} <= {"RECRUITING", "NOT_YET_RECRUITING"}
    assert len(json.loads(run("trials", "list", "--limit", "3", "--format", "json").stdout)) == 3


def test_list_condition_matches_mesh_ancestors(run):
    # NCT00777179 lists only "NSCLC" as condition; MeSH ancestors include "Neoplasms"
    rows = json.loads(run("trials", "list", "--condition", "neoplasms", "--format", "json",
                          "--limit", "0").stdout)  # fmt: skip
    assert "NCT00777179" in {r["nct_id"] for r in rows}


def test_list_bad_status_suggests(run):
    result = run("trials", "list", "--status", "recrutng")
    assert result.exit_code == 2 and "did you mean RECRUITING?" in result.stderr


def test_list_and_show_fall_back_to_bundled_saying_so_once(run):
    result = run("trials", "list", "--format", "json", "--limit", "0")
    assert len(json.loads(result.stdout)) == len(bundled_trials()) == 255
    assert result.stderr.count("using the bundled corpus (255 trials)") == 1
    shown = run("trials", "show", "nct06532617", "--format", "json")
    (trial,) = json.loads(shown.stdout)
    assert trial["nct_id"] == "NCT06532617" and trial["phases"] == ["PHASE2"]


def test_show_table_and_json(run):
    run("ingest", CORPUS / "folder")
    table = run("trials", "show", "NCT06532617")
    assert table.exit_code == 0 and "Cadonilimab" in table.stdout and "Inclusion" in table.stdout
    both = json.loads(
        run("trials", "show", "NCT06532617", "NCT06382129", "--format", "json").stdout
    )
    assert [t["nct_id"] for t in both] == ["NCT06532617", "NCT06382129"]


def test_show_unknown_or_malformed_id_fails(run):
    run("ingest", CORPUS / "folder")
    unknown = run("trials", "show", "NCT06532618")
    assert unknown.exit_code != 0 and "not in the corpus" in unknown.stderr
    assert "did you mean NCT06532617?" in unknown.stderr
    bad = run("trials", "show", "NCT123")
    assert bad.exit_code != 0 and "NCT followed by 8 digits" in bad.stderr


def test_fetch_against_local_registry_then_resume(run, tmp_path):
    reg = Registry()
    with serve(reg) as url:
        first = run("fetch", "--condition", "Phelan-McDermid", "--status", "recruiting",
                    "--page-size", "5", "--max-pages", "1", "--base-url", url, "--rate", "100")  # fmt: skip
        assert first.exit_code == 0, first.output
        assert "5 added" in first.stdout and "run the same command again" in first.stderr
        second = run("fetch", "--condition", "Phelan-McDermid", "--status", "recruiting",
                     "--page-size", "5", "--max-pages", "1", "--base-url", url, "--rate", "100")  # fmt: skip
        assert "(resumed)" in second.stderr and "5 added" in second.stdout
    assert reg.requests[1]["pageToken"] == [PAGE1["nextPageToken"]]
    assert reg.requests[0]["filter.overallStatus"] == ["RECRUITING"]
    listed = json.loads(run("trials", "list", "--format", "json").stdout)
    assert len(listed) == 10


def test_fetch_offline_and_bad_options(run):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("fetch", "--condition", "x", "--base-url", f"http://127.0.0.1:{port}")
    assert result.exit_code == 1 and "check your connection" in result.stderr
    assert run("fetch").exit_code == 2
    bad_date = run("fetch", "--condition", "x", "--updated-since", "31/01/2026")
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.stderr
