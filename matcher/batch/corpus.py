"""The corpus side of a batch run wired to the real parser and matcher.

``corpus_context`` loads the corpus (the store in ``data_dir``, else the bundled trials),
keeps the trials with the wanted statuses, and builds the parsed-criteria table once: for a
stored corpus it is cached in the store as the table ``batch_criteria`` (with a digest of
the parser's code and patterns, so a changed parser recomputes it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl

from matcher.batch.adapter import MatcherEvaluator, ParsedOf
from matcher.batch.criteria import CRITERIA_SCHEMA, EMPTY_CRITERIA, parsed_of, table_of
from matcher.batch.packed import slim
from matcher.batch.partition import MatchContext
from matcher.batch.runner import build_context, context_rows, select_trials
from matcher.batch.types import BatchOptions
from rules.corpus import CorpusStore
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


def _current_cache(
    store: CorpusStore, trials: Sequence[Trial], digest: str | None = None
) -> pl.DataFrame | None:
    """The cached criteria rows of ``trials`` when the cache was made by the parser of
    ``digest`` (default: the current one) and covers them."""
    found = store.read_table(CACHE_TABLE)
    if found is None or "parser_digest" not in found.columns or not found.height:
        return None
    if found["parser_digest"][0] != (digest or parser_digest()):
        return None
    wanted = [t.nct_id for t in trials]
    if not set(wanted) <= set(found["nct_id"].to_list()):
        return None
    columns = [c for c in CRITERIA_SCHEMA if c in found.columns]
    return found.filter(pl.col("id").is_not_null() & pl.col("nct_id").is_in(wanted)).select(columns)


def _write_cache(store: CorpusStore) -> dict[str, list[Criterion]]:
    from rules.corpus.frames import frame_trials

    parsed = parse_all(frame_trials(store.frame()))  # not store.trials(): it keeps them
    table = table_of(parsed).with_columns(parser_digest=pl.lit(parser_digest()))
    # a trial without criteria still marks the cache as covering it
    empty = [n for n, cs in parsed.items() if not cs]
    marks = pl.DataFrame({"nct_id": empty}).with_columns(parser_digest=pl.lit(parser_digest()))
    store.write_table(CACHE_TABLE, pl.concat([table, marks], how="diagonal"))
    return parsed


def cached_parse(trials: Sequence[Trial], *, data_dir: Path | None) -> dict[str, list[Criterion]]:
    """Parsed criteria of ``trials``, from the store's cache when it is current.

    The cache is the store's table ``batch_criteria`` (see module doc); a store with nothing
    ingested (the bundled corpus) is parsed in memory.
    """
    store = CorpusStore.from_env(data_dir)
    if store.is_empty:
        return parse_all(trials)
    rows = _current_cache(store, trials)
    if rows is not None:  # only the trials of the run become objects
        return parsed_of(rows)
    return _write_cache(store)


def cache_digest(store: CorpusStore) -> str | None:
    """The parser digest of the store's parse cache when it covers every stored trial."""
    if store.is_empty:
        return None
    found = store.read_table(CACHE_TABLE)
    if found is None or "parser_digest" not in found.columns or not found.height:
        return None
    stored = set(store.frame().get_column("nct_id").to_list())
    if not stored <= set(found.get_column("nct_id").to_list()):
        return None
    return str(found["parser_digest"][0])


def _renew(data_dir: str) -> None:
    _write_cache(CorpusStore(Path(data_dir)))


def ensure_cache(store: CorpusStore) -> str | None:
    """Make the store's parse cache current and return its digest (None for an empty
    store). A stale cache is renewed in a child process, so the parse (every stored trial
    and its criteria as objects) does not stay in this one's memory."""
    if store.is_empty:
        return None
    digest = parser_digest()
    if cache_digest(store) != digest:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            pool.submit(_renew, str(store.data_dir)).result()
    return digest


def run_titles(store: CorpusStore, statuses: tuple[str, ...] | None) -> pl.DataFrame:
    """``nct_id, title`` of the run's trials (the bundled ones for an empty store), sorted."""
    if store.is_empty:
        from rules.corpus import load_corpus

        trials = select_trials(load_corpus(store.data_dir, quiet=True), statuses)
        frame = pl.DataFrame(
            {"nct_id": [t.nct_id for t in trials], "title": [t.title for t in trials]},
            schema={"nct_id": pl.String, "title": pl.String},
        )
    else:
        frame = store.frame()
        if statuses is not None:
            frame = frame.filter(pl.col("status").is_in(list(statuses)))
        frame = frame.select("nct_id", "title").unique("nct_id", keep="first")
    return frame.sort("nct_id")


def store_trials(store: CorpusStore, statuses: tuple[str, ...] | None) -> list[Trial]:
    """The stored trials with one of ``statuses`` (all when None), slim, sorted by NCT id;
    only those are rebuilt from the store's JSON."""
    frame = store.read_table("trials")
    if frame is None:
        return []
    if statuses is not None:
        frame = frame.filter(pl.col("status").is_in(list(statuses)))
    trials = [slim(Trial.model_validate_json(j)) for j in frame.get_column("trial_json")]
    return select_trials(trials, statuses)


def _parsed_source(
    trials: Sequence[Trial], data_dir: Path | None, *, stored: bool, digest: str | None
) -> Mapping[str, list[Criterion]] | ParsedOf:
    """The parsed criteria of the run's trials: a function of a chunk of trials reading the
    store's cache (renewed first when stale; with ``digest``, the cache must be the one made
    by that parser), else a parse of the chunk."""
    if not stored:
        return parse_all
    store = CorpusStore.from_env(data_dir)
    rows = _current_cache(store, trials, digest)
    if rows is None and digest is None:
        ensure_cache(store)
        rows = _current_cache(store, trials)
    if rows is None:
        raise ConfigError(
            "the parse cache of the stored corpus changed during the batch run",
            where=str(store.root),
            hint="run the batch again",
        )
    by_trial = rows.sort("nct_id", "order").partition_by("nct_id", as_dict=True)

    def chunk(part: list[Trial]) -> dict[str, list[Criterion]]:
        found = [by_trial[(t.nct_id,)] for t in part if (t.nct_id,) in by_trial]
        return parsed_of(pl.concat(found)) if found else {}

    return chunk


def corpus_context(
    *,
    options: BatchOptions,
    data_dir: Path | None = None,
    trials: Sequence[Trial] | None = None,
    digest: str | None = None,
) -> MatchContext:
    """Everything a worker needs, built once: trials, their tables, and the real matcher.

    ``trials`` given: those (parsed here); otherwise the corpus of ``data_dir`` (parsed once
    and cached in its store; ``digest``: use the cache made by that parser, as checked by the
    driver of the run, even if the parser code changed since), or the bundled trials. Built a chunk of trials at a time, and
    kept compact (slim trials, packed criteria, the criteria rows the pre-screen and the
    relevance read): see ``matcher.batch.adapter``.
    """
    from rules.corpus import load_corpus

    stored = False
    if trials is None:
        store = CorpusStore.from_env(data_dir)
        stored = not store.is_empty
        chosen = (
            store_trials(store, options.statuses)
            if stored
            else select_trials(load_corpus(data_dir, quiet=True), options.statuses)
        )
    else:
        chosen = select_trials(trials, options.statuses)
    tables: list[pl.DataFrame] = []

    def keep_rows(part: list[Trial], crits: list[list[Criterion]]) -> None:
        table = table_of(dict(zip((t.nct_id for t in part), crits, strict=True)), trials=part)
        tables.append(context_rows(table))

    parsed = _parsed_source(chosen, data_dir, stored=stored, digest=digest)
    evaluator = MatcherEvaluator.of(chosen, parsed, on_chunk=keep_rows)
    table = pl.concat(tables) if tables else EMPTY_CRITERIA.clone()
    return build_context(evaluator.trials, options=options, evaluate=evaluator, criteria=table)
