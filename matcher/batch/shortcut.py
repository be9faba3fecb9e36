"""Two rounds per patient: rule out the surely ineligible trials on their most shared
propositions first, then let the matcher judge only the others.

A trial is ineligible as soon as one of its criteria is *not met* (``matcher.verdict``: a
sure finding that disagrees with a confident criterion). The batch keeps only eligible and
possibly eligible trials and merely counts the ineligible ones, so once a trial has a not-met
criterion its other propositions need not be evaluated. Round one evaluates the propositions
of confident criteria shared by at least ``min_trials`` of the patient's trials (the ones
most likely to be in the memo already); the trials they rule out are counted as ineligible
and dropped; ``matcher.facade.match`` then judges the rest with the same findings (no
proposition is evaluated twice: :class:`PatientJudge`). Verdicts, scores, kept trials and
questions are exactly the matcher's on all the trials (the dropped ones are ineligible
whatever their other criteria say, so they are neither kept nor asked about).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from matcher.batch.packed import Packed
from matcher.facts import PatientFacts
from matcher.index import PreparedTrials
from matcher.outcome import Finding
from rules.criterion import Criterion

if TYPE_CHECKING:
    from matcher.facade import Judge

#: a proposition enters round one when confident criteria of this many trials share it
MIN_TRIALS = 3


class PatientJudge:
    """The findings of one patient: asked once from ``judge`` (the memo), then kept."""

    __slots__ = ("found", "judge")

    def __init__(self, judge: Judge):
        self.judge = judge
        self.found: dict[int, Finding] = {}

    def __call__(self, keys: Sequence[int], facts: PatientFacts) -> dict[int, Finding]:
        found = self.found
        missing = [k for k in keys if k not in found]
        if missing:
            found.update(self.judge(missing, facts))
        return {k: found[k] for k in keys}


def round_one_keys(p: PreparedTrials, *, min_trials: int | None = None) -> list[int]:
    """Distinct keys of confident criteria that at least ``min_trials`` (default
    :data:`MIN_TRIALS`) trials share; a key counts once per trial."""
    min_trials = MIN_TRIALS if min_trials is None else min_trials
    rows = np.flatnonzero(p.confident)
    if not len(rows):
        return []
    pairs = np.unique(p.key[rows].astype(np.int64) << 32 | p.trial_of[rows].astype(np.int64))
    keys, counts = np.unique(pairs >> 32, return_counts=True)
    return keys[counts >= min_trials].tolist()


def ruled_out(p: PreparedTrials, findings: dict[int, Finding]) -> np.ndarray:
    """Per trial: True when a confident criterion whose key has a finding is surely not met
    (the rule of ``matcher.facade._statuses``: a sure, not assumed value that disagrees with
    what the criterion requires)."""
    if not findings:
        return np.zeros(len(p), dtype=bool)
    size = max(int(p.key.max()) + 1 if len(p.key) else 0, max(findings) + 1)
    # 0 = no sure value, 1 = sure False, 2 = sure True
    sure = np.zeros(size, dtype=np.int8)
    for k, f in findings.items():
        if f.value is not None and not f.assumed:
            sure[k] = 2 if f.value else 1
    code = sure[p.key]
    fails = p.confident & (code > 0) & ((code == 2) != p.required)
    return np.bincount(p.trial_of[fails], minlength=len(p)) > 0


def take(p: PreparedTrials, chosen: np.ndarray) -> PreparedTrials:
    """The prepared trials at positions ``chosen`` (sorted), with their rows."""
    rows = np.isin(p.trial_of, chosen)
    remap = np.full(len(p.trials), -1, dtype=np.int32)
    remap[chosen] = np.arange(len(chosen), dtype=np.int32)
    picked = chosen.tolist()
    criteria = p.criteria
    taken = criteria.take(picked) if isinstance(criteria, Packed) else [criteria[i] for i in picked]
    rank = np.empty(len(chosen), dtype=np.int64)
    rank[np.argsort(p.id_rank()[chosen], kind="stable")] = np.arange(len(chosen))
    return PreparedTrials(
        trials=[p.trials[i] for i in picked],
        criteria=cast(list[list[Criterion]], taken),
        trial_of=remap[p.trial_of[rows]],
        key=p.key[rows],
        required=p.required[rows],
        confident=p.confident[rows],
        temporary=p.temporary[rows],
        nct_rank=rank,
        full_key=p.full_key[rows] if p.full_key is not None else None,
    )
