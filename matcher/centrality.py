"""How central a trial is among one patient's candidates: a ranking feature.

Trials about the patient's condition resemble each other; the candidates a retrieval brings
in by mistake are about many different things. So a trial that resembles the candidates the
patient's words match best is more likely about the patient's condition (the cluster
hypothesis of retrieval, used here as score regularisation): for trial *i* among a
patient's candidates *C*,

    centrality(i) = sum over j in C, j != i, of cos(i, j) * w_j / sum_j w_j

with ``cos`` the cosine of TF-IDF vectors (fitted on the trials being ranked) and ``w_j`` the
BM25 score of the patient's text against *j*. Two versions: the trial's topic and inclusion
criteria against the whole-record BM25 (``centrality``), and the topic alone against the
topic BM25 (``centrality_topic``). No label is used: only the candidates themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from rules.trial import Trial

#: below this many trials a word must occur once (not twice) to enter the vocabulary
_SMALL = 20


def _topic(trial: Trial) -> str:
    meshes = (m.term for m in trial.condition_meshes)
    return " ".join([trial.title or "", *trial.conditions, *trial.keywords, *meshes])


def _inclusion(trial: Trial) -> str:
    from matcher.pairs import split_criteria  # pairs imports this module

    return split_criteria(trial.eligibility_criteria)[0]


def _tfidf(docs: list[str]) -> sparse.csr_matrix:
    if not any(d.strip() for d in docs):
        return sparse.csr_matrix((len(docs), 1))
    vectorizer = TfidfVectorizer(
        sublinear_tf=True,
        stop_words="english",
        min_df=2 if len(docs) >= _SMALL else 1,
        max_features=50_000,
    )
    try:
        return sparse.csr_matrix(vectorizer.fit_transform(docs))
    except ValueError:  # no word left (every document empty or only stop words)
        return sparse.csr_matrix((len(docs), 1))


@dataclass(frozen=True)
class TrialVectors:
    """TF-IDF vectors of a set of trials, row ``k`` for the ``k``-th trial given."""

    topic_inclusion: sparse.csr_matrix
    topic: sparse.csr_matrix

    @classmethod
    def build(cls, trials: Sequence[Trial]) -> TrialVectors:
        """Vectors of ``trials`` (topic + inclusion criteria, and topic alone).

        >>> from rules.corpus import bundled_trials
        >>> v = TrialVectors.build(bundled_trials()[:30])
        >>> v.topic_inclusion.shape[0], v.topic.shape[0]
        (30, 30)
        """
        return cls(
            topic_inclusion=_tfidf([_topic(t) + " " + _inclusion(t) for t in trials]),
            topic=_tfidf([_topic(t) for t in trials]),
        )


def centrality(vectors: sparse.csr_matrix, rows: Sequence[int], weights: np.ndarray) -> np.ndarray:
    """Each candidate's similarity to the other candidates, weighted by their ``weights``
    (negative weights count as 0; all zero gives zeros).

    >>> m = sparse.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    >>> centrality(m, [0, 1, 2], np.array([1.0, 1.0, 2.0])).round(2).tolist()
    [0.25, 0.25, 0.0]
    """
    if len(rows) == 0:
        return np.zeros(0)
    block = vectors[list(rows)]
    sim = (block @ block.T).toarray()
    np.fill_diagonal(sim, 0.0)
    w = np.clip(np.nan_to_num(np.asarray(weights, dtype=float)), 0.0, None)
    total = w.sum()
    return sim @ (w / total) if total > 0 else np.zeros(len(rows))
