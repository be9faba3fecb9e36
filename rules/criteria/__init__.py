"""The eligibility criteria parser: free text to structured, cited criteria.

Public API: :func:`parse_criteria` (text to criteria) and :func:`parse_trial` (cached per
trial). Every criterion cites its words (``text == eligibility_criteria[start:end]``), its
pattern (``rule``) and a confidence; nothing is dropped (what cannot be structured is kind
``other``). The params contract is docs/criteria.md; the patterns are data files in
``rules/data/patterns``.
"""

from __future__ import annotations

from functools import lru_cache

from rules.criteria.parse import classify, parse_items
from rules.criterion import Criterion
from rules.trial import Trial

__all__ = ["classify", "parse_criteria", "parse_items", "parse_trial"]


def parse_criteria(text: str, *, nct_id: str = "") -> list[Criterion]:
    """Parse an eligibility text into criteria.

    >>> crits = parse_criteria("Inclusion Criteria:\\n* ECOG PS 0-1\\nExclusion Criteria:\\n* HIV")
    >>> [(c.id, c.kind, c.polarity, c.text) for c in crits]
    [('inc-1', 'performance_status', 'inclusion', 'ECOG PS 0-1'), ('exc-1', 'comorbidity', 'exclusion', 'HIV')]
    >>> crits[0].params
    {'scale': 'ECOG', 'score': {'op': 'between', 'value': 0.0, 'value2': 1.0, 'unit': None}}
    """
    return [c.model_copy(deep=True) for c in _cached(nct_id, text)]


@lru_cache(maxsize=4096)
def _cached(nct_id: str, text: str) -> tuple[Criterion, ...]:
    return tuple(parse_items(text or ""))


def parse_trial(trial: Trial) -> list[Criterion]:
    """Criteria of a trial's eligibility text (empty when the record has none); cached.

    >>> t = Trial.from_record({"protocolSection": {"identificationModule": {"nctId": "NCT00000001"},
    ...     "eligibilityModule": {"eligibilityCriteria": "Age 18-80"}}})
    >>> [(c.kind, c.confidence) for c in parse_trial(t)]  # no header: only self-evident kinds are sure
    [('age', 0.8)]
    """
    return parse_criteria(trial.eligibility_criteria or "", nct_id=trial.nct_id)
