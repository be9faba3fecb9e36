"""The real matcher (``matcher.facade.match``) behind the batch's evaluation interface.

:class:`MatcherEvaluator` holds the trials and their criteria (structured fields included),
which pickle; the flattened :class:`matcher.index.PreparedTrials` is built lazily once per
process (its proposition keys are process-local) and sliced per patient to the trials the
pre-screen left, so each distinct proposition is evaluated once per patient over those.
Only the kept trials (eligible / possibly eligible, top-k) are explained in full; the
verdict counts and questions of the rest come from the matcher's arrays.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import numpy as np

from matcher.batch.memo import FindingMemo
from matcher.batch.types import Evaluation, PairResult
from profiles.model import PatientProfile
from rules.criterion import Criterion
from rules.trial import Trial

_PREPARED: dict[str, object] = {}
#: findings shared across the patients this process judges (exact; see matcher.batch.memo)
MEMO = FindingMemo()
#: the verdicts a batch keeps (ineligible trials are only counted)
KEPT = ("eligible", "possibly_eligible")


class MatcherEvaluator:
    """Judge one profile against a subset of the corpus with the real matcher.

    Build with :meth:`of`; the constructor only stores its arguments.
    """

    def __init__(self, trials: Sequence[Trial], criteria: Sequence[list[Criterion]], token: str):
        self.trials = list(trials)
        self.criteria = list(criteria)
        self.token = token
        self.index = {t.nct_id: i for i, t in enumerate(self.trials)}

    @classmethod
    def of(cls, trials: Sequence[Trial], parsed: dict[str, list[Criterion]]) -> MatcherEvaluator:
        """From trials and their parsed free-text criteria (structured fields are added)."""
        from matcher.index import structured_criteria

        crits = [structured_criteria(t) + list(parsed.get(t.nct_id, [])) for t in trials]
        return cls(trials, crits, uuid.uuid4().hex)

    def _prepared(self):  # -> PreparedTrials
        from matcher.index import from_criteria

        found = _PREPARED.get(self.token)
        if found is None:
            found = from_criteria(self.trials, self.criteria)
            _PREPARED.clear()  # one corpus per process at a time
            _PREPARED[self.token] = found
        return found

    def subset(self, nct_ids: Sequence[str]):  # -> PreparedTrials
        """The prepared trials restricted to ``nct_ids`` (array slicing, no re-parsing)."""
        from matcher.index import PreparedTrials

        full = self._prepared()
        chosen = np.asarray(sorted(self.index[n] for n in nct_ids), dtype=np.int32)
        rows = np.isin(full.trial_of, chosen)
        remap = np.full(len(full.trials), -1, dtype=np.int32)
        remap[chosen] = np.arange(len(chosen), dtype=np.int32)
        return PreparedTrials(
            trials=[full.trials[i] for i in chosen.tolist()],
            criteria=[full.criteria[i] for i in chosen.tolist()],
            trial_of=remap[full.trial_of[rows]],
            key=full.key[rows],
            required=full.required[rows],
            confident=full.confident[rows],
            temporary=full.temporary[rows],
        )

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
        report = match(
            profile, self.subset(nct_ids), as_of=as_of, statuses=KEPT, top_k=top_k, judge=MEMO
        )
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
        return Evaluation(kept=kept, counts=dict(report.counts), unlocks=unlocks)
