"""Judging, ranking and batch matching: criterion x profile -> outcome -> verdict -> rank.

The public entry points: :func:`match`, :func:`evaluate_trial`, :func:`prepare`.
"""

from matcher.facade import MatchReport, TrialMatch, evaluate_trial, match
from matcher.index import PreparedTrials, from_criteria, prepare, structured_criteria
from matcher.outcome import STATUSES, VERDICTS, Finding, Question

__all__ = [
    "STATUSES",
    "VERDICTS",
    "Finding",
    "MatchReport",
    "PreparedTrials",
    "Question",
    "TrialMatch",
    "evaluate_trial",
    "from_criteria",
    "match",
    "prepare",
    "structured_criteria",
]
