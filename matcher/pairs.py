"""Raw features of (patient, trial) pairs: retrieval scores, condition match, trial fields.

One row per pair in a polars table; :class:`matcher.rank.PairFeatures` turns it into the
model's matrix. Rule-engine outcome counts are added by :mod:`matcher.rule_features` when
the matcher evaluates the pairs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import polars as pl

from matcher.centrality import TrialVectors, centrality
from matcher.concepts import concept_hits, gene_hits, patient_concepts
from matcher.facade import TrialMatch
from matcher.implied import ConditionLexicon, implied_similarity, shipped_lexicon
from matcher.retrieve import (
    Bm25Index,
    age_fit,
    condition_match,
    patient_terms,
    sex_fit,
    text_condition_match,
    vocab_condition_match,
)
from matcher.rule_features import rule_row
from profiles.model import PatientProfile
from rules.trial import Trial

# Some dumps replaced the "Exclusion Criteria:" heading by a line holding only ":".
_EXCLUSION = re.compile(r"\bexclusion\s+criteria\b|\bexclusions?\s*:|\n[ \t]*:[ \t]*\n", re.I)
_QUESTIONNAIRE = re.compile(r"^\s*(disease|diagnosis|gene|demographic)\s*:", re.I | re.M)
_PHASES = {"EARLY_PHASE1": 0.5, "PHASE1": 1, "PHASE2": 2, "PHASE3": 3, "PHASE4": 4}
_OPEN = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")


@lru_cache(maxsize=65536)
def split_criteria(text: str | None) -> tuple[str, str]:
    """Inclusion and exclusion parts of an eligibility text (split at the exclusion heading).

    >>> split_criteria("Inclusion Criteria:\\n- adults\\nExclusion Criteria:\\n- pregnancy")
    ('Inclusion Criteria:\\n- adults\\n', 'Exclusion Criteria:\\n- pregnancy')
    >>> split_criteria("inclusion criteria: \\n\\n adults\\n\\n: \\n\\n Pregnant")[1]
    '\\n: \\n\\n Pregnant'
    """
    text = text or ""
    m = _EXCLUSION.search(text)
    return (text[: m.start()], text[m.start() :]) if m else (text, "")


@dataclass(frozen=True)
class TrialIndexes:
    """BM25 indexes over one set of trials: whole record, title+conditions, inclusion, exclusion."""

    ids: dict[str, int]
    full: Bm25Index
    topic: Bm25Index
    inclusion: Bm25Index
    exclusion: Bm25Index

    @classmethod
    def build(cls, trials: Sequence[Trial]) -> TrialIndexes:
        parts = [split_criteria(t.eligibility_criteria) for t in trials]
        topic = [
            "\n".join(
                [
                    t.title,
                    t.official_title or "",
                    *t.conditions,
                    *t.keywords,
                    *(m.term for m in t.condition_meshes),
                ]
            )
            for t in trials
        ]
        return cls(
            ids={t.nct_id: i for i, t in enumerate(trials)},
            full=Bm25Index.build(trials),
            topic=Bm25Index.build(trials, texts=topic),
            inclusion=Bm25Index.build(trials, texts=[p[0] or "-" for p in parts]),
            exclusion=Bm25Index.build(trials, texts=[p[1] or "-" for p in parts]),
        )


def _topic(trial: Trial) -> str:
    return "\n".join([trial.title, *trial.conditions, *trial.keywords])


def _num(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _flag(value: bool | None) -> float:
    return float("nan") if value is None else float(value)


def trial_row(trial: Trial) -> dict[str, float]:
    """Features of the trial alone: phase, status, age range, sex, criteria length."""
    phases = [_PHASES[p] for p in trial.phases if p in _PHASES]
    incl, excl = split_criteria(trial.eligibility_criteria)
    lo, hi = trial.min_age_years, trial.max_age_years
    return {
        "phase": max(phases) if phases else float("nan"),
        "open": _flag(trial.overall_status in _OPEN) if trial.overall_status else float("nan"),
        "min_age": lo if lo is not None else float("nan"),
        "max_age": hi if hi is not None else float("nan"),
        "sex_restricted": float((trial.sex or "ALL").upper() != "ALL"),
        "healthy_volunteers": _flag(trial.healthy_volunteers),
        "inclusion_chars": float(len(incl)),
        "exclusion_chars": float(len(excl)),
        "n_conditions": float(len(trial.conditions)),
    }


def pair_row(
    profile: PatientProfile,
    text: str | None,
    trial: Trial,
    *,
    concepts: frozenset[str] | None = None,
) -> dict[str, float]:
    """Features of one pair that need no index: condition match, age and sex fit.

    ``concepts`` is :func:`matcher.concepts.patient_concepts` of ``profile`` when known.
    """
    age = profile.age
    lo, hi = trial.min_age_years, trial.max_age_years
    terms = patient_terms(profile)
    incl, excl = split_criteria(trial.eligibility_criteria)
    mine = concepts if concepts is not None else patient_concepts(profile)
    return {
        **concept_hits(mine, incl, excl),
        **gene_hits(profile, {"topic": _topic(trial), "inclusion": incl, "exclusion": excl}),
        "condition_score": condition_match(terms, trial) if terms else float("nan"),
        "vocab_condition_score": _num(vocab_condition_match(terms, trial)),
        "text_condition_score": text_condition_match(text, trial) if text else float("nan"),
        # a free-text note (vs "Disease: ..." fields): its facts are partial, its words many
        "note_input": float(bool(text) and not _QUESTIONNAIRE.search(text or "")),
        "age_fit": _flag(age_fit(profile, trial)),
        "sex_fit": _flag(sex_fit(profile, trial)),
        "age_above_min": age - lo if age is not None and lo is not None else float("nan"),
        "age_below_max": hi - age if age is not None and hi is not None else float("nan"),
        **trial_row(trial),
    }


def pair_frame(
    pairs: pl.DataFrame,
    *,
    texts: dict[str, str],
    profiles: dict[str, PatientProfile],
    trials: dict[str, Trial],
    rules: bool = True,
    judged: Mapping[tuple[str, str], TrialMatch] | None = None,
) -> pl.DataFrame:
    """Raw features for each ``query_id, nct_id`` pair (other columns are kept).

    BM25 scores use indexes over all the trials given, so they are comparable within a patient.
    With ``rules``, the rule engine's outcome counts and its ``verdict`` are added;
    ``judged`` holds pairs the matcher already judged, by ``(query_id, nct_id)``.
    """
    ids = list(zip(pairs["query_id"].to_list(), pairs["nct_id"].to_list(), strict=True))
    columns = pair_columns(
        ids, texts=texts, profiles=profiles, trials=trials, rules=rules, judged=judged
    )
    if not columns:
        return pairs.clone()
    # one eager constructor: polars' select / with_columns / hstack go through its lazy
    # engine, which cost more than the features themselves on a 140-column table
    return pl.DataFrame(
        [
            *pairs.get_columns(),
            *(
                pl.Series(n, v, dtype=pl.String if n == "verdict" else pl.Float64)
                for n, v in columns.items()
            ),
        ]
    )


def pair_columns(
    pairs: Sequence[tuple[str, str]],
    *,
    texts: dict[str, str],
    profiles: dict[str, PatientProfile],
    trials: dict[str, Trial],
    rules: bool = True,
    judged: Mapping[tuple[str, str], TrialMatch] | None = None,
) -> dict[str, Any]:
    """:func:`pair_frame`'s feature columns for ``(query_id, nct_id)`` pairs, as arrays by name
    (``verdict``: a list of strings); empty when there are no pairs. What the service scores
    a request with, without building a 140-column polars table."""
    judged = judged or {}
    ordered = sorted(trials)
    idx = TrialIndexes.build([trials[n] for n in ordered])
    cache: dict[str, dict[str, np.ndarray]] = {}
    concepts: dict[str, frozenset[str]] = {}
    rows = []
    for qid, nct in pairs:
        if qid not in cache:
            text = texts[qid]
            cache[qid] = {
                "bm25": idx.full.score_array(text),
                "bm25_topic": idx.topic.score_array(text),
                "bm25_inclusion": idx.inclusion.score_array(text),
                "bm25_exclusion": idx.exclusion.score_array(text),
            }
            concepts[qid] = patient_concepts(profiles[qid])
        at = idx.ids[nct]
        row: dict[str, object] = {name: float(scores[at]) for name, scores in cache[qid].items()}
        row.update(pair_row(profiles[qid], texts[qid], trials[nct], concepts=concepts[qid]))
        if rules:
            row.update(rule_row(profiles[qid], trials[nct], judged=judged.get((qid, nct))))
        rows.append(row)
    if not rows:
        return {}
    _add_centrality(pairs, rows, idx, TrialVectors.build([trials[n] for n in ordered]), cache)
    _add_implied(pairs, rows, texts, [trials[n] for n in ordered], idx, shipped_lexicon())
    names = list(rows[0])
    numeric = [n for n in names if n != "verdict"]  # every feature is a float
    matrix = np.array([[row[n] for n in numeric] for row in rows], dtype=np.float64).T.copy()
    out: dict[str, Any] = dict(zip(numeric, matrix, strict=True))
    if "verdict" in names:
        out["verdict"] = [row["verdict"] for row in rows]
    return {n: out[n] for n in names}


def _add_centrality(
    pairs: Sequence[tuple[str, str]],
    rows: list[dict[str, Any]],
    idx: TrialIndexes,
    vectors: TrialVectors,
    scores: dict[str, dict[str, np.ndarray]],
) -> None:
    """Each row's :mod:`matcher.centrality` among its patient's candidates (the pairs given
    for that patient): ``centrality`` (topic and inclusion, weighted by whole-record BM25)
    and ``centrality_topic`` (topic, weighted by topic BM25)."""
    by_patient: dict[str, list[int]] = {}
    for k, (qid, _) in enumerate(pairs):
        by_patient.setdefault(qid, []).append(k)
    for qid, ks in by_patient.items():
        at = [idx.ids[pairs[k][1]] for k in ks]
        both = centrality(vectors.topic_inclusion, at, scores[qid]["bm25"][at])
        topic = centrality(vectors.topic, at, scores[qid]["bm25_topic"][at])
        for k, a, b in zip(ks, both, topic, strict=True):
            rows[k]["centrality"] = float(a)
            rows[k]["centrality_topic"] = float(b)


def _add_implied(
    pairs: Sequence[tuple[str, str]],
    rows: list[dict[str, Any]],
    texts: dict[str, str],
    ordered: Sequence[Trial],
    idx: TrialIndexes,
    lexicon: ConditionLexicon | None,
) -> None:
    """Each row's ``implied_conditions`` (:mod:`matcher.implied`): the cosine of the
    conditions the patient's note implies with those the trial's criteria imply. Only for a
    free-text note (a questionnaire names its disease) and when the lexicon is installed;
    NaN otherwise."""
    trial_rows = None
    mine: dict[str, np.ndarray] = {}
    for (qid, nct), row in zip(pairs, rows, strict=True):
        row["implied_conditions"] = float("nan")
        if lexicon is None or row["note_input"] != 1.0:
            continue
        if trial_rows is None:
            trial_rows = lexicon.project([t.eligibility_criteria or "" for t in ordered])
        if qid not in mine:
            mine[qid] = implied_similarity(lexicon, texts[qid], trial_rows)
        row["implied_conditions"] = float(mine[qid][idx.ids[nct]])
