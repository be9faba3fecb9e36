"""Predictions of a fitted HistGradientBoostingClassifier, all trees at once.

scikit-learn walks its trees one Python call per tree (300 calls for the relevance stage of
the ranker), which costs more than the walk itself when a request scores a few dozen
trials. :class:`FlatForest` holds every node of every tree in flat arrays and walks all
trees for all samples together, one tree level per step. The arithmetic is scikit-learn's:
the same split rule (missing values follow ``missing_go_to_left``, else ``x <= threshold``),
leaf values added in tree order to the baseline, and the model's own link function, so the
probabilities are equal bit for bit (``tests/matcher/test_forest.py``).

Only what the ranker uses is supported: binary classification on numeric features.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np

from rules.errors import ConfigError


@dataclass(frozen=True)
class FlatForest:
    """Every node of a fitted binary HistGradientBoostingClassifier in flat arrays.

    >>> from sklearn.ensemble import HistGradientBoostingClassifier
    >>> X = np.array([[0.0, 1], [1, 0], [2, 1], [3, np.nan]] * 10)
    >>> clf = HistGradientBoostingClassifier(max_iter=5, min_samples_leaf=2)
    >>> clf = clf.fit(X, [0, 0, 1, 1] * 10)
    >>> bool(np.array_equal(FlatForest.of(clf).predict_proba(X), clf.predict_proba(X)[:, 1]))
    True
    """

    roots: np.ndarray  # node index of each tree's root, in tree order
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    baseline: float
    loss: Any  # the classifier's loss: its link turns raw scores into probabilities

    @classmethod
    def of(cls, clf: Any) -> FlatForest:
        """The flat form of ``clf`` (fitted; binary; numeric features only)."""
        if clf.n_trees_per_iteration_ != 1 or clf.is_categorical_ is not None:
            raise ConfigError("FlatForest supports binary classifiers on numeric features only")
        nodes = [predictors[0].nodes for predictors in clf._predictors]
        sizes = np.array([len(n) for n in nodes], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        every = np.concatenate(nodes)
        shift = np.repeat(offsets, sizes)
        return cls(
            roots=offsets,
            feature=every["feature_idx"].astype(np.int64),
            threshold=every["num_threshold"].astype(np.float64),
            missing_left=every["missing_go_to_left"].astype(bool),
            left=every["left"].astype(np.int64) + shift,
            right=every["right"].astype(np.int64) + shift,
            leaf=every["is_leaf"].astype(bool),
            value=every["value"].astype(np.float64),
            baseline=float(clf._baseline_prediction.ravel()[0]),
            loss=clf._loss,
        )

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The raw score of each row of ``X`` (baseline plus each tree's leaf, in order)."""
        X = np.asarray(X, dtype=np.float64)
        n = X.shape[0]
        node = np.repeat(self.roots, n)  # tree-major: entry t * n + i is tree t, sample i
        sample = np.tile(np.arange(n), len(self.roots))
        active = np.flatnonzero(~self.leaf[node])
        while active.size:  # one level of every unfinished walk per step
            at = node[active]
            x = X[sample[active], self.feature[at]]
            go_left = np.where(np.isnan(x), self.missing_left[at], x <= self.threshold[at])
            node[active] = np.where(go_left, self.left[at], self.right[at])
            active = active[~self.leaf[node[active]]]
        leaves = node.reshape(len(self.roots), n)
        steps = np.vstack([np.full((1, n), self.baseline), self.value[leaves]])
        return np.cumsum(steps, axis=0)[-1]  # sequential sums: scikit-learn's order

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probability of the positive class for each row of ``X``."""
        raw = self.raw(X).reshape(-1, 1)
        return np.asarray(self.loss.predict_proba(raw)[:, 1])


_FLAT: weakref.WeakKeyDictionary[Any, FlatForest] = weakref.WeakKeyDictionary()


def flat(clf: Any) -> FlatForest:
    """:meth:`FlatForest.of` ``clf``, built once per fitted classifier."""
    found = _FLAT.get(clf)
    if found is None:
        found = _FLAT[clf] = FlatForest.of(clf)
    return found
