"""Batch matching: a cohort against the corpus, locally or on Dask, with nothing lost.

Entry points: :func:`run_batch` (cohort file in, results and errors files out, returns a
:class:`BatchSummary`), :func:`stored_corpus` (the stored corpus as the driver needs it: each
process running partitions builds the context itself), :func:`corpus_context` (the stored
corpus built here, with its parsed criteria and the real matcher), :func:`match_partition` (the pure per-partition function every
engine runs). See docs/batch.md.
"""

from matcher.batch.adapter import MatcherEvaluator
from matcher.batch.corpus import corpus_context
from matcher.batch.partition import InputError, MatchContext, PartitionResult, match_partition
from matcher.batch.prescreen import Patient, prescreen
from matcher.batch.relevance import relevance_table, relevant_trials, trial_scope
from matcher.batch.runner import build_context, read_cohort, run_batch, select_trials
from matcher.batch.source import Recipe, StoredCorpus, stored_corpus
from matcher.batch.types import BatchOptions, BatchSummary, Evaluation, PairResult

__all__ = [
    "BatchOptions",
    "BatchSummary",
    "Evaluation",
    "InputError",
    "MatchContext",
    "MatcherEvaluator",
    "PairResult",
    "PartitionResult",
    "Patient",
    "Recipe",
    "StoredCorpus",
    "build_context",
    "corpus_context",
    "match_partition",
    "prescreen",
    "read_cohort",
    "relevance_table",
    "relevant_trials",
    "run_batch",
    "select_trials",
    "stored_corpus",
    "trial_scope",
]
