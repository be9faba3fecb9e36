"""Reading input files into the store, reporting unreadable records one by one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from rules.corpus.readers import Progress, iter_records
from rules.corpus.store import CorpusStore, IngestSummary
from rules.errors import CorpusError
from rules.trial import Trial


def ingest_paths(
    store: CorpusStore,
    paths: Iterable[str | Path],
    *,
    on_error: Callable[[CorpusError], None] | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Ingest every readable record in ``paths``; each unreadable one goes to ``on_error``.

    Raises CorpusError if a path does not exist (before anything is written).

    >>> import tempfile
    >>> from pathlib import Path
    >>> import rules
    >>> seed = Path(rules.__file__).parent / "data/bundled/seed-pancreatic-NCT06532617.json.gz"
    >>> ingest_paths(CorpusStore(Path(tempfile.mkdtemp())), [seed])
    IngestSummary(added=1, updated=0, unchanged=0, rejected=0, total=1)
    """
    rejected = 0

    def pairs() -> Iterator[tuple[Trial, str]]:
        nonlocal rejected
        for item in iter_records(paths, progress=progress):
            try:
                if isinstance(item, CorpusError):
                    raise item
                yield item.to_trial(), item.where
            except CorpusError as exc:
                rejected += 1
                if on_error:
                    on_error(exc)

    summary = store.ingest_pairs(pairs())
    return dataclasses.replace(summary, rejected=rejected)
