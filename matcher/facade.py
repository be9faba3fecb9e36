"""The one entry point the CLI, API, batch matching and the ranker call.

``match(profile, trials, *, as_of, statuses, top_k)`` judges one profile against many trials
(vectorized over criteria), and ``evaluate_trial`` one trial in full.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from matcher.evaluate import evaluate
from matcher.evaluate_grade import graded
from matcher.explain import question_text
from matcher.facts import PatientFacts
from matcher.guards import contrary_on_record, doubts, settled_by_patient
from matcher.index import PreparedTrials, criteria_for, prepare, proposition, proposition_key
from matcher.outcome import VERDICTS, Finding, Question, Verdict
from matcher.verdict import (
    MIN_CONFIDENCE,
    CriterionOutcome,
    TrialVerdict,
    decide,
    required_of,
    status_of,
)
from profiles.model import PatientProfile
from rules.criterion import Criterion
from rules.errors import ConfigError
from rules.trial import Trial

_MET, _NOT_MET, _UNKNOWN, _CLINICIAN = 0, 1, 2, 3
#: findings of distinct proposition keys for one profile's facts (batch matching memoizes it)
Judge = Callable[[Sequence[int], PatientFacts], dict[int, "Finding"]]
_VALUE_CODE = {True: 1, False: 0, None: 2}


@dataclass(slots=True)
class TrialMatch:
    """One trial judged for one profile."""

    trial: Trial
    outcomes: list[CriterionOutcome]
    decision: TrialVerdict

    @property
    def verdict(self) -> Verdict:
        return self.decision.verdict

    @property
    def score(self) -> float:
        return self.decision.score

    def question_keys(self) -> list[str]:
        keys: list[str] = []
        for o in self.outcomes:
            if o.question and o.question not in keys:
                keys.append(o.question)
        return keys

    def to_dict(self) -> dict[str, Any]:
        d = self.decision
        return {
            "nct_id": self.trial.nct_id,
            "title": self.trial.title,
            "verdict": d.verdict,
            "score": d.score,
            "criteria": [o.to_dict() for o in self.outcomes],
            "questions": [{"key": k, "question": question_text(k)} for k in self.question_keys()],
            "ruling_criteria": [o.criterion.id for o in d.ruling],
            "eligible_from": d.eligible_from.isoformat() if d.eligible_from else None,
            "temporary": d.temporary if d.ruling else None,
            "overall_status": self.trial.overall_status,
        }


@dataclass(slots=True)
class MatchReport:
    """Matches best first, and the questions ranked by how many verdicts they could settle."""

    matches: list[TrialMatch]
    questions: list[Question]
    as_of: date
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """``{"matches": [...], "questions": [...]}``: the public JSON contract."""
        return {
            "matches": [m.to_dict() for m in self.matches],
            "questions": [q.to_dict() for q in self.questions],
        }


def _safe_evaluate(kind: str, params: dict[str, Any], facts: PatientFacts) -> Finding:
    try:
        return evaluate(kind, params, facts)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        # params the evaluator cannot read: shown to a clinician, never a silent pass or fail
        return Finding(None, "unparsed", (), clinician=True)


def _outcomes(
    trial: Trial,
    criteria: Sequence[Criterion],
    findings: dict[int, Finding] | None,
    keys: Sequence[int] | None,
    facts: PatientFacts,
) -> list[CriterionOutcome]:
    out = []
    for i, (c, doubt) in enumerate(zip(criteria, doubts(trial, criteria), strict=True)):
        if findings is not None and keys is not None:
            f = findings[keys[i]]
        else:
            f = _safe_evaluate(c.kind, c.params, facts)
        required = required_of(c)
        if settled_by_patient(doubt, f):
            doubt = None  # a mutually exclusive condition on record (type 1 vs type 2 diabetes)
        confidence = c.confidence if doubt is None else min(c.confidence, MIN_CONFIDENCE / 2)
        status, low = status_of(f, required=required, confidence=confidence)
        out.append(CriterionOutcome(c, f, status, required, low, doubt if low else None))
    return out


def judge_keys(keys: Sequence[int], facts: PatientFacts) -> dict[int, Finding]:
    """The finding of each proposition key (:func:`matcher.index.proposition_key`).

    >>> from matcher.index import proposition_key
    >>> k = proposition_key("sex", {"sex": "female"})
    >>> facts = PatientFacts.of(PatientProfile(sex="male"), date(2026, 11, 20))
    >>> judge_keys([k], facts)[k].value
    False
    """
    return {k: _safe_evaluate(*proposition(k), facts) for k in keys}


def evaluate_trial(
    profile: PatientProfile,
    trial: Trial,
    *,
    as_of: date | None = None,
    criteria: Sequence[Criterion] | None = None,
) -> TrialMatch:
    """Judge every criterion of one trial (structured age/sex fields included).

    ``criteria`` replaces the parsed free-text criteria (the structured fields still apply).

    >>> from rules.criterion import Criterion
    >>> c = Criterion(id="c1", polarity="inclusion", text="ECOG PS 0-1", start=0, end=11,
    ...     kind="performance_status", confidence=0.95, rule="ecog",
    ...     params={"scale": "ECOG", "score": {"op": "between", "value": 0, "value2": 1}})
    >>> m = evaluate_trial(PatientProfile(ecog=2), Trial(nct_id="NCT00000001"), as_of=date(2026, 11, 20), criteria=[c])
    >>> m.verdict, m.outcomes[0].explanation
    ('ineligible', 'The trial requires ECOG 0-1; your ECOG is 2.')
    """
    from matcher.index import structured_criteria

    as_of = as_of or date.today()
    facts = PatientFacts.of(profile, as_of)
    crits = [
        graded(c)  # a CTCAE grade bound read from the criterion's words (evaluate_grade)
        for c in (
            (structured_criteria(trial) + list(criteria))
            if criteria is not None
            else criteria_for(trial)
        )
    ]
    outcomes = _outcomes(trial, crits, None, None, facts)
    return TrialMatch(trial, outcomes, decide(outcomes))


def match(
    profile: PatientProfile,
    trials: Iterable[Trial] | PreparedTrials,
    *,
    as_of: date | None = None,
    statuses: Iterable[str] | None = None,
    top_k: int | None = None,
    judge: Judge | None = None,
) -> MatchReport:
    """Judge one profile against many trials; best first; questions ranked across trials.

    ``statuses`` keeps only those verdicts; ``top_k`` keeps the best k (questions are counted
    over every trial judged). Pass :func:`matcher.prepare` output to reuse parsed criteria.
    ``judge`` replaces :func:`judge_keys` (same findings, e.g. memoized across profiles).
    """
    wanted = _check_statuses(statuses)
    if top_k is not None and top_k < 1:
        raise ConfigError(f"top_k must be at least 1, got {top_k}")
    as_of = as_of or date.today()
    prepared = prepare(trials)
    facts = PatientFacts.of(profile, as_of)
    judge = judge or judge_keys
    unique = prepared.keys.tolist()
    findings = judge(unique, facts)
    size = (max(unique) + 1) if unique else 1
    codes = np.full(size, 2, dtype=np.int8)
    mismatch = np.zeros(size, dtype=bool)
    for k, f in findings.items():
        codes[k] = (
            4 if f.assumed else (3 if f.clinician and f.value is None else _VALUE_CODE[f.value])
        )
        if f.mismatch:
            mismatch[k] = True
    row_code = codes[prepared.key]
    confident = _confident(prepared, findings, size)
    status = _statuses(row_code, prepared, confident)
    doubted = (status == _UNKNOWN) & (((row_code <= 1) & ~confident) | mismatch[prepared.key])
    n = len(prepared)
    counts = np.bincount(prepared.trial_of * 4 + status, minlength=n * 4).reshape(n, 4)
    temp_fail = np.bincount(
        prepared.trial_of, weights=(status == _NOT_MET) & prepared.temporary, minlength=n
    )
    n_doubted = np.bincount(prepared.trial_of, weights=doubted, minlength=n)
    verdict_code, scores = _verdicts(counts, temp_fail, n_doubted)
    order = np.lexsort((prepared.id_rank(), -scores))
    keep = np.isin(verdict_code[order], [VERDICTS.index(v) for v in wanted])
    chosen = order[keep][: top_k or None].tolist()
    row_start = np.searchsorted(prepared.trial_of, np.arange(n + 1))
    matches = []
    full: dict[int, Finding] = {}  # findings with the trial's words, for explanations
    for i in chosen:
        rows = slice(int(row_start[i]), int(row_start[i + 1]))
        keys = _full_keys(prepared, i, rows)
        todo = [k for k in dict.fromkeys(keys) if k not in full]
        full.update((k, findings[k]) for k in todo if k in findings)  # no words: same key
        full.update(judge([k for k in todo if k not in full], facts))
        outcomes = _outcomes(prepared.trials[i], prepared.criteria[i], full, keys, facts)
        matches.append(TrialMatch(prepared.trials[i], outcomes, decide(outcomes)))
    questions = _rank_questions(prepared, status, row_code, verdict_code, findings)
    tally = dict(zip(VERDICTS, np.bincount(verdict_code, minlength=3).tolist(), strict=True))
    return MatchReport(matches, questions, as_of, tally)


def _full_keys(prepared: PreparedTrials, i: int, rows: slice) -> list[int]:
    """Keys of trial ``i``'s criteria with their full params (their own words)."""
    if prepared.full_key is not None:
        return prepared.full_key[rows].tolist()
    return [proposition_key(c.kind, c.params) for c in prepared.criteria[i]]


def _check_statuses(statuses: Iterable[str] | None) -> set[str]:
    if statuses is None:
        return set(VERDICTS)
    wanted = set(statuses)
    bad = wanted - set(VERDICTS)
    if bad:
        raise ConfigError(f"unknown verdict(s) {sorted(bad)}", hint=f"use {', '.join(VERDICTS)}")
    return wanted


def _confident(p: PreparedTrials, findings: dict[int, Finding], size: int) -> np.ndarray:
    """``p.confident``, plus the rows whose only doubt this patient's record settles
    (:func:`matcher.guards.settled_by_patient`), as ``_outcomes`` decides one by one."""
    settles = np.zeros(size, dtype=bool)
    for k, f in findings.items():
        settles[k] = contrary_on_record(f)
    rows = np.nonzero(settles[p.key] & ~p.confident)[0]
    if not len(rows):
        return p.confident
    confident = p.confident.copy()
    start = np.searchsorted(p.trial_of, np.arange(len(p) + 1))
    for r in rows.tolist():
        i = int(p.trial_of[r])
        j = r - int(start[i])
        c = p.criteria[i][j]
        why = doubts(p.trials[i], p.criteria[i])[j]
        if c.confidence >= MIN_CONFIDENCE and settled_by_patient(why, findings[int(p.key[r])]):
            confident[r] = True
    return confident


def _statuses(code: np.ndarray, p: PreparedTrials, confident: np.ndarray) -> np.ndarray:
    """Vectorized ``verdict.status_of``: 0 met, 1 not met, 2 unknown, 3 needs clinician."""
    sure = code <= 1
    agrees = (code == 1) == p.required
    status = np.where(code == 4, _MET, np.where(code == 3, _CLINICIAN, _UNKNOWN))
    status = np.where(sure & agrees, _MET, status)
    status = np.where(sure & ~agrees, np.where(confident, _NOT_MET, _UNKNOWN), status)
    return status.astype(np.int64)


def _verdicts(
    counts: np.ndarray, temp_fail: np.ndarray, doubted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Same rules and score as ``verdict.decide``, over count arrays: verdict codes (index
    in ``VERDICTS``) and scores."""
    met, not_met, unknown, clinician = (counts[:, j].astype(float) for j in range(4))
    total = np.maximum(1, counts.sum(axis=1))
    inel = 0.3 * (met / total) * np.where(temp_fail == not_met, 1.0, 0.5)
    share = met / np.maximum(1, met + unknown)
    doubt_score = 0.4 + 0.1 * share * 0.5 ** np.clip(doubted - 1, 0, 2)
    poss = np.where(doubted > 0, doubt_score, 0.5 + 0.2 * share)
    elig = 1.0 - 0.2 * clinician / total
    score = np.where(not_met > 0, inel, np.where(unknown > 0, poss, elig)).round(4)
    verdict = np.where(not_met > 0, 2, np.where(unknown > 0, 1, 0))
    return verdict, score


def _rank_questions(
    p: PreparedTrials,
    status: np.ndarray,
    row_code: np.ndarray,
    verdicts: np.ndarray,
    findings: dict[int, Finding],
) -> list[Question]:
    """A question counts for a trial when it is among the unknowns of a possibly eligible trial."""
    possible = verdicts == 1
    if not possible.any():
        return []
    rows = np.nonzero((status == _UNKNOWN) & (row_code == 2) & possible[p.trial_of])[0]
    if not len(rows):
        return []
    n = max(1, len(p.trials))
    combined = np.unique(p.key[rows].astype(np.int64) * n + p.trial_of[rows])  # (key, trial)
    pairs = np.stack([combined // n, combined % n], axis=1)
    bounds = np.flatnonzero(np.diff(pairs[:, 0])) + 1
    trials_of: dict[str, set[int]] = {}
    for group in np.split(pairs, bounds):
        keys = findings[int(group[0, 0])].questions()
        if keys:
            ts = group[:, 1].tolist()
            for q in keys:
                trials_of.setdefault(q, set()).update(ts)
    ranked = sorted(trials_of.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [
        Question(k, question_text(k), tuple(sorted(p.trials[t].nct_id for t in ts)))
        for k, ts in ranked
    ]
