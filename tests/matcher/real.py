"""Helpers for tests on real bundled trials judged through the real parser (``parse_trial``)."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

from matcher import evaluate_trial
from matcher.facade import TrialMatch
from matcher.verdict import CriterionOutcome
from profiles.model import PatientProfile
from rules.corpus import read_trials
from rules.trial import Trial
from tests.conftest import BUNDLED, REPO, TEST_DATA

AS_OF = date(2026, 11, 20)
SEED_FILE = BUNDLED / "seed-pancreatic-NCT06532617.json.gz"


@cache
def corpus(name: str) -> tuple[Trial, ...]:
    """Trials of one bundled file (``nsclc-100``, ``leukemia-100``, ``mixed-50``, ``seed``)."""
    path = SEED_FILE if name == "seed" else BUNDLED / f"{name}.json.gz"
    trials, errors = read_trials([path])
    assert not errors
    return tuple(trials)


def trial(nct_id: str) -> Trial:
    for name in ("seed", "nsclc-100", "leukemia-100", "mixed-50"):
        for t in corpus(name):
            if t.nct_id == nct_id:
                return t
    raise KeyError(nct_id)


def profile(name: str, **update: Any) -> PatientProfile:
    """``example`` (examples/profile.example.json) or a file of tests/data/profiles_match."""
    path = (
        REPO / "examples" / "profile.example.json"
        if name == "example"
        else TEST_DATA / "profiles_match" / f"{name}.json"
    )
    data = json.loads(path.read_text())
    data.update(update)
    return PatientProfile.model_validate(data)


def judge(p: PatientProfile, nct_id: str) -> TrialMatch:
    """The trial judged in full, with the real parser's criteria."""
    return evaluate_trial(p, trial(nct_id), as_of=AS_OF)


def outcome(m: TrialMatch, text: str) -> CriterionOutcome:
    """The one outcome whose criterion text contains ``text`` (the trial's own words)."""
    found = [o for o in m.outcomes if text in o.criterion.text]
    assert len(found) == 1, [o.criterion.text for o in found] or f"no criterion with {text!r}"
    return found[0]
