"""Candidate trials for a profile: by condition, intervention, status, age, sex and distance,
plus BM25 over title, conditions and criteria when the patient comes as text.

Retrieval is a recall step: it keeps what could fit and scores how well it fits; the
rule engine judges eligibility afterwards.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache

import bm25s
import numpy as np
from rapidfuzz import fuzz

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


def _tokenize(texts: list[str]) -> list[list[str]]:
    found = bm25s.tokenize(texts, stopwords="en", return_ids=False, show_progress=False)
    return [list(doc) for doc in found]


@lru_cache(maxsize=1024)
def _query_tokens(text: str) -> tuple[str, ...]:
    return tuple(_tokenize([text])[0])


class TokenCache:
    """Documents' words (bm25s's tokenizer, English stopwords) as counts, kept across indexes.

    Keyed by a digest of the text; each document is kept as its distinct word ids (one
    shared vocabulary) with their counts, at most ``limit`` documents (the oldest go first).

    >>> cache = TokenCache(limit=10)
    >>> (ids, counts, length), = cache.documents(["melanoma of the skin, melanoma"])
    >>> sorted((cache.word(i), int(n)) for i, n in zip(ids, counts)), length
    ([('melanoma', 2), ('skin', 1)], 3)
    """

    def __init__(self, *, limit: int = 100_000) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}
        self._words: list[str] = []  # the word of each id
        self._docs: OrderedDict[bytes, tuple[np.ndarray, np.ndarray, int]] = OrderedDict()

    def documents(self, docs: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray, int]]:
        """For each text: its distinct word ids (sorted), their counts, its length in words."""
        keys = [hashlib.blake2b(d.encode(), digest_size=16).digest() for d in docs]
        with self._lock:
            missing = {k: d for k, d in zip(keys, docs, strict=True) if k not in self._docs}
            if missing:
                for key, words in zip(missing, _tokenize(list(missing.values())), strict=True):
                    ids = np.asarray([self._id(w) for w in words], dtype=np.int64)
                    distinct, counts = np.unique(ids, return_counts=True)
                    self._docs[key] = (distinct, counts, len(words))
            found = [self._docs[k] for k in keys]
            for k in keys:
                self._docs.move_to_end(k)
            while len(self._docs) > self.limit:
                self._docs.popitem(last=False)
        return found

    def known(self, word: str) -> int | None:
        """The id of ``word``, None when no document seen had it."""
        return self._ids.get(word)

    def word(self, id_: int) -> str:
        return self._words[id_]

    def _id(self, word: str) -> int:
        found = self._ids.get(word)
        if found is None:
            found = self._ids[word] = len(self._words)
            self._words.append(word)
        return found


#: The process's token cache (documents of every index built).
TOKENS = TokenCache()
#: bm25s's defaults: Lucene BM25, k1 = 1.5, b = 0.75, scores kept in float32
_K1, _B = 1.5, 0.75


class Bm25Index:
    """A BM25 index over trials; build it with :meth:`build`.

    The scores are bm25s's (``bm25s.BM25()`` defaults, same tokenizer), bit for bit, without
    building bm25s's full score matrix: a query only needs its own words' counts. Texts are
    tokenized once per process (:data:`TOKENS`), since the service builds small indexes over
    each request's trials, whose texts repeat from request to request.

    >>> idx = Bm25Index.build([Trial(nct_id="NCT00000001", conditions=["melanoma"]),
    ...                        Trial(nct_id="NCT00000002", conditions=["glioma"])])
    >>> s = idx.scores("BRAF V600E melanoma")
    >>> s["NCT00000001"] > s["NCT00000002"] == 0.0
    True
    """

    def __init__(
        self,
        ids: Sequence[str],
        *,
        words: np.ndarray,
        docs: np.ndarray,
        counts: np.ndarray,
        lengths: np.ndarray,
    ):
        self.ids = list(ids)
        self._words = words  # word id of each (word, document) entry, sorted
        self._docs = docs  # document of each entry
        self._counts = counts  # float32 count of the word in the document
        self._lengths = lengths  # words per document
        self._avg = np.asarray(lengths).mean() if len(lengths) else np.float64(0.0)

    @classmethod
    def build(cls, trials: Iterable[Trial], *, texts: Sequence[str] | None = None) -> Bm25Index:
        """Index ``trials`` (or the given per-trial ``texts``, in the same order)."""
        trials = list(trials)
        docs = list(texts) if texts is not None else [trial_document(t) for t in trials]
        found = TOKENS.documents(docs)
        words = np.concatenate([f[0] for f in found]) if found else np.zeros(0, np.int64)
        owner = np.repeat(np.arange(len(found)), [len(f[0]) for f in found])
        counts = np.concatenate([f[1] for f in found]) if found else np.zeros(0, np.int64)
        order = np.argsort(words, kind="stable")
        return cls(
            [t.nct_id for t in trials],
            words=words[order],
            docs=owner[order],
            counts=counts[order].astype(np.float32),
            lengths=np.asarray([f[2] for f in found], dtype=np.int64),
        )

    def score_array(self, text: str) -> np.ndarray:
        """BM25 score of ``text`` against every indexed trial, in index order."""
        n = len(self.ids)
        scores = np.zeros(n, dtype=np.float32)
        for word in _query_tokens(text):  # a repeated word counts again, as in bm25s
            wid = TOKENS.known(word)
            if wid is None:
                continue
            lo, hi = np.searchsorted(self._words, [wid, wid + 1])
            if lo == hi:
                continue
            docs, tf = self._docs[lo:hi], self._counts[lo:hi]
            df = int(hi - lo)
            idf = np.float32(math.log(1 + (n - df + 0.5) / (df + 0.5)))
            # bm25s's arithmetic and types: float64 term weight, stored as float32, summed
            # in float32 in query order
            tfc = tf / (_K1 * ((1 - _B) + _B * self._lengths[docs] / self._avg) + tf)
            scores[docs] += (np.full(len(docs), idf) * tfc).astype(np.float32)
        return np.asarray(scores, dtype=float)

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


@lru_cache(maxsize=65536)
def _content(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORDS.findall(text.lower()) if w not in _STOP and len(w) > 2)


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


def patient_terms(profile: PatientProfile) -> list[str]:
    """Condition names of a profile: its diagnoses, then its other conditions."""
    return [d.condition for d in profile.diagnoses or []] + list(profile.conditions or [])
