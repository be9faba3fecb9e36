"""Scaffolding the session readings tests share: a letter's reference profile, and the status
one criterion gets against a profile (alone, or inside a bundled record)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from matcher import evaluate_trial
from profiles.model import PatientProfile
from rules.trial import Trial
from tests.rules.readings import bundled

AS_OF = date(2026, 11, 20)
LETTERS = Path(__file__).parents[1] / "data" / "letters"


def letter(name: str) -> PatientProfile:
    """The structured profile written beside a letter (``tests/data/letters/NAME.json``)."""
    return PatientProfile.model_validate(json.loads((LETTERS / f"{name}.json").read_text()))


def status_of(text: str, profile: PatientProfile, *, polarity: str = "inclusion") -> str:
    """The status of ``text``, read as the only item of a trial's inclusions or exclusions."""
    head = "Inclusion Criteria:\n* " if polarity == "inclusion" else "Exclusion Criteria:\n* "
    trial = Trial(nct_id="NCT00000000", eligibility_criteria=head + text)
    return evaluate_trial(profile, trial, as_of=AS_OF).outcomes[0].status


def in_trial(nct: str, starts: str, profile: PatientProfile) -> str:
    """The status of bundled trial ``nct``'s criterion that starts with ``starts``."""
    result = evaluate_trial(profile, bundled()[nct], as_of=AS_OF)
    return next(o.status for o in result.outcomes if o.criterion.text.startswith(starts))
