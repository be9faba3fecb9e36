"""Condition relevance: set aside, in bulk, the trials that study other conditions.

A cancer patient is not a candidate for a trial of another cancer, nor for a trial of a
disease that is not cancer. Each trial gets a *scope* once per run:

* ``cancers``: the specific cancers it studies (``rules.vocab`` cancer ids): cancer names
  in its conditions, condition MeSH terms and titles (exact vocabulary mentions, no fuzzy
  match: "Neoplasms" is no specific cancer) and its top-level, non-negated inclusion
  ``condition`` criteria;
* ``any_cancer``: no specific cancer, but a generic oncology word (``relevance.json``) in its
  conditions, titles or keywords (its MeSH terms when it lists no condition): relevant to
  every cancer patient;
* ``not_cancer``: neither.

A record with neither conditions nor MeSH terms (some legacy sources kept only the criteria
text) is read from its inclusion criteria instead: cancer names and generic words there.

A patient whose diagnosis names a recognised cancer (``matcher.facts.PatientFacts.cancers``)
is judged only against the ``any_cancer`` trials and the ``cancers`` trials with one cancer
related to theirs (either way in the hierarchy: NSCLC for a lung cancer patient, lung cancer
or solid tumours for an NSCLC patient); the others are counted as *not relevant*, never as
ineligible. A patient without a recognised cancer is judged against every trial.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

import polars as pl

from profiles.model import PatientProfile
from rules.criterion import Criterion
from rules.trial import Trial

Scope = Literal["cancers", "any_cancer", "not_cancer"]
RELEVANCE_SCHEMA: dict[str, Any] = {
    "nct_id": pl.String,
    "scope": pl.String,
    "cancers": pl.List(pl.String),
}
EMPTY_RELEVANCE = pl.DataFrame(schema=RELEVANCE_SCHEMA)


@cache
def _data() -> dict[str, Any]:
    text = resources.files("matcher.batch").joinpath("relevance.json").read_text("utf-8")
    return json.loads(text)


@cache
def _generic() -> tuple[re.Pattern[str], re.Pattern[str]]:
    def alternatives(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    data = _data()
    found = re.compile(r"\b(?:" + alternatives(data["generic_oncology_words"]) + ")", re.I)
    blocked = re.compile(r"\b(?:" + alternatives(data["not_oncology_phrases"]) + r")\b", re.I)
    return found, blocked


def is_generic_oncology(text: str) -> bool:
    """True when ``text`` has a generic oncology word (``relevance.json``).

    >>> is_generic_oncology("Cancer-related fatigue"), is_generic_oncology("HIV Infections")
    (True, False)
    >>> is_generic_oncology("Inadequate response to a tumor necrosis factor inhibitor")
    False
    """
    found, blocked = _generic()
    return bool(found.search(blocked.sub(" ", text)))


def _top_inclusion(c: Criterion) -> bool:
    return c.parent is None and c.polarity == "inclusion" and not (c.params or {}).get("negated")


def trial_scope(trial: Trial, criteria: Sequence[Criterion]) -> tuple[Scope, list[str]]:
    """The trial's scope and its specific cancers (see the module doc).

    ``criteria`` are its parsed criteria (structured ones may be included).

    >>> trial_scope(Trial(nct_id="NCT00000001", conditions=["NSCLC"]), [])
    ('cancers', ['nsclc'])
    >>> trial_scope(Trial(nct_id="NCT00000002", conditions=["Neoplasms"]), [])
    ('any_cancer', [])
    >>> trial_scope(Trial(nct_id="NCT00000003", conditions=["Asthma"]), [])
    ('not_cancer', [])
    """
    from rules.vocab import find_cancers

    inclusion = [c for c in criteria if _top_inclusion(c) and not c.rule.startswith("ctgov:")]
    meshes = [m.term for m in trial.condition_meshes]
    titles = [t for t in (trial.brief_title, trial.official_title) if t]
    named = [*trial.conditions, *meshes, *titles]
    # what the trial says it studies; a record without conditions falls back on its text
    described = [*trial.conditions, *titles, *trial.keywords] or meshes
    if not trial.conditions and not meshes:
        named += [c.text for c in inclusion if is_generic_oncology(c.text)]
        described += [c.text for c in inclusion]
    cancers = [m.id for text in named for m in find_cancers(text)]
    for c in inclusion:
        if c.kind == "condition":
            cancers.extend(c.params.get("cancers") or [])
    cancers = list(dict.fromkeys(cancers))
    if cancers:
        return "cancers", cancers
    if any(is_generic_oncology(t) for t in described):
        return "any_cancer", []
    return "not_cancer", []


def relevance_table(trials: Iterable[Trial], criteria: dict[str, list[Criterion]]) -> pl.DataFrame:
    """One row per trial: ``nct_id``, ``scope``, ``cancers`` (computed once per run)."""
    rows = []
    for t in trials:
        scope, cancers = trial_scope(t, criteria.get(t.nct_id, []))
        rows.append({"nct_id": t.nct_id, "scope": scope, "cancers": cancers})
    return pl.DataFrame(rows, schema=RELEVANCE_SCHEMA) if rows else EMPTY_RELEVANCE.clone()


def patient_cancers(profile: PatientProfile, *, as_of: date) -> tuple[str, ...]:
    """The patient's recognised cancers, as the matcher reads them (empty when none).

    >>> from profiles.model import Diagnosis
    >>> p = PatientProfile(diagnoses=[Diagnosis(condition="non-small cell lung cancer")])
    >>> patient_cancers(p, as_of=date(2026, 11, 20))
    ('nsclc',)
    """
    from matcher.facts import PatientFacts

    return tuple(PatientFacts.of(profile, as_of).cancers or ())


@cache
def _related(have: tuple[str, ...], candidates: tuple[str, ...]) -> tuple[str, ...]:
    from rules.vocab import cancer_is_a

    return tuple(c for c in candidates if any(cancer_is_a(h, c) or cancer_is_a(c, h) for h in have))


def relevant_trials(
    cancers: dict[int, tuple[str, ...]], relevance: pl.DataFrame
) -> dict[int, list[str]]:
    """For each patient (by position) with recognised cancers: the relevant trials' NCT ids.

    Patients with no recognised cancer are absent: every trial is relevant to them.

    >>> rel = pl.DataFrame({"nct_id": ["NCT1", "NCT2", "NCT3", "NCT4"],
    ...     "scope": ["cancers", "cancers", "any_cancer", "not_cancer"],
    ...     "cancers": [["nsclc"], ["aml"], [], []]}, schema=RELEVANCE_SCHEMA)
    >>> relevant_trials({1: ("lung_cancer",), 2: ()}, rel)
    {1: ['NCT1', 'NCT3']}
    """
    wanted = {pos: c for pos, c in cancers.items() if c}
    if not wanted or relevance.is_empty():
        return {}
    specific = relevance.filter(pl.col("scope") == "cancers").explode("cancers")
    known = tuple(sorted(set(specific["cancers"].drop_nulls().to_list())))
    pairs = pl.DataFrame(
        [(pos, c) for pos, have in wanted.items() for c in _related(have, known)],
        schema={"position": pl.Int64, "cancers": pl.String},
        orient="row",
    )
    hits = pairs.join(specific.select("nct_id", "cancers"), on="cancers").select(
        "position", "nct_id"
    )
    generic = relevance.filter(pl.col("scope") == "any_cancer").select("nct_id")
    everyone = pl.DataFrame({"position": list(wanted)}, schema={"position": pl.Int64})
    found = (
        pl.concat([hits, everyone.join(generic, how="cross")])
        .unique()
        .sort("position", "nct_id")
        .group_by("position", maintain_order=True)
        .agg("nct_id")
    )
    out: dict[int, list[str]] = {pos: [] for pos in wanted}
    for pos, ids in found.iter_rows():
        out[pos] = ids
    return out
