"""Conditions a text implies, learned from the trials' own words: a ranking feature.

Admission notes often describe a disease without naming it ("lost interest in activities",
"TSH 15 mU/L, low free T4", "V. cholerae in the stool"). Trials describe their patients the
same way in their eligibility criteria, and name the disease in their registered conditions.
Over a corpus of trials with registered conditions (and MeSH terms), the positive pointwise
mutual information between a criteria word and a condition word,

    PPMI(w, c) = max(0, log P(c | w) / P(c)),

with the co-occurrence of ``w`` and ``c`` weighted by ``w``'s TF-IDF in each trial, says
which conditions a word points to. A text's *implied conditions* are the sum of its words'
rows, weighted by their TF-IDF, as a unit vector over the condition words. The ranking
feature ``implied_conditions`` is the cosine between a note's implied conditions and a
trial's (from its eligibility criteria): 0 when they share none.

The table is built once from a trial corpus (`ConditionLexicon.build`; `trialmatch train
--lexicon-corpus PATH` rebuilds the shipped one) and shipped as NumPy arrays
(``models/implied_conditions.npz``, no pickle; 0.5 MB for the 11,899 words and 1,591
condition words learned from the 18,122 trials). ``top_per_word`` can prune each word to its
strongest condition words; the shipped table keeps them all (pruning to 64 saved 8% of the
file and cost 0.003 NDCG@10 over 8 dealings).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from rules.errors import ConfigError
from rules.trial import Trial

LEXICON_PATH = Path(__file__).resolve().parent / "models" / "implied_conditions.npz"
#: words: letters first, then letters, digits or hyphens ("HAM-D", "T4" is too short)
TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b"


@dataclass(frozen=True, eq=False)
class ConditionLexicon:
    """Criteria words, their IDF, condition words and the pruned PPMI table between them."""

    words: tuple[str, ...]
    idf: np.ndarray  # float32, one per word
    conditions: tuple[str, ...]
    table: sparse.csr_matrix  # words x conditions, float32
    _tfidf: TfidfVectorizer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        vectorizer = _criteria_words(vocabulary=list(self.words))
        vectorizer.idf_ = self.idf
        object.__setattr__(self, "_tfidf", vectorizer)

    @classmethod
    def build(
        cls,
        trials: Iterable[Trial],
        *,
        min_df: int = 5,
        max_df: float = 0.2,
        min_condition_df: int = 3,
        top_per_word: int = 2048,
    ) -> ConditionLexicon:
        """Learn the table from trials that have eligibility criteria and registered
        conditions or condition MeSH terms (the others are skipped).

        >>> t = [Trial(nct_id=f"NCT{i:08d}", conditions=["Major Depressive Disorder"],
        ...            eligibility_criteria="HAM-D score of 20 or more; lost interest")
        ...      for i in range(3)]
        >>> t += [Trial(nct_id=f"NCT{i:08d}", conditions=["Hypothyroidism"],
        ...             eligibility_criteria="TSH above 10; low free thyroxine")
        ...       for i in range(3, 6)]
        >>> lex = ConditionLexicon.build(t, min_df=1, max_df=1.0, min_condition_df=1)
        >>> lex.implied("her HAM-D was 22").top(2)
        ['depressive', 'disorder']
        """
        texts, conditions = [], []
        for trial in trials:
            named = [*trial.conditions, *(m.term for m in trial.condition_meshes)]
            if named and trial.eligibility_criteria:
                texts.append(trial.eligibility_criteria)
                conditions.append(" ; ".join(named))
        if not texts:
            raise ConfigError("no trial with eligibility criteria and registered conditions")
        tfidf = _criteria_words(min_df=min_df, max_df=max_df)
        x = tfidf.fit_transform(texts)
        named_words = CountVectorizer(
            min_df=min_condition_df, binary=True, stop_words="english", dtype=np.float32
        )
        y = named_words.fit_transform(conditions)
        joint = np.asarray((x.T @ y).todense(), dtype=np.float64)  # words x conditions
        p_c_given_w = joint / (joint.sum(axis=1, keepdims=True) + 1e-12)
        p_c = joint.sum(axis=0, keepdims=True) / joint.sum()
        with np.errstate(divide="ignore"):
            ppmi = np.log(np.maximum(p_c_given_w / p_c, 1e-12))
        ppmi = np.where(joint > 0.5, np.maximum(ppmi, 0.0), 0.0)
        return cls(
            words=tuple(tfidf.get_feature_names_out()),
            idf=tfidf.idf_.astype(np.float32),
            conditions=tuple(named_words.get_feature_names_out()),
            table=_top_per_row(ppmi, top_per_word),
        )

    def implied(self, text: str) -> ImpliedConditions:
        """The conditions ``text`` implies (a unit vector; zero when no word is known)."""
        return ImpliedConditions(self, self.project([text])[0])

    def project(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Implied conditions of each text, one unit row per text (zero rows stay zero)."""
        x = self._tfidf.transform([t or "" for t in texts])
        return sparse.csr_matrix(normalize(x @ self.table))

    def save(self, path: Path) -> None:
        """Write the lexicon as compressed NumPy arrays (no pickle)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                words=np.array(self.words),
                idf=self.idf,
                conditions=np.array(self.conditions),
                indptr=self.table.indptr.astype(np.int32),
                indices=self.table.indices.astype(np.int16),
                data=self.table.data.astype(np.float16),
            )

    @classmethod
    def load(cls, path: Path | None = None) -> ConditionLexicon:
        """Read a lexicon written by :meth:`save` (default: the shipped one)."""
        path = path or LEXICON_PATH
        if not path.exists():
            raise ConfigError(f"no implied-conditions lexicon at {path}")
        with np.load(path, allow_pickle=False) as arrays:
            words, conditions = arrays["words"], arrays["conditions"]
            table = sparse.csr_matrix(
                (
                    arrays["data"].astype(np.float32),
                    arrays["indices"].astype(np.int32),
                    arrays["indptr"],
                ),
                shape=(len(words), len(conditions)),
            )
            return cls(
                words=tuple(str(w) for w in words),
                idf=arrays["idf"].astype(np.float32),
                conditions=tuple(str(c) for c in conditions),
                table=table,
            )


@dataclass(frozen=True, eq=False)
class ImpliedConditions:
    """One text's implied conditions, for reading them."""

    lexicon: ConditionLexicon
    vector: sparse.csr_matrix

    def top(self, k: int = 5) -> list[str]:
        """The ``k`` condition words the text points to most."""
        row = self.vector.toarray().ravel()
        order = np.argsort(-row, kind="stable")[:k]
        return [self.lexicon.conditions[i] for i in order if row[i] > 0]


@lru_cache(maxsize=1)
def shipped_lexicon() -> ConditionLexicon | None:
    """The lexicon shipped with the package, or None when it is missing."""
    try:
        return ConditionLexicon.load()
    except ConfigError:
        return None


def implied_similarity(
    lexicon: ConditionLexicon, note: str, trial_rows: sparse.csr_matrix
) -> np.ndarray:
    """Cosine of ``note``'s implied conditions with each row of ``trial_rows``
    (:meth:`ConditionLexicon.project` of the trials' eligibility criteria)."""
    mine = lexicon.project([note])
    return np.asarray((trial_rows @ mine.T).todense()).ravel()


def _criteria_words(**options: Any) -> TfidfVectorizer:
    """The TF-IDF of criteria words, the same when the table is learned and when it is used."""
    return TfidfVectorizer(
        sublinear_tf=True,
        stop_words="english",
        token_pattern=TOKEN_PATTERN,
        dtype=np.float32,
        **options,
    )


def _top_per_row(dense: np.ndarray, k: int) -> sparse.csr_matrix:
    """Keep each row's ``k`` largest positive values."""
    if dense.shape[1] > k:
        cut = np.partition(dense, -k, axis=1)[:, -k][:, None]
        dense = np.where(dense >= cut, dense, 0.0)
    return sparse.csr_matrix(dense.astype(np.float32))
