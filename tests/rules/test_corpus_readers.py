"""Reading every accepted input format, on real records (tests/data/corpus, bundled)."""

from __future__ import annotations

import gzip
import json

import pytest

from rules.corpus import RawRecord, iter_records, read_trials
from rules.errors import CorpusError
from tests.conftest import BUNDLED, TEST_DATA

CORPUS = TEST_DATA / "corpus"
API = TEST_DATA / "ctgov-api-responses"


def _ids(name):
    return [r["protocolSection"]["identificationModule"]["nctId"]
            for r in json.loads(gzip.open(BUNDLED / name).read())]  # fmt: skip


def test_jsonl_reads_every_line_in_order():
    trials, errors = read_trials([CORPUS / "nsclc-5.jsonl"])
    assert errors == []
    assert [t.nct_id for t in trials] == _ids("nsclc-100.json.gz")[:5]


def test_jsonl_gz():
    trials, errors = read_trials([CORPUS / "leukemia-5.jsonl.gz"])
    assert errors == [] and [t.nct_id for t in trials] == _ids("leukemia-100.json.gz")[:5]


def test_json_array_gz_is_the_website_download():
    trials, errors = read_trials([BUNDLED / "nsclc-100.json.gz"])
    assert errors == [] and len(trials) == 100


def test_single_study_and_search_page():
    single, e1 = read_trials([API / "get_nct06604689_20260811.json"])
    page, e2 = read_trials([API / "search_phelan_limit5_20260811.json"])
    assert e1 == e2 == []
    assert [t.nct_id for t in single] == ["NCT06604689"]
    assert len(page) == 5


def test_zip_reads_data_members_and_skips_others():
    items = list(iter_records([CORPUS / "mixed-4.zip"]))
    assert all(isinstance(i, RawRecord) for i in items)
    assert [i.where.split("mixed-4.zip:")[1] for i in items] == [
        "mixed/a.json, record 1", "mixed/a.json, record 2",
        "mixed/b.jsonl, line 1", "mixed/b.jsonl, line 2",
    ]  # fmt: skip
    trials, errors = read_trials([CORPUS / "mixed-4.zip"])
    assert errors == [] and [t.nct_id for t in trials][:2] == _ids("mixed-10.json.gz")[:2]


def test_folder_is_read_recursively_skipping_non_data():
    trials, errors = read_trials([CORPUS / "folder"])
    assert errors == []
    ids = [t.nct_id for t in trials]
    assert ids[:2] == _ids("nsclc-100.json.gz")[5:7]
    assert "NCT06532617" in ids and "NCT06382129" in ids  # the single study and the page
    assert len(ids) == 5


def test_folder_of_real_api_responses():
    trials, errors = read_trials([API])
    assert errors == []
    assert {"NCT02576665", "NCT06382129", "NCT06604689"} <= {t.nct_id for t in trials}


def test_corrupt_line_is_reported_by_line_and_the_rest_read():
    trials, errors = read_trials([CORPUS / "corrupt-4.jsonl"])
    assert [t.nct_id for t in trials] == ["NCT05712278", "NCT05682924", "NCT05645172"]
    (err,) = errors
    assert "corrupt-4.jsonl, line 3" in str(err) and "not valid JSON" in str(err)


def test_record_that_is_not_a_study_names_file_position_and_nct(tmp_path):
    good = json.loads((CORPUS / "folder" / "sub" / "NCT06532617.json").read_text())
    bad = json.loads(json.dumps(good))
    bad["protocolSection"]["conditionsModule"]["conditions"] = "Pancreatic Neoplasms"
    path = tmp_path / "two.json"
    path.write_text(json.dumps([bad, good]))
    trials, errors = read_trials([path])
    assert [t.nct_id for t in trials] == ["NCT06532617"]
    (err,) = errors
    assert err.where == f"{path}, record 1 (NCT06532617)"
    assert "conditions should be a list" in err.message


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"this is not json", "not valid JSON"),
        (b'{"studies": {"not": "a list"}}', "should be a list"),
        (b"\xff\xfe\x00junk", "not UTF-8"),
    ],
)
def test_unreadable_files_give_one_clear_error(tmp_path, content, problem):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    trials, errors = read_trials([path])
    assert trials == [] and len(errors) == 1
    assert problem in str(errors[0]) and str(path) in str(errors[0])


def test_bad_gzip_and_bad_zip_are_reported(tmp_path):
    (tmp_path / "a.jsonl.gz").write_bytes(b"not gzip")
    (tmp_path / "b.zip").write_bytes(b"not zip")
    trials, errors = read_trials([tmp_path])
    assert trials == []
    assert ["gzip" in str(errors[0]), "zip" in str(errors[1])] == [True, True]


def test_missing_path_raises_before_anything_is_read(tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder"):
        list(iter_records([CORPUS / "nsclc-5.jsonl", tmp_path / "nope.json"]))


def test_progress_reports_all_bytes(tmp_path):
    seen = []
    paths = [CORPUS / "leukemia-5.jsonl.gz", CORPUS / "nsclc-5.jsonl", CORPUS / "mixed-4.zip"]
    list(iter_records(paths, progress=seen.append))
    assert sum(seen) == sum(p.stat().st_size for p in paths)
