"""From findings to criterion statuses (patient's side), and from statuses to a trial verdict.

Choices (documented in docs/matching.md):

* ``needs_clinician`` outcomes (kind ``other``, "adequate organ function" without numbers)
  do not block ``eligible``: they are listed for the trial team to confirm. Otherwise almost
  no trial could ever be ``eligible``.
* consent and contraception are answerable by the patient at screening: ``met``, marked
  ``assumed``, so they neither rule out nor make every trial "possibly eligible".
* a sure failure of a criterion parsed with confidence < 0.8 becomes ``unknown`` ("check
  with the trial team"): only confident readings rule a trial out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matcher import knowledge as kb
from matcher.outcome import Finding, Status, Verdict
from rules.criterion import Criterion

MIN_CONFIDENCE = 0.8


def status_of(finding: Finding, *, required: bool, confidence: float) -> tuple[Status, bool]:
    """Status from the patient's side, and whether a failure was demoted for low confidence.

    >>> status_of(Finding(False, "x"), required=True, confidence=0.9)
    ('not_met', False)
    >>> status_of(Finding(False, "x"), required=True, confidence=0.5)
    ('unknown', True)
    >>> status_of(Finding(True, "x"), required=False, confidence=0.9)
    ('not_met', False)
    >>> status_of(Finding(None, "x", clinician=True), required=True, confidence=1)
    ('needs_clinician', False)
    """
    if finding.assumed:
        return "met", False
    if finding.value is None:
        return ("needs_clinician" if finding.clinician else "unknown"), False
    if finding.value == required:
        return "met", False
    if confidence >= MIN_CONFIDENCE:
        return "not_met", False
    return "unknown", True


def is_doubted(o: CriterionOutcome) -> bool:
    """An unknown that is a failure we did not trust, or a trial studying something else."""
    return o.low_confidence or o.finding.mismatch


def required_of(criterion: Criterion) -> bool:
    """The value P must take: inclusion wants P, exclusion wants not P; ``negated`` flips."""
    return (criterion.polarity == "inclusion") != bool(criterion.params.get("negated"))


@dataclass(slots=True)
class CriterionOutcome:
    """One criterion judged for one profile."""

    criterion: Criterion
    finding: Finding
    status: Status
    required: bool
    low_confidence: bool = False
    doubt: str | None = None  # why a sure failure was not trusted (matcher.guards)

    @property
    def question(self) -> str | None:
        """Key of the first fact that would settle this unknown (None otherwise)."""
        if self.status != "unknown" or self.low_confidence:
            return None
        keys = self.finding.questions()
        return keys[0] if keys else None

    @property
    def temporary(self) -> bool:
        return self.criterion.kind in kb.table("temporary_kinds")["kinds"]

    @property
    def explanation(self) -> str:
        from matcher.explain import explain

        return explain(self)

    def to_dict(self) -> dict[str, Any]:
        from matcher.explain import question_text

        c = self.criterion
        structured = c.rule.startswith("ctgov:")
        out: dict[str, Any] = {
            "id": c.id,
            "polarity": c.polarity,
            "text": c.text,
            "status": self.status,
            "explanation": self.explanation,
            "fields": list(self.finding.fields),
            "kind": c.kind,
            "rule": c.rule,
            "confidence": c.confidence,
            "start": None if structured else c.start,
            "end": None if structured else c.end,
        }
        if self.finding.assumed:
            out["assumed"] = True
        if self.status == "unknown" and is_doubted(self):
            out["doubted"] = True  # a failure not trusted, or a trial for another condition
        key = self.question
        if key:
            out["question"] = {"key": key, "question": question_text(key)}
        return out


@dataclass(slots=True)
class TrialVerdict:
    verdict: Verdict
    score: float
    ruling: list[CriterionOutcome] = field(default_factory=list)
    eligible_from: date | None = None
    temporary: bool = False


def decide(outcomes: list[CriterionOutcome]) -> TrialVerdict:
    """Verdict, score, ruling criteria, and when a washout-only failure ends.

    Score (transparent, in [0, 1], until the ranking model lands): eligible 0.8-1.0 (less
    when many criteria need a clinician), possibly eligible 0.5-0.7 by the share of
    checkable criteria met, or 0.4-0.5 when a failure was only doubted or the trial studies a
    condition the patient is not recorded to have (the share halved again for each further
    one, up to three), ineligible 0-0.3 (share met, halved when the failure is permanent).
    """
    counts = {"met": 0, "not_met": 0, "unknown": 0, "needs_clinician": 0}
    for o in outcomes:
        counts[o.status] += 1
    total = max(1, len(outcomes))
    ruling = [o for o in outcomes if o.status == "not_met"]
    if ruling:
        temporary = all(o.temporary for o in ruling)
        ready = [o.finding.ready_on for o in ruling]
        eligible_from = max(ready) if all(r is not None for r in ready) else None  # type: ignore[type-var]
        share = counts["met"] / total
        score = 0.3 * share * (1.0 if temporary else 0.5)
        return TrialVerdict("ineligible", round(score, 4), ruling, eligible_from, temporary)
    if counts["unknown"]:
        share = counts["met"] / max(1, counts["met"] + counts["unknown"])
        doubted = sum(1 for o in outcomes if o.status == "unknown" and is_doubted(o))
        score = 0.5 + 0.2 * share if not doubted else 0.4 + 0.1 * share * 0.5 ** min(doubted - 1, 2)
        return TrialVerdict("possibly_eligible", round(score, 4))
    return TrialVerdict("eligible", round(1.0 - 0.2 * counts["needs_clinician"] / total, 4))
