"""The bundled default corpus (real records in ``rules/data/bundled``) and corpus loading."""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl

from rules.corpus.frames import dedupe, trials_frame
from rules.corpus.readers import read_trials
from rules.corpus.store import CorpusStore
from rules.errors import ConfigError
from rules.trial import Trial

_announced: list[bool] = []


def bundled_trials() -> list[Trial]:
    """The trials shipped with trialmatch, one per NCT id, sorted by id (parsed once).

    >>> trials = bundled_trials()
    >>> len(trials) > 200, "NCT06532617" in {t.nct_id for t in trials}
    (True, True)
    """
    return list(_bundled())


@cache
def _bundled() -> tuple[Trial, ...]:
    folder = Path(str(resources.files("rules").joinpath("data", "bundled")))
    files = sorted(folder.glob("*.gz"))
    if not files:
        raise ConfigError(f"the bundled corpus is missing ({folder} has no .gz files)")
    trials, errors = read_trials(files)
    if errors:
        raise ConfigError(f"the bundled corpus has an unreadable record: {errors[0]}")
    return tuple(sorted(dedupe(trials), key=lambda t: t.nct_id))


@cache
def bundled_frame() -> pl.DataFrame:
    """The bundled trials as a trials table (same columns as :meth:`CorpusStore.frame`)."""
    return trials_frame(bundled_trials(), source="bundled")


def load_corpus(data_dir: Path | None = None, *, quiet: bool = False) -> list[Trial]:
    """The ingested corpus, or the bundled one when nothing was ingested.

    Falling back to the bundled corpus is said once per process on stderr, unless
    ``quiet``. ``data_dir`` as in :meth:`CorpusStore.from_env`.

    >>> import tempfile
    >>> len(load_corpus(Path(tempfile.mkdtemp()), quiet=True)) == len(bundled_trials())
    True
    """
    store = CorpusStore.from_env(data_dir)
    if not store.is_empty:
        return store.trials()
    trials = bundled_trials()
    if not quiet:
        announce_bundled(len(trials))
    return trials


def announce_bundled(count: int) -> None:
    """Say on stderr, once per process, that the bundled corpus is in use."""
    if _announced:
        return
    _announced.append(True)
    sys.stderr.write(
        f"using the bundled corpus ({count} trials); "
        "`trialmatch ingest` or `trialmatch fetch` to use your own\n"
    )
