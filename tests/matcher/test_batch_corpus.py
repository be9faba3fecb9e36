"""The parsed-criteria cache of a stored corpus: a run over some of its trials reads only
those from the cache, and they equal a fresh parse."""

from __future__ import annotations

from pathlib import Path

from matcher.batch.corpus import CACHE_TABLE, cached_parse, parse_all
from rules.corpus import CorpusStore, bundled_trials


def test_cached_parse_reads_back_only_the_trials_asked_for(tmp_path: Path):
    trials = sorted(bundled_trials(), key=lambda t: t.nct_id)[:12]
    CorpusStore(tmp_path).ingest(trials)
    first = cached_parse(trials, data_dir=tmp_path)  # parses and writes the cache
    assert CorpusStore(tmp_path).read_table(CACHE_TABLE) is not None
    some = trials[3:7]
    again = cached_parse(some, data_dir=tmp_path)
    assert set(again) <= {t.nct_id for t in some}
    fresh = parse_all(some)
    for t in some:
        assert [c.model_dump() for c in again.get(t.nct_id, [])] == [
            c.model_dump() for c in fresh[t.nct_id]
        ]
    assert first.keys() >= again.keys()
