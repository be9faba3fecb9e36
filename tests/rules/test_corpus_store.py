"""The Parquet corpus store: exact round trip, upsert by last update, atomic writes."""

from __future__ import annotations

import json
import os

import polars as pl
import pytest

from rules.corpus import CorpusStore, bundled_trials, ingest_paths, load_corpus, read_trials
from rules.corpus import store as store_mod
from rules.errors import CorpusError
from rules.trial import Trial
from tests.conftest import BUNDLED, TEST_DATA

CORPUS = TEST_DATA / "corpus"
SEED = TEST_DATA / "corpus" / "folder" / "sub" / "NCT06532617.json"


def _seed_record():
    return json.loads(SEED.read_text())


def _version(date: str, status: str) -> Trial:
    """The real seed record, re-dated: how the registry's next update of it would look."""
    rec = _seed_record()
    rec["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = date
    rec["protocolSection"]["statusModule"]["overallStatus"] = status
    return Trial.from_record(rec)


@pytest.fixture
def nsclc():
    trials, errors = read_trials([BUNDLED / "nsclc-100.json.gz"])
    assert not errors
    return trials


def test_round_trip_is_exact_and_tables_are_flat(tmp_path, nsclc):
    store = CorpusStore(tmp_path)
    summary = store.ingest(nsclc)
    assert (summary.added, summary.updated, summary.unchanged, summary.total) == (100, 0, 0, 100)
    assert store.trials() == sorted(nsclc, key=lambda t: t.nct_id)
    frame = store.frame()
    row = frame.filter(pl.col("nct_id") == "NCT06576635").row(0, named=True)
    assert row["status"] == "RECRUITING" and row["min_age_years"] == 18.0
    terms = frame.filter(pl.col("nct_id") == "NCT00777179")["condition_terms"].item()
    assert "Neoplasms" in terms.to_list()  # a MeSH ancestor
    sites = store.sites()
    assert sites.height == sum(len(t.sites) for t in nsclc)
    chicago = sites.filter(pl.col("nct_id") == "NCT06576635").row(0, named=True)
    assert chicago["city"] == "Chicago" and chicago["lat"] == pytest.approx(41.85003)
    assert store.get("nct06576635") == next(t for t in nsclc if t.nct_id == "NCT06576635")
    assert store.get("NCT00000000") is None


def test_manifest_counts_watermark_and_time(tmp_path, nsclc):
    store = CorpusStore(tmp_path)
    store.ingest(nsclc)
    m = store.manifest()
    assert m["counts"] == {"trials": 100, "sites": store.sites().height}
    assert m["last_update_watermark"] == str(store.frame()["last_update"].max())
    assert m["ingested_at"].startswith("20")


def test_reingest_changes_nothing_and_does_not_write(tmp_path, nsclc):
    store = CorpusStore(tmp_path)
    store.ingest(nsclc)
    gen = store.manifest()["generation"]
    again = store.ingest(nsclc)
    assert (again.added, again.updated, again.unchanged, again.total) == (0, 0, 100, 100)
    assert store.manifest()["generation"] == gen


def test_newer_wins_older_ignored_equal_unchanged(tmp_path):
    store = CorpusStore(tmp_path)
    store.ingest([Trial.from_record(_seed_record())])  # posted 2026-05-08
    newer = store.ingest([_version("2026-09-01", "ACTIVE_NOT_RECRUITING")])
    assert (newer.added, newer.updated) == (0, 1)
    assert store.get("NCT06532617").overall_status == "ACTIVE_NOT_RECRUITING"
    older = store.ingest([_version("2025-01-01", "COMPLETED")])
    assert (older.updated, older.unchanged) == (0, 1)
    equal = store.ingest([_version("September 1, 2026", "WITHDRAWN")])  # same day, other format
    assert (equal.updated, equal.unchanged) == (0, 1)
    assert store.get("NCT06532617").overall_status == "ACTIVE_NOT_RECRUITING"
    assert store.frame().height == 1 and store.sites().height == 1


def test_duplicates_within_one_input_resolved_the_same_way(tmp_path):
    store = CorpusStore(tmp_path)
    summary = store.ingest([
        _version("2026-05-08", "RECRUITING"),
        _version("2026-09-01", "SUSPENDED"),
        _version("2026-09-01", "TERMINATED"),  # a tie: the first seen stays
        _version("2025-01-01", "COMPLETED"),
    ])  # fmt: skip
    assert (summary.added, summary.unchanged, summary.total) == (1, 3, 1)
    assert store.get("NCT06532617").overall_status == "SUSPENDED"


def test_ingest_paths_counts_rejects_and_ingests_the_rest(tmp_path):
    store = CorpusStore(tmp_path)
    errors = []
    summary = ingest_paths(store, [CORPUS / "corrupt-4.jsonl"], on_error=errors.append)
    assert (summary.added, summary.rejected) == (3, 1) and len(errors) == 1
    src = store.frame().filter(pl.col("nct_id") == "NCT05645172")["source"].item()
    assert src.endswith("corrupt-4.jsonl, line 4")


def test_missing_path_writes_nothing(tmp_path):
    store = CorpusStore(tmp_path)
    with pytest.raises(CorpusError):
        ingest_paths(store, [CORPUS / "nsclc-5.jsonl", tmp_path / "missing.jsonl"])
    assert store.is_empty


def _boom_on(monkeypatch, exc, *, after: int):
    real = pl.DataFrame.write_parquet
    calls = []

    def flaky(self, file, *args, **kwargs):
        calls.append(file)
        if len(calls) > after:
            raise exc
        return real(self, file, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", flaky)


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_interrupted_write_leaves_previous_corpus_whole(tmp_path, monkeypatch, nsclc, exc):
    store = CorpusStore(tmp_path)
    store.ingest(nsclc[:40])
    before = store.trials()
    _boom_on(monkeypatch, exc, after=1)  # the trials table is written, then the sites write fails
    with pytest.raises(type(exc)):
        store.ingest(nsclc)
    monkeypatch.undo()
    fresh = CorpusStore(tmp_path)
    assert fresh.trials() == before and fresh.sites().height == sum(len(t.sites) for t in before)
    assert not list(fresh.root.glob(".tmp-*"))
    assert fresh.ingest(nsclc).added == 60


def test_crash_before_the_manifest_swap_keeps_the_old_generation(tmp_path, monkeypatch, nsclc):
    store = CorpusStore(tmp_path)
    store.ingest(nsclc[:10])
    real = os.replace

    def no_manifest(src, dst):
        if str(dst).endswith("manifest.json"):
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(store_mod.os, "replace", no_manifest)
    with pytest.raises(KeyboardInterrupt):
        store.ingest(nsclc)
    monkeypatch.undo()
    assert len(CorpusStore(tmp_path).trials()) == 10
    store.ingest(nsclc)
    assert sorted(f.name for f in store.root.glob("*.parquet")) == [
        "sites-2.parquet",
        "trials-2.parquet",
    ]


def test_write_table_adds_a_table_and_keeps_the_others(tmp_path, nsclc):
    store = CorpusStore(tmp_path)
    store.ingest(nsclc[:5])
    criteria = pl.DataFrame({"nct_id": [t.nct_id for t in nsclc[:5]], "n": [1, 2, 3, 4, 5]})
    store.write_table("criteria", criteria)
    assert store.read_table("criteria").equals(criteria)
    assert len(store.trials()) == 5 and store.manifest()["counts"]["criteria"] == 5
    store.ingest(nsclc[5:8])
    assert store.read_table("criteria").equals(criteria)  # an ingest keeps other tables
    assert store.read_table("nope") is None
    with pytest.raises(CorpusError, match="table name"):
        store.write_table("../evil", criteria)


def test_from_env_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIALMATCH_DATA_DIR", str(tmp_path / "env"))
    assert CorpusStore.from_env().data_dir == tmp_path / "env"
    assert CorpusStore.from_env(tmp_path / "flag").data_dir == tmp_path / "flag"
    monkeypatch.delenv("TRIALMATCH_DATA_DIR")
    monkeypatch.setattr(store_mod.platformdirs, "user_data_dir", lambda app: str(tmp_path / app))
    assert CorpusStore.from_env().data_dir == tmp_path / "trialmatch"
    assert not (tmp_path / "trialmatch").exists()  # resolving a path does no I/O


def test_broken_manifest_is_a_clear_error(tmp_path):
    store = CorpusStore(tmp_path)
    store.root.mkdir(parents=True)
    store.manifest_path.write_text("{not json")
    with pytest.raises(CorpusError, match="unreadable corpus manifest"):
        store.is_empty  # noqa: B018


def test_bundled_fallback_and_store_when_ingested(tmp_path, capsys, nsclc):
    from rules.corpus import bundled as bundled_mod

    monkey = bundled_mod._announced
    monkey.clear()
    assert load_corpus(tmp_path) == bundled_trials()
    load_corpus(tmp_path)
    err = capsys.readouterr().err
    assert err.count("using the bundled corpus") == 1 and f"({len(bundled_trials())} trials)" in err
    CorpusStore(tmp_path).ingest(nsclc[:3])
    assert [t.nct_id for t in load_corpus(tmp_path)] == sorted(t.nct_id for t in nsclc[:3])


def test_bundled_corpus_is_unique_real_and_cached():
    trials = bundled_trials()
    ids = [t.nct_id for t in trials]
    assert len(ids) == len(set(ids)) == 255  # 265 records in 9 files, 10 repeated ids
    assert {"NCT06532617", "NCT02576665", "NCT06576635"} <= set(ids)
    assert bundled_trials()[0] is trials[0]


@pytest.mark.slow
def test_full_shared_corpus_ingests_then_reingests_unchanged(tmp_path):
    from tests.conftest import SHARED

    paths = [*sorted((SHARED / "data" / "ctgov").glob("*.json")),
             SHARED / "data" / "trials" / "trials.jsonl.gz"]  # fmt: skip
    store = CorpusStore(tmp_path)
    errors = []
    first = ingest_paths(store, paths, on_error=errors.append)
    assert errors == [] and first.rejected == 0
    # 18,122 trials in trials.jsonl.gz + 808 ctgov records, of which 807 repeat an id seen
    assert first.total == first.added == 18_123 and first.unchanged == 807
    again = ingest_paths(store, paths)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 18_930)
    assert store.frame()["nct_id"].n_unique() == 18_123
    assert store.get("NCT06532617").brief_title.startswith("Cadonilimab")
