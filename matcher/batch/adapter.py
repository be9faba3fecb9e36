"""The real matcher (``matcher.facade.match``) behind the batch's evaluation interface.

:class:`MatcherEvaluator` holds the trials (slim, :func:`matcher.batch.packed.slim`) and
their criteria (structured fields included) packed one pickle per trial, which pickle; the
flattened :class:`matcher.index.PreparedTrials` is built lazily once per process (its
proposition keys are process-local), a chunk of trials at a time so the criteria objects of
the whole corpus are never alive at once, and sliced per patient to the trials the
pre-screen left, so each distinct proposition is evaluated once per patient over those.
Only the kept trials (eligible / possibly eligible, top-k) are explained in full (their
criteria unpickled then); the verdict counts and questions of the rest come from the
matcher's arrays.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import cast

import numpy as np

from matcher.batch.memo import FindingMemo
from matcher.batch.packed import Packed, slim
from matcher.batch.shortcut import PatientJudge, round_one_keys, ruled_out, take
from matcher.batch.types import Evaluation, PairResult
from matcher.facts import PatientFacts
from matcher.index import PreparedTrials
from profiles.model import PatientProfile
from rules.criterion import Criterion
from rules.trial import Trial

_PREPARED: dict[str, PreparedTrials] = {}
#: findings shared across the patients this process judges (exact; see matcher.batch.memo)
MEMO = FindingMemo()
#: the verdicts a batch keeps (ineligible trials are only counted)
KEPT = ("eligible", "possibly_eligible")
#: trials prepared at a time (bounds the criteria objects alive while preparing)
CHUNK = 1000
#: the parsed criteria of a chunk of trials, by NCT id
ParsedOf = Callable[[list[Trial]], Mapping[str, list[Criterion]]]
OnChunk = Callable[[list[Trial], list[list[Criterion]]], None]


class MatcherEvaluator:
    """Judge one profile against a subset of the corpus with the real matcher.

    Build with :meth:`of`; the constructor only stores its arguments.
    """

    def __init__(self, trials: Sequence[Trial], criteria: Packed, token: str):
        self.trials = list(trials)
        self.criteria = criteria
        self.token = token
        self.index = {t.nct_id: i for i, t in enumerate(self.trials)}

    @classmethod
    def of(
        cls,
        trials: Sequence[Trial],
        parsed: Mapping[str, list[Criterion]] | ParsedOf,
        *,
        on_chunk: OnChunk | None = None,
    ) -> MatcherEvaluator:
        """From trials and their parsed free-text criteria (structured fields are added).

        The trials are kept slim and the criteria packed; the prepared arrays are built here
        for this process, ``CHUNK`` trials at a time (``parsed`` may be a function giving the
        parsed criteria of a chunk, so the whole corpus never exists as objects at once;
        ``on_chunk(trials, criteria)`` sees each chunk's criteria, structured ones included).
        """
        from matcher.index import from_criteria, structured_criteria

        slim_trials = [slim(t) for t in trials]
        packed = Packed([])
        parts = []
        for start in range(0, len(slim_trials), CHUNK):
            part = slim_trials[start : start + CHUNK]
            found = parsed(part) if callable(parsed) else parsed
            crits = [structured_criteria(t) + list(found.get(t.nct_id, [])) for t in part]
            if on_chunk is not None:
                on_chunk(part, crits)
            packed.blobs.extend(Packed.of(crits).blobs)
            parts.append((start, from_criteria(part, crits)))
        made = cls(slim_trials, packed, uuid.uuid4().hex)
        _PREPARED.clear()  # one corpus per process at a time
        _PREPARED[made.token] = _joined(made.trials, packed, parts)
        return made

    def _prepared(self) -> PreparedTrials:
        found = _PREPARED.get(self.token)
        if found is None:
            _PREPARED.clear()  # one corpus per process at a time
            found = _PREPARED[self.token] = _prepare(self.trials, self.criteria)
        return found

    def subset(self, nct_ids: Sequence[str]) -> PreparedTrials:
        """The prepared trials restricted to ``nct_ids`` (array slicing, no re-parsing)."""
        full = self._prepared()
        return take(full, np.asarray(sorted(self.index[n] for n in nct_ids), dtype=np.int32))

    def __call__(
        self, profile: PatientProfile, nct_ids: Sequence[str], as_of: date, top_k: int
    ) -> Evaluation:
        """Judge ``profile`` against ``nct_ids``; explain only the kept top-k (fast path).

        Verdict counts and the questions come from the matcher's arrays over every trial
        judged; the full explained result is built only for the trials kept.
        """
        from matcher.explain import question_text
        from matcher.facade import match

        if not nct_ids:
            return Evaluation(kept=[], counts={})
        prepared = self.subset(nct_ids)
        judge = PatientJudge(MEMO)  # round one's findings are not asked for twice
        judge(round_one_keys(prepared), PatientFacts.of(profile, as_of))
        out = ruled_out(prepared, judge.found)
        if out.any():
            prepared = take(prepared, np.flatnonzero(~out).astype(np.int32))
        report = match(profile, prepared, as_of=as_of, statuses=KEPT, top_k=top_k, judge=judge)
        kept = []
        for m in report.matches:
            counts = {"met": 0, "not_met": 0, "unknown": 0, "needs_clinician": 0}
            for o in m.outcomes:
                counts[o.status] += 1
            kept.append(
                PairResult(
                    nct_id=m.trial.nct_id,
                    verdict=m.verdict,
                    score=float(m.score),
                    n_met=counts["met"],
                    n_not_met=counts["not_met"],
                    n_unknown=counts["unknown"],
                    n_needs_clinician=counts["needs_clinician"],
                    ruling=tuple(o.criterion.text for o in m.decision.ruling),
                    questions=tuple(question_text(k) for k in m.question_keys()),
                    title=m.trial.title,
                )
            )
        unlocks = [(q.question, q.nct_ids) for q in report.questions]
        counts = dict(report.counts)
        counts["ineligible"] = counts.get("ineligible", 0) + int(out.sum())
        return Evaluation(kept=kept, counts=counts, unlocks=unlocks)


def _prepare(trials: Sequence[Trial], criteria: Packed) -> PreparedTrials:
    """:func:`matcher.index.from_criteria` over chunks of trials (in a process that received
    a pickled evaluator); the criteria stay packed."""
    from matcher.index import from_criteria

    parts = [
        (start, from_criteria(trials[start : start + CHUNK], list(criteria[start : start + CHUNK])))
        for start in range(0, len(trials), CHUNK)
    ]
    return _joined(trials, criteria, parts)


def _joined(
    trials: Sequence[Trial], criteria: Packed, parts: list[tuple[int, PreparedTrials]]
) -> PreparedTrials:
    from matcher.index import from_criteria

    if not parts:
        return from_criteria([], [])

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(p, name) for _, p in parts])

    return PreparedTrials(
        trials=list(trials),
        criteria=cast(list[list[Criterion]], criteria),
        trial_of=np.concatenate([p.trial_of + start for start, p in parts]).astype(np.int32),
        key=cat("key"),
        required=cat("required"),
        confident=cat("confident"),
        temporary=cat("temporary"),
        full_key=cat("full_key"),
    )
