"""Trials prepared for fast matching: parsed criteria (cached), the structured age/sex fields
as criteria, and flat arrays so one profile is judged against many trials at numpy speed.

Every distinct proposition (kind + params without ``negated``) is evaluated once per profile;
statuses and per-trial counts are then array operations.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np

from matcher import guards
from matcher import knowledge as kb
from matcher.evaluate_grade import graded
from matcher.verdict import required_of
from rules.criterion import Criterion, Polarity
from rules.trial import Trial

Parser = Callable[[Trial], list[Criterion]]
_PARSED: dict[tuple[str, int], list[Criterion]] = {}
_KEYS: dict[str, int] = {}
_KEY_ITEMS: list[tuple[str, dict[str, Any]]] = []


class _StructuredFields(TypedDict):
    """The fields every structured (not free-text) criterion shares."""

    polarity: Polarity
    start: int
    end: int
    confidence: float
    section: str


def structured_criteria(trial: Trial) -> list[Criterion]:
    """The trial's structured eligibility fields (minimum/maximum age, sex) as criteria.

    They carry ``rule`` ``ctgov:minimumAge`` / ``ctgov:maximumAge`` / ``ctgov:sex``, ``text``
    as the field reads ("Minimum age: 18 Years") and an empty span (start = end = 0): they do
    not come from the free text.

    >>> t = Trial(nct_id="NCT00000001", minimum_age="18 Years", sex="FEMALE")
    >>> [(c.id, c.kind, c.text) for c in structured_criteria(t)]
    [('ctgov-min-age', 'age', 'Minimum age: 18 Years'), ('ctgov-sex', 'sex', 'Sex: FEMALE')]
    """
    out: list[Criterion] = []
    common: _StructuredFields = {
        "polarity": "inclusion",
        "start": 0,
        "end": 0,
        "confidence": 1.0,
        "section": "structured",
    }
    if trial.min_age_years is not None and trial.min_age_years > 0:
        out.append(
            Criterion(
                id="ctgov-min-age",
                text=f"Minimum age: {trial.minimum_age}",
                kind="age",
                params={"age": {"op": ">=", "value": trial.min_age_years, "unit": "years"}},
                rule="ctgov:minimumAge",
                **common,
            )
        )
    if trial.max_age_years is not None:
        out.append(
            Criterion(
                id="ctgov-max-age",
                text=f"Maximum age: {trial.maximum_age}",
                kind="age",
                params={"age": {"op": "<=", "value": trial.max_age_years, "unit": "years"}},
                rule="ctgov:maximumAge",
                **common,
            )
        )
    conditions = condition_criterion(trial)
    if conditions is not None:
        out.append(conditions)
    sex = (trial.sex or "").upper()
    if sex in ("FEMALE", "MALE"):
        out.append(
            Criterion(
                id="ctgov-sex",
                text=f"Sex: {trial.sex}",
                kind="sex",
                params={"sex": sex.lower()},
                rule="ctgov:sex",
                **common,
            )
        )
    return out


def condition_criterion(trial: Trial) -> Criterion | None:
    """The trial's registered conditions as a low-confidence ``condition`` criterion
    (see :func:`matcher.studied.conditions_criterion`).

    >>> condition_criterion(Trial(nct_id="NCT00000001", conditions=["NSCLC"])).params["cancers"]
    ['nsclc']
    """
    from matcher.studied import conditions_criterion

    return conditions_criterion(trial)


def _default_parser() -> Parser:
    from rules.criteria import parse_trial  # the parser package; imported when first needed

    return parse_trial


def criteria_for(trial: Trial, *, parser: Parser | None = None) -> list[Criterion]:
    """Structured plus parsed criteria of a trial; parsing is cached per trial text."""
    cache_key = (trial.nct_id, hash(trial.eligibility_criteria))
    parsed = _PARSED.get(cache_key)
    if parsed is None:
        parsed = list((parser or _default_parser())(trial)) if trial.eligibility_criteria else []
        _PARSED[cache_key] = parsed
    return structured_criteria(trial) + parsed


def parsed_criteria(trial: Trial, *, parser: Parser | None = None) -> list[Criterion]:
    """The free-text criteria only (cached parse)."""
    return criteria_for(trial, parser=parser)[len(structured_criteria(trial)) :]


def proposition_key(kind: str, params: dict[str, Any]) -> int:
    """A small integer naming the proposition (kind + params without ``negated``)."""
    body = {k: v for k, v in params.items() if k != "negated"}
    text = kind + "|" + json.dumps(body, sort_keys=True, default=str)
    found = _KEYS.get(text)
    if found is None:
        found = len(_KEY_ITEMS)
        _KEYS[text] = found
        _KEY_ITEMS.append((kind, body))
    return found


def proposition(key: int) -> tuple[str, dict[str, Any]]:
    return _KEY_ITEMS[key]


# params keys that only carry the trial's words or notes for the explanation and guards:
# no evaluator reads them for a value, a question or a clinician flag (docs/criteria.md,
# "Extra keys"; ``condition`` is a conditional's text, read by the guards at prepare time).
DISPLAY_ONLY = frozenset(
    {
        "mentions",
        "condition",
        "ambiguous_negation",
        "topic",
        "history",
        "refractory",
        "regimens",
        "leptomeningeal",
        "or_evaluable",
        "tnm",
        "alteration",
    }
)


def value_params(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` without the display-only keys (composite items included, their
    ``negated`` kept): what decides a finding's value and question.

    >>> value_params({"conditions": ["hiv"], "mentions": ["HIV"], "negated": True})
    {'conditions': ['hiv'], 'negated': True}
    """
    out: dict[str, Any] = {}
    for k, v in params.items():
        if k in DISPLAY_ONLY and not (
            k == "topic" and v in ("placeholder", "heading")
        ):  # read by _other
            continue
        if k in ("any_of", "all_of") and isinstance(v, list):
            v = [
                {**item, "params": value_params(item.get("params") or {})}
                if isinstance(item, dict)
                else item
                for item in v
            ]
        out[k] = v
    return out


def value_key(kind: str, params: dict[str, Any]) -> int:
    """The proposition key of the value-deciding params: criteria that differ only in their
    words share one evaluation per profile.

    >>> a = value_key("comorbidity", {"conditions": ["hiv"], "classes": [], "mentions": ["HIV"]})
    >>> a == value_key("comorbidity", {"conditions": ["hiv"], "classes": [], "mentions": ["AIDS"]})
    True
    """
    return proposition_key(kind, value_params(params))


@dataclass(slots=True)
class PreparedTrials:
    """Trials with their criteria and flat arrays (one row per criterion)."""

    trials: list[Trial]
    criteria: list[list[Criterion]]
    trial_of: np.ndarray  # int32, trial position of each row
    key: np.ndarray  # int32, value proposition key of each row (see value_key)
    required: np.ndarray  # bool, the value P must take
    confident: np.ndarray  # bool, confidence >= 0.8
    temporary: np.ndarray  # bool, failure can pass later
    nct_rank: np.ndarray | None = None  # int, position of each trial in NCT id order (lazy)
    full_key: np.ndarray | None = None  # int32, key of the full params (explanations); optional
    #: values derived from these trials once and reused by every request (site index,
    #: condition relevance); filled lazily by their users, never part of equality
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def id_rank(self) -> np.ndarray:
        """Each trial's position in NCT id order (computed once; ties in score sort by id)."""
        if self.nct_rank is None or len(self.nct_rank) != len(self.trials):
            ids = np.asarray([t.nct_id for t in self.trials], dtype=object)
            rank = np.empty(len(ids), dtype=np.int64)
            rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
            self.nct_rank = rank
        return self.nct_rank

    @property
    def keys(self) -> np.ndarray:
        """Distinct proposition keys (each evaluated once per profile)."""
        return np.unique(self.key)

    def __len__(self) -> int:
        return len(self.trials)


def prepare(
    trials: Iterable[Trial] | PreparedTrials, *, parser: Parser | None = None
) -> PreparedTrials:
    """Parse (cached) and flatten trials for matching; prepared trials pass through."""
    if isinstance(trials, PreparedTrials):
        return trials
    trial_list = list(trials)
    crits = [parsed_criteria(t, parser=parser) for t in trial_list]
    return from_criteria(trial_list, crits)


def _has_structured(crits: Sequence[Criterion]) -> bool:
    return any(c.rule.startswith("ctgov:") for c in crits)


def from_criteria(trials: Sequence[Trial], crits: Sequence[list[Criterion]]) -> PreparedTrials:
    """Flatten trials with their free-text criteria.

    The structured fields (age, sex, conditions) are added unless the lists already hold them.
    A criterion counts as confident (able to rule out) when its confidence is at least 0.8
    and no guard of :mod:`matcher.guards` doubts its reading.
    """
    temporary_kinds = set(kb.table("temporary_kinds")["kinds"])
    crits = [
        [graded(c) for c in (cs if _has_structured(cs) else structured_criteria(t) + list(cs))]
        for t, cs in zip(trials, crits, strict=True)
    ]
    trial_of, key, full, required, confident, temporary = [], [], [], [], [], []
    for i, cs in enumerate(crits):
        doubt = guards.doubts(trials[i], cs)
        for c, why in zip(cs, doubt, strict=True):
            trial_of.append(i)
            key.append(value_key(c.kind, c.params))
            full.append(proposition_key(c.kind, c.params))
            required.append(required_of(c))
            confident.append(c.confidence >= 0.8 and why is None)
            temporary.append(c.kind in temporary_kinds)
    return PreparedTrials(
        trials=list(trials),
        criteria=list(crits),
        trial_of=np.asarray(trial_of, dtype=np.int32),
        key=np.asarray(key, dtype=np.int32),
        required=np.asarray(required, dtype=bool),
        confident=np.asarray(confident, dtype=bool),
        temporary=np.asarray(temporary, dtype=bool),
        full_key=np.asarray(full, dtype=np.int32),
    )
