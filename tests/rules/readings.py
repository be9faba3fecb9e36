"""Scaffolding the parser-regression tests share: a bundled record's criterion by its opening
words, and one item read under a section heading."""

from __future__ import annotations

from functools import cache

from rules.corpus import bundled_trials
from rules.criteria import parse_criteria, parse_trial
from rules.criterion import Criterion
from rules.trial import Trial


@cache
def bundled() -> dict[str, Trial]:
    """The bundled trials by NCT id."""
    return {t.nct_id: t for t in bundled_trials()}


def criterion(nct: str, starts: str) -> Criterion:
    """The first criterion of bundled trial ``nct`` whose text starts with ``starts``."""
    return next(c for c in parse_trial(bundled()[nct]) if c.text.startswith(starts))


def one_item(text: str, header: str = "Exclusion Criteria:") -> Criterion:
    """``text`` read as the first item under ``header``."""
    return parse_criteria(f"{header}\n* {text}")[0]
