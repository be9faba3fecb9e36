"""Compact per-process storage of the corpus side: slim trials and packed criteria.

A batch worker holds every trial of the run and its criteria, but only reads the full
criteria objects of the few trials it explains (the kept top-k of each patient). So the
criteria are kept pickled, one ``bytes`` per trial (:class:`Packed`), and unpickled on
access; the trials are kept without the fields the matcher never reads (:func:`slim`).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from typing import Any

from rules.criterion import Criterion
from rules.trial import Trial

#: Trial fields no part of the batch path reads (matcher.facade/guards/explain/evaluate*,
#: matcher.index.structured_criteria, matcher.batch.relevance): sites are for distance,
#: interventions/arms/summary for search and display elsewhere
UNREAD_FIELDS = (
    "sites",
    "interventions",
    "arm_groups",
    "brief_summary",
    "intervention_meshes",
    "intervention_ancestors",
    "lead_sponsor",
)
_EMPTY: dict[str, Any] = {
    f: [] if f not in ("brief_summary", "lead_sponsor") else None for f in UNREAD_FIELDS
}


def slim(trial: Trial) -> Trial:
    """A copy of ``trial`` without the fields the batch matcher never reads.

    >>> t = Trial(nct_id="NCT00000001", brief_title="A", lead_sponsor="S", minimum_age="18 Years")
    >>> s = slim(t)
    >>> s.lead_sponsor, s.title, s.min_age_years
    (None, 'A', 18.0)
    """
    return trial.model_copy(update=_EMPTY)


#: unpickled criteria of the trials explained lately, by their pickle (the kept trials of
#: similar patients repeat); shared like the lists of an unpacked corpus would be
_RECENT: dict[bytes, list[Criterion]] = {}
RECENT_LIMIT = 2048


def _unpack(blob: bytes) -> list[Criterion]:
    found = _RECENT.get(blob)
    if found is None:
        if len(_RECENT) >= RECENT_LIMIT:
            del _RECENT[next(iter(_RECENT))]  # the oldest
        found = _RECENT[blob] = pickle.loads(blob)
    return found


class Packed(Sequence[list[Criterion]]):
    """The criteria of many trials, one pickled list per trial, unpickled on access.

    >>> c = Criterion(id="c1", polarity="inclusion", text="Adults", start=0, end=6,
    ...     kind="age", confidence=0.9, rule="age", params={"age": {"op": ">=", "value": 18}})
    >>> p = Packed.of([[c], []])
    >>> len(p), p[0] == [c], p[1]
    (2, True, [])
    """

    __slots__ = ("blobs",)

    def __init__(self, blobs: list[bytes]):
        self.blobs = blobs

    @classmethod
    def of(cls, criteria: Sequence[Sequence[Criterion]]) -> Packed:
        return cls([pickle.dumps(list(cs), protocol=pickle.HIGHEST_PROTOCOL) for cs in criteria])

    def __len__(self) -> int:
        return len(self.blobs)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return Packed(self.blobs[index])
        return _unpack(self.blobs[index])

    def __iter__(self) -> Iterator[list[Criterion]]:
        return (pickle.loads(b) for b in self.blobs)

    def take(self, indexes: Sequence[int]) -> Packed:
        """The criteria of the trials at ``indexes`` (still packed)."""
        return Packed([self.blobs[i] for i in indexes])

    @property
    def nbytes(self) -> int:
        return sum(len(b) for b in self.blobs)
