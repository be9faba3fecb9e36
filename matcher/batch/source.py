"""The corpus side as a recipe: each worker builds its own context from the store.

Shipping a built :class:`~matcher.batch.partition.MatchContext` to every Dask worker costs a
full copy of it in the driver, in transit and in each worker. :class:`StoredCorpus` is what
the driver holds instead: the trial ids and titles (for the checkpoint identity and the
``screen_fails`` sheet) and a small :class:`Recipe` (data folder, statuses, reference date,
top-k and a digest of the trial ids). Each process that runs a partition builds the context
from the recipe once (:func:`matcher.batch.corpus.corpus_context`, which reads the store and
its parse cache) and checks it got the same trials. The driver makes the parse cache current
before any worker starts, so workers never parse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from matcher.batch.partition import MatchContext
from matcher.batch.types import BatchOptions
from rules.errors import ConfigError

#: the context built in this process, by recipe (one at a time)
_LOADED: dict[Recipe, MatchContext] = {}


def ids_digest(ids: Sequence[str]) -> str:
    """A digest of a run's trial ids (order-free)."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


@dataclass(frozen=True, kw_only=True)
class Recipe:
    """How to build the corpus side in any process that can read ``data_dir``."""

    data_dir: str
    statuses: tuple[str, ...] | None
    as_of: date
    top_k: int
    digest: str
    #: the parser digest of the store's parse cache the driver checked (None: bundled)
    cache: str | None = None

    def load(self) -> MatchContext:
        """The context of this recipe, built once per process."""
        found = _LOADED.get(self)
        if found is None:
            from matcher.batch.corpus import corpus_context

            _LOADED.clear()
            options = BatchOptions(statuses=self.statuses, as_of=self.as_of, top_k=self.top_k)
            found = corpus_context(options=options, data_dir=Path(self.data_dir), digest=self.cache)
            if ids_digest(found.trial_ids) != self.digest:
                raise ConfigError(
                    "the stored corpus changed during the batch run "
                    f"({len(found.trial_ids)} trials now)",
                    where=self.data_dir,
                    hint="run the batch again once ingestion is over",
                )
            _LOADED[self] = found
        return found


@dataclass(frozen=True, kw_only=True)
class StoredCorpus:
    """The driver's side of a stored corpus: ids and titles, and the workers' recipe."""

    recipe: Recipe
    titles: pl.DataFrame  # nct_id, title; sorted by nct_id

    @property
    def trial_ids(self) -> list[str]:
        return self.titles.get_column("nct_id").to_list()

    def load(self) -> MatchContext:
        return self.recipe.load()


def stored_corpus(
    *, options: BatchOptions, data_dir: Path | None = None, digest: str | None = None
) -> StoredCorpus:
    """The corpus of ``data_dir`` (else the bundled trials) for a batch run, without building
    it here: only the titles are read, and the store's parse cache is renewed if stale
    (``digest``: use the cache made by that parser instead, which must be there)."""
    from matcher.batch.corpus import cache_digest, ensure_cache, run_titles
    from rules.corpus import CorpusStore

    store = CorpusStore.from_env(data_dir)
    titles = run_titles(store, options.statuses)
    cache = ensure_cache(store) if digest is None else digest
    if digest is not None and cache_digest(store) != digest:
        raise ConfigError(
            f"the store's parse cache is not the one of parser {digest}", where=str(store.root)
        )
    recipe = Recipe(
        cache=cache,
        data_dir=str(store.data_dir),
        statuses=options.statuses,
        as_of=options.as_of,
        top_k=options.top_k,
        digest=ids_digest(titles.get_column("nct_id").to_list()),
    )
    return StoredCorpus(recipe=recipe, titles=titles)
