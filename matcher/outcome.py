"""Result records: a finding about the patient, a criterion outcome, a trial match, a report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from matcher.logic import Tri

Status = Literal["met", "not_met", "unknown", "needs_clinician"]
Verdict = Literal["eligible", "possibly_eligible", "ineligible"]
STATUSES: tuple[Status, ...] = ("met", "not_met", "unknown", "needs_clinician")
VERDICTS: tuple[Verdict, ...] = ("eligible", "possibly_eligible", "ineligible")


@dataclass(frozen=True, slots=True)
class Finding:
    """What the profile says about a criterion's proposition P (before polarity/negation).

    ``code`` and ``facts`` are what the explanation is built from (in ``matcher.explain``);
    ``question`` is the key of the fact that would settle an unknown. ``mismatch`` marks a
    trial whose registered conditions do not match the patient's record (it ranks lower).
    """

    value: Tri
    code: str
    fields: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    question: str | None = None
    clinician: bool = False
    assumed: bool = False
    ready_on: date | None = None
    parts: tuple[Finding, ...] = ()
    mode: Literal["any", "all"] | None = None
    mismatch: bool = False  # the trial studies something the patient is not recorded to have

    def questions(self) -> list[str]:
        """Question keys of this finding and its unknown parts, in order, without repeats."""
        keys: list[str] = []
        if self.question:
            keys.append(self.question)
        for part in self.parts:
            if part.value is None:
                keys.extend(k for k in part.questions() if k not in keys)
        return keys


@dataclass(frozen=True, slots=True)
class Question:
    """A fact that would settle unknowns, counted over trials."""

    key: str
    question: str
    nct_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "question": self.question,
            "trials": len(self.nct_ids),
            "nct_ids": list(self.nct_ids),
        }
