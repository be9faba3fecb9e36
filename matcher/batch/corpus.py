"""The corpus side of a batch run wired to the real parser and matcher.

``corpus_context`` loads the corpus (the store in ``data_dir``, else the bundled trials),
keeps the trials with the wanted statuses, and builds the parsed-criteria table once: for a
stored corpus it is cached in the store as the table ``batch_criteria`` (with a digest of
the parser's code and patterns, so a changed parser recomputes it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl

from matcher.batch.criteria import CRITERIA_SCHEMA, criteria_table
from matcher.batch.partition import MatchContext
from matcher.batch.runner import build_context, select_trials
from matcher.batch.types import BatchOptions, PairResult
from profiles.model import PatientProfile
from rules.trial import Trial

CACHE_TABLE = "batch_criteria"


@cache
def parser_digest() -> str:
    """A digest of the criteria parser's code and pattern files (cache key)."""
    digest = hashlib.sha256()
    root = resources.files("rules")
    for folder in ("criteria", "data/patterns", "data/vocab"):
        base = Path(str(root.joinpath(*folder.split("/"))))
        for f in sorted(base.rglob("*")) if base.exists() else []:
            if f.is_file() and f.suffix in (".py", ".json"):
                digest.update(f.relative_to(base).as_posix().encode())
                digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def _parse(trial: Trial) -> list:
    from rules.criteria import parse_trial

    return list(parse_trial(trial))


def cached_criteria(trials: Sequence[Trial], *, data_dir: Path | None) -> pl.DataFrame:
    """The criteria table of ``trials``, from the store's cache when it is current."""
    from rules.corpus import CorpusStore

    store = CorpusStore.from_env(data_dir)
    if store.is_empty:
        return criteria_table(trials, parse=_parse)
    digest = parser_digest()
    found = store.read_table(CACHE_TABLE)
    if (
        found is not None
        and "parser_digest" in found.columns
        and found.height
        and found["parser_digest"][0] == digest
    ):
        have = set(found["nct_id"].unique().to_list())
        missing = [t for t in trials if t.nct_id not in have]
        if not missing:
            return found.select(list(CRITERIA_SCHEMA))
    table = criteria_table(store.trials(), parse=_parse)
    store.write_table(CACHE_TABLE, table.with_columns(parser_digest=pl.lit(digest)))
    return table


def evaluate_pair(profile: PatientProfile, trial: Trial, as_of: date) -> PairResult:
    """The real matcher's explained evaluation of one pair, flattened for the batch tables."""
    from matcher.batch.adapter import evaluate_with_matcher

    return evaluate_with_matcher(profile, trial, as_of)


def corpus_context(
    *, options: BatchOptions, data_dir: Path | None = None, trials: Sequence[Trial] | None = None
) -> MatchContext:
    """Everything a worker needs, built once: trials, their tables, and the real matcher."""
    if trials is None:
        from rules.corpus import load_corpus

        trials = load_corpus(data_dir, quiet=True)
        criteria = cached_criteria(trials, data_dir=data_dir)
    else:
        criteria = None
    chosen = select_trials(trials, options.statuses)
    return build_context(
        chosen, options=options, evaluate=evaluate_pair, criteria=criteria, parse=_parse
    )
