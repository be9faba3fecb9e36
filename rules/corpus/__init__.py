"""The corpus: reading study records, the Parquet store, and the bundled default corpus.

Public API (see docs/corpus.md): :func:`iter_records`, :func:`read_trials`,
:class:`CorpusStore`, :class:`IngestSummary`, :func:`load_corpus`, :func:`bundled_trials`.
"""

from rules.corpus.bundled import announce_bundled, bundled_frame, bundled_trials, load_corpus
from rules.corpus.filters import filter_frame, parse_statuses
from rules.corpus.frames import dedupe, parse_date, sites_frame, trials_frame
from rules.corpus.ingest import ingest_paths
from rules.corpus.readers import ACCEPTED, RawRecord, input_size, iter_records, read_trials
from rules.corpus.store import ENV_DATA_DIR, CorpusStore, IngestSummary

__all__ = [
    "ACCEPTED",
    "ENV_DATA_DIR",
    "CorpusStore",
    "IngestSummary",
    "RawRecord",
    "announce_bundled",
    "bundled_frame",
    "bundled_trials",
    "dedupe",
    "filter_frame",
    "ingest_paths",
    "input_size",
    "iter_records",
    "load_corpus",
    "parse_date",
    "parse_statuses",
    "read_trials",
    "sites_frame",
    "trials_frame",
]
