"""The corpus side of a batch run wired to the real parser and matcher.

``corpus_context`` loads the corpus (the store in ``data_dir``, else the bundled trials),
keeps the trials with the wanted statuses, and builds the parsed-criteria table once: for a
stored corpus it is cached in the store as the table ``batch_criteria`` (with a digest of
the parser's code and patterns, so a changed parser recomputes it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl

from matcher.batch.adapter import MatcherEvaluator
from matcher.batch.criteria import CRITERIA_SCHEMA, parsed_of, table_of
from matcher.batch.partition import MatchContext
from matcher.batch.runner import build_context, select_trials
from matcher.batch.types import BatchOptions
from rules.criterion import Criterion
from rules.errors import ConfigError
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


def _parse(trial: Trial) -> list[Criterion]:
    try:
        from rules.criteria import parse_trial
    except ImportError as exc:
        raise ConfigError(
            f"the criteria parser (rules.criteria) is not available: {exc}",
            hint="batch matching needs parsed criteria; install a complete trialmatch",
        ) from None
    return list(parse_trial(trial)) if trial.eligibility_criteria else []


def parse_all(trials: Sequence[Trial]) -> dict[str, list[Criterion]]:
    """Parse the free-text criteria of every trial (once)."""
    return {t.nct_id: _parse(t) for t in trials}


def cached_parse(trials: Sequence[Trial], *, data_dir: Path | None) -> dict[str, list[Criterion]]:
    """Parsed criteria of ``trials``, from the store's cache when it is current.

    The cache is the store's table ``batch_criteria`` (see module doc); a store with nothing
    ingested (the bundled corpus) is parsed in memory.
    """
    from rules.corpus import CorpusStore

    store = CorpusStore.from_env(data_dir)
    if store.is_empty:
        return parse_all(trials)
    digest = parser_digest()
    found = store.read_table(CACHE_TABLE)
    if found is not None and "parser_digest" in found.columns and found.height:
        ids = set(found["nct_id"].to_list())
        if found["parser_digest"][0] == digest and all(t.nct_id in ids for t in trials):
            columns = [c for c in CRITERIA_SCHEMA if c in found.columns]
            wanted = [t.nct_id for t in trials]  # only the trials of the run become objects
            rows = found.filter(pl.col("id").is_not_null() & pl.col("nct_id").is_in(wanted))
            return parsed_of(rows.select(columns))
    parsed = parse_all(store.trials())
    table = table_of(parsed).with_columns(parser_digest=pl.lit(digest))
    # a trial without criteria still marks the cache as covering it
    empty = [n for n, cs in parsed.items() if not cs]
    marks = pl.DataFrame({"nct_id": empty}).with_columns(parser_digest=pl.lit(digest))
    store.write_table(CACHE_TABLE, pl.concat([table, marks], how="diagonal"))
    return parsed


def corpus_context(
    *, options: BatchOptions, data_dir: Path | None = None, trials: Sequence[Trial] | None = None
) -> MatchContext:
    """Everything a worker needs, built once: trials, their tables, and the real matcher.

    ``trials`` given: those (parsed here); otherwise the corpus of ``data_dir`` (parsed once
    and cached in its store), or the bundled trials.
    """
    if trials is None:
        from rules.corpus import load_corpus

        trials = load_corpus(data_dir, quiet=True)
        parsed = cached_parse(select_trials(trials, options.statuses), data_dir=data_dir)
    else:
        parsed = parse_all(select_trials(trials, options.statuses))
    chosen = select_trials(trials, options.statuses)
    evaluator = MatcherEvaluator.of(chosen, parsed)
    crits = dict(zip((t.nct_id for t in chosen), evaluator.criteria, strict=True))
    table = table_of(crits, trials=chosen)
    return build_context(chosen, options=options, evaluate=evaluator, criteria=table)
