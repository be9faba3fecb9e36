"""Candidate trials for a profile: by condition, intervention, status, age, sex and distance,
plus BM25 over title, conditions and criteria when the patient comes as text.

Retrieval is a recall step: it keeps what could fit and scores how well it fits; the
rule engine judges eligibility afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import bm25s
import numpy as np
from rapidfuzz import fuzz

from matcher.geo import NearestSite, location_point, nearest_recruiting_site
from profiles.model import PatientProfile
from rules import vocab
from rules.trial import Trial

DEFAULT_STATUSES: tuple[str, ...] = ("RECRUITING", "NOT_YET_RECRUITING")
_WORDS = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "of",
        "the",
        "and",
        "or",
        "with",
        "in",
        "a",
        "an",
        "to",
        "for",
        "cancer",
        "neoplasm",
        "neoplasms",
        "disease",
        "patients",
        "tumor",
        "tumors",
        "carcinoma",
        "adult",
    ]
)


def trial_document(trial: Trial) -> str:
    """The text BM25 indexes for a trial: title, conditions, keywords, MeSH terms, criteria.

    >>> trial_document(Trial(nct_id="NCT00000001", brief_title="A", conditions=["B"]))
    'A\\nB'
    """
    parts = [
        trial.brief_title or "",
        trial.official_title or "",
        *trial.conditions,
        *trial.keywords,
        *(m.term for m in trial.condition_meshes),
        *(i.name for i in trial.interventions),
        trial.eligibility_criteria or "",
    ]
    return "\n".join(p for p in parts if p)


class Bm25Index:
    """A BM25 index over trials (bm25s); build it with :meth:`build`.

    >>> idx = Bm25Index.build([Trial(nct_id="NCT00000001", conditions=["melanoma"]),
    ...                        Trial(nct_id="NCT00000002", conditions=["glioma"])])
    >>> s = idx.scores("BRAF V600E melanoma")
    >>> s["NCT00000001"] > s["NCT00000002"] == 0.0
    True
    """

    def __init__(self, ids: Sequence[str], model: bm25s.BM25):
        self.ids = list(ids)
        self.model = model

    @classmethod
    def build(cls, trials: Iterable[Trial], *, texts: Sequence[str] | None = None) -> Bm25Index:
        """Index ``trials`` (or the given per-trial ``texts``, in the same order)."""
        trials = list(trials)
        docs = list(texts) if texts is not None else [trial_document(t) for t in trials]
        model = bm25s.BM25()
        tokens = bm25s.tokenize(docs, stopwords="en", show_progress=False)
        model.index(tokens, show_progress=False)
        return cls([t.nct_id for t in trials], model)

    def score_array(self, text: str) -> np.ndarray:
        """BM25 score of ``text`` against every indexed trial, in index order."""
        query = bm25s.tokenize([text], stopwords="en", return_ids=False, show_progress=False)[0]
        vocab = self.model.vocab_dict or {}
        query = [q for q in query if q in vocab]
        if not query:
            return np.zeros(len(self.ids))
        return np.asarray(self.model.get_scores(query), dtype=float)

    def scores(self, text: str) -> dict[str, float]:
        """BM25 score of ``text`` per trial id."""
        return dict(zip(self.ids, self.score_array(text).tolist(), strict=True))


def _terms(trial: Trial) -> list[str]:
    return [
        *trial.conditions,
        *(m.term for m in trial.condition_meshes),
        *(m.term for m in trial.condition_ancestors),
        *trial.keywords,
    ]


def _content(text: str) -> set[str]:
    return {w for w in _WORDS.findall(text.lower()) if w not in _STOP and len(w) > 2}


#: Cancer ids too broad to say much about a trial's disease ("Cancer", "Neoplasms"); the
#: histology-only ids (``carcinoma``, ``adenocarcinoma``: no organ) count as generic too.
_GENERIC = frozenset({"cancer", "solid_tumor", "advanced_solid_tumor", "hematologic_malignancy"})


def _generic(cancer_id: str) -> bool:
    return cancer_id in _GENERIC or vocab.is_histology(cancer_id)


@lru_cache(maxsize=65536)
def _concepts(term: str) -> tuple[frozenset[str], str | None]:
    """Cancer ids and the comorbidity id a condition name stands for (vocabulary lookups)."""
    return frozenset(vocab.cancer_ids(term)), vocab.canonical_comorbidity(term)


def vocab_condition_match(patient_terms: Sequence[str], trial: Trial) -> float | None:
    """Whether the patient's conditions are the trial's, through the vocabularies (0 to 1).

    Abbreviations and MeSH headings resolve to one id ("NSCLC" and "Carcinoma, Non-Small-Cell
    Lung" are both ``nsclc``) and the cancer hierarchy counts: 1.0 when a patient cancer is
    (under) a trial cancer or a comorbidity is the same, 0.7 under a generic one
    ("Neoplasms"), 0.6 when the trial's is a subtype of the patient's, 0.0 when both name
    cancers and none relate; None when no term is in the vocabularies. A generic or
    histology-only trial cancer ("Cancer", "Adenocarcinoma") is 0.7 for any cancer under it.

    >>> t = Trial(nct_id="NCT00000001", conditions=["Carcinoma, Non-Small-Cell Lung"])
    >>> vocab_condition_match(["NSCLC"], t), vocab_condition_match(["melanoma"], t)
    (1.0, 0.0)
    >>> vocab_condition_match(["AML"], Trial(nct_id="NCT00000002", conditions=["Neoplasms"]))
    0.7
    >>> vocab_condition_match(["lung cancer"], t), vocab_condition_match(["gout"], t) is None
    (0.6, True)
    """
    mine = [_concepts(p) for p in patient_terms]
    theirs = [_concepts(t) for t in [*trial.conditions, *(m.term for m in trial.condition_meshes)]]
    p_cancers = set().union(*(c for c, _ in mine)) if mine else set()
    t_cancers = set().union(*(c for c, _ in theirs)) if theirs else set()
    p_other = {o for _, o in mine if o}
    t_other = {o for _, o in theirs if o}
    if p_other & t_other:
        return 1.0
    if not p_cancers or not t_cancers:
        return None
    best = 0.0
    for have in p_cancers:
        for want in t_cancers:
            if vocab.cancer_is_a(have, want):
                best = max(best, 0.7 if _generic(want) else 1.0)
            elif vocab.cancer_is_a(want, have):
                best = max(best, 0.6)
    return best


def condition_match(patient_terms: Sequence[str], trial: Trial) -> float:
    """How closely the patient's conditions match the trial's (0 to 1).

    The vocabulary match (:func:`vocab_condition_match`) when it finds the same disease,
    else the best fuzzy match (rapidfuzz token-set ratio) between any patient condition and
    any trial condition, MeSH term, MeSH ancestor or keyword; the title counts at a discount
    when the record lists no conditions.

    >>> t = Trial(nct_id="NCT00000001", conditions=["Non-Small Cell Lung Cancer"])
    >>> condition_match(["non-small cell lung cancer"], t), condition_match(["glioma"], t) < 0.5
    (1.0, True)
    >>> condition_match(["NSCLC"], Trial(nct_id="NCT00000002",
    ...                 conditions=["Carcinoma, Non-Small-Cell Lung"]))
    1.0
    """
    known = vocab_condition_match(patient_terms, trial)
    if known is not None and known >= 1.0:
        return 1.0
    terms = _terms(trial)
    discount = 1.0
    if not terms and trial.brief_title:
        terms, discount = [trial.brief_title], 0.8
    best = 0.0
    for p in patient_terms:
        pc = _content(p)
        for t in terms:
            score = fuzz.token_set_ratio(p.lower(), t.lower()) / 100
            if pc and not pc & _content(t):
                score = min(score, 0.5)  # no shared content word: a weak match at most
            best = max(best, score)
    return round(best * discount, 4)


def text_condition_match(text: str, trial: Trial) -> float:
    """How well the trial's condition terms appear in a free-text note (0 to 1).

    >>> t = Trial(nct_id="NCT00000001", conditions=["Aortic Stenosis"])
    >>> text_condition_match("severe aortic stenosis with LV dysfunction", t)
    1.0
    """
    lowered = text.lower()
    best = 0.0
    for term in _terms(trial):
        words = _content(term)
        if not words:
            continue
        best = max(
            best,
            fuzz.partial_ratio(term.lower(), lowered) / 100
            if len(term) >= 4
            else float(term.lower() in lowered),
        )
    return round(best, 4)


def age_fit(profile: PatientProfile, trial: Trial) -> bool | None:
    """Whether the patient's age is within the trial's age fields; None when either is missing.

    >>> age_fit(PatientProfile(age=70), Trial(nct_id="NCT00000001", maximum_age="65 Years"))
    False
    """
    age = profile.age
    lo, hi = trial.min_age_years, trial.max_age_years
    if age is None or (lo is None and hi is None):
        return None
    return (lo is None or age >= lo) and (hi is None or age <= hi)


def sex_fit(profile: PatientProfile, trial: Trial) -> bool | None:
    """Whether the patient's sex is accepted by the trial's sex field; None when unknown.

    >>> sex_fit(PatientProfile(sex="male"), Trial(nct_id="NCT00000001", sex="FEMALE"))
    False
    """
    want = (trial.sex or "").upper()
    if profile.sex is None or want in ("", "ALL"):
        return None if profile.sex is None or not want else True
    return profile.sex == want.lower()


@dataclass(frozen=True)
class Candidate:
    """A retrieved trial with the scores that brought it in."""

    nct_id: str
    condition_score: float
    bm25: float | None = None
    age_fit: bool | None = None
    sex_fit: bool | None = None
    status: str | None = None
    nearest_site: NearestSite | None = None

    @property
    def distance_km(self) -> float | None:
        return self.nearest_site.distance_km if self.nearest_site else None


def patient_terms(profile: PatientProfile) -> list[str]:
    """Condition names of a profile: its diagnoses, then its other conditions."""
    return [d.condition for d in profile.diagnoses or []] + list(profile.conditions or [])


def retrieve(
    profile: PatientProfile,
    trials: Iterable[Trial],
    *,
    statuses: Sequence[str] | None = DEFAULT_STATUSES,
    max_distance_km: float | None = None,
    limit: int | None = None,
    text: str | None = None,
    index: Bm25Index | None = None,
    min_condition_score: float = 0.0,
) -> list[Candidate]:
    """Candidate trials for ``profile``, best first.

    Trials are kept when their status is in ``statuses`` (None keeps all), the patient's age
    and sex do not contradict the trial's fields, and, when the profile has a location and a
    distance limit (argument or ``location.max_distance_km``), a recruiting site is that close.
    They are ordered by condition match, then BM25 of ``text`` (a free-text note) when given.

    >>> trials = [Trial(nct_id="NCT00000001", overall_status="RECRUITING", conditions=["Melanoma"]),
    ...           Trial(nct_id="NCT00000002", overall_status="COMPLETED", conditions=["Melanoma"]),
    ...           Trial(nct_id="NCT00000003", overall_status="RECRUITING", conditions=["Glioma"])]
    >>> p = PatientProfile(age=60, diagnoses=[{"condition": "melanoma"}])
    >>> [c.nct_id for c in retrieve(p, trials)]
    ['NCT00000001', 'NCT00000003']
    """
    trials = list(trials)
    terms = patient_terms(profile)
    point = location_point(profile.location) if profile.location else None
    limit_km = max_distance_km
    if limit_km is None and profile.location is not None:
        limit_km = profile.location.max_distance_km
    bm25: dict[str, float] = {}
    if text:
        bm25 = (index or Bm25Index.build(trials)).scores(text)
    wanted = {s.upper() for s in statuses} if statuses is not None else None
    out: list[Candidate] = []
    for trial in trials:
        if wanted is not None and (trial.overall_status or "").upper() not in wanted:
            continue
        a, s = age_fit(profile, trial), sex_fit(profile, trial)
        if a is False or s is False:
            continue
        score = condition_match(terms, trial) if terms else 0.0
        if text:
            score = max(score, text_condition_match(text, trial))
        if score < min_condition_score:
            continue
        site = nearest_recruiting_site(trial, point) if point else None
        if (
            limit_km is not None
            and point is not None
            and (site is None or site.distance_km > limit_km)
        ):
            continue
        out.append(
            Candidate(
                trial.nct_id,
                score,
                bm25.get(trial.nct_id) if text else None,
                a,
                s,
                trial.overall_status,
                site,
            )
        )
    out.sort(key=lambda c: (-c.condition_score, -(c.bm25 or 0.0), c.nct_id))
    return out[:limit] if limit is not None else out
