"""The learned ranking model: a feature transformer and a scikit-learn estimator.

:class:`PairFeatures` turns the raw pair table of :mod:`matcher.pairs` into a numeric matrix,
adding per-patient relative features (a BM25 score only means something next to the same
patient's other trials). :class:`TrialRanker` is two HistGradientBoosting classifiers over
those features: is the trial relevant, and if so is the patient eligible or excluded. The verdict rules stay in charge of ``ineligible``; the
model only orders. Models are saved with skops (never pickle) and loaded with an explicit
list of trusted types.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import skops.io as sio
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold
from threadpoolctl import ThreadpoolController

from matcher.forest import flat
from rules.errors import ConfigError

GROUP = "query_id"
ID_COLUMNS = ("query_id", "nct_id", "label", "verdict")
RELATIVE = (
    "bm25",
    "bm25_topic",
    "bm25_inclusion",
    "bm25_exclusion",
    "condition_score",
    "text_condition_score",
    "implied_conditions",
)
MODEL_PATH = "models/ranker.skops"
#: The rule engine's verdict column (matcher.rule_features.VERDICT_CODE: ineligible is 0).
VERDICT_COLUMN = "rule_verdict"
INELIGIBLE_CODE = 0.0
TRUSTED = [
    "matcher.rank.PairFeatures",
    "matcher.rank.TrialRanker",
    "sklearn._loss.link.IdentityLink",
    "sklearn._loss.link.Interval",
    "sklearn._loss.loss.HalfSquaredError",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "numpy.dtype",
]


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()  # finding the native thread pools takes ~2 ms: once


def _one_thread() -> Any:
    """Native thread pools limited to one thread (OpenMP threads only contend here)."""
    return _controller().limit(limits=1)


#: a pair table: a polars frame, or its columns as arrays by name (the service's fast path)
Pairs = pl.DataFrame | Mapping[str, np.ndarray]


def _floats(X: Pairs, names: Sequence[str] | np.ndarray) -> np.ndarray:
    """``names`` columns of ``X`` as a float matrix (null -> NaN)."""
    cols = []
    for name in names:
        col = X[name]
        if isinstance(col, pl.Series):
            col = (col if col.dtype == pl.Float64 else col.cast(pl.Float64)).to_numpy()
        cols.append(np.asarray(col, dtype=float))
    return np.column_stack(cols).reshape(-1, len(cols))


def relative_columns(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each column as a share of its group's maximum, then as its rank percentile in the group.

    NaN is missing: it stays NaN and does not count as a maximum; a share of 0/0 is NaN; the
    percentile is the average rank (ties share it) over the group's row count, missing rows
    included.

    >>> v = np.array([[2.0], [4.0], [np.nan], [1.0], [1.0]])
    >>> relative_columns(v, np.array(["a", "a", "a", "b", "b"])).tolist()
    [[0.5, 0.3333333333333333], [1.0, 0.6666666666666666], [nan, nan], [1.0, 0.75], [1.0, 0.75]]
    """
    n, k = values.shape
    share = np.full((n, k), np.nan)
    pct = np.full((n, k), np.nan)
    _, codes = np.unique(groups, return_inverse=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    for rows in np.split(order, bounds):
        block = values[rows]
        for j in range(k):
            col = block[:, j]
            known = ~np.isnan(col)
            if not known.any():
                continue
            with np.errstate(invalid="ignore", divide="ignore"):
                share[rows[known], j] = col[known] / col[known].max()
            pct[rows[known], j] = _average_ranks(col[known]) / len(rows)
    return np.hstack([share, pct])


def _average_ranks(x: np.ndarray) -> np.ndarray:
    """1-based ranks, ties getting the mean of their positions."""
    order = np.argsort(x, kind="stable")
    sorted_x = x[order]
    first = np.r_[True, sorted_x[1:] != sorted_x[:-1]]
    starts = np.flatnonzero(first)
    ends = np.r_[starts[1:], len(x)]
    mean_rank = (starts + 1 + ends) / 2.0  # positions starts+1 .. ends
    ranks = np.empty(len(x))
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


class PairFeatures(TransformerMixin, BaseEstimator):
    """Raw pair table -> float matrix, with per-patient relative versions of retrieval scores.

    Parameters
    ----------
    relative : columns also given as share of the patient's maximum and as rank percentile.

    >>> raw = pl.DataFrame({"query_id": ["a", "a", "b"], "nct_id": ["N1", "N2", "N3"],
    ...                     "bm25": [2.0, 4.0, 1.0], "age_fit": [1.0, None, 0.0]})
    >>> f = PairFeatures(relative=("bm25",)).fit(raw)
    >>> f.get_feature_names_out().tolist()
    ['bm25', 'age_fit', 'bm25_share', 'bm25_pct']
    >>> f.transform(raw)[:, 2].tolist()
    [0.5, 1.0, 1.0]
    """

    def __init__(self, relative: Sequence[str] = RELATIVE):
        self.relative = relative

    def fit(self, X: pl.DataFrame, y: object = None) -> PairFeatures:
        if GROUP not in X.columns:
            raise ConfigError(f"the pair table needs a {GROUP!r} column to group by patient")
        self.feature_names_in_ = np.array([c for c in X.columns if c not in ID_COLUMNS])
        self.relative_ = [c for c in self.relative if c in self.feature_names_in_]
        self.n_features_in_ = len(self.feature_names_in_)
        self.keep_ = np.ones(len(self._names()), dtype=bool)
        # A column with no value at all carries nothing (and breaks binning): drop it.
        self.keep_ = ~np.all(np.isnan(self.transform(X)), axis=0)
        return self

    def _names(self) -> list[str]:
        # Order: raw columns, then shares, then percentiles.
        extra = [f"{c}_{s}" for s in ("share", "pct") for c in self.relative_]
        return [*self.feature_names_in_.tolist(), *extra]

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array(self._names())[self.keep_]

    def transform(self, X: Pairs) -> np.ndarray:
        have = set(X.columns if isinstance(X, pl.DataFrame) else X)
        missing = [c for c in self.feature_names_in_ if c not in have]
        if missing:
            raise ConfigError(f"the pair table lacks feature column(s) {missing}")
        # one conversion for the raw columns (null and NaN both become NaN), numpy for the
        # per-patient ones: this runs on every API request
        parts = [_floats(X, self.feature_names_in_)]
        if self.relative_:
            values = _floats(X, self.relative_)
            parts.append(relative_columns(values, np.asarray(X[GROUP])))
        return np.hstack(parts)[:, self.keep_]


class TrialRanker(BaseEstimator):
    """Two gradient-boosted stages over :class:`PairFeatures` (higher score = better).

    A *relevance* classifier (grade > 0: the trial is about this patient) and an
    *eligibility* classifier fitted on the relevant pairs only (grade 2 vs 1: eligible vs
    excluded). The score is ``p_relevant * (1 + eligibility_weight * p_eligible)``, so an
    eligible trial outranks an excluded one on the same topic. With ``ineligible_last`` (and
    the rule features in the table), a pair the rule engine calls ``ineligible`` scores
    ``1 + eligibility_weight`` lower, below every other pair: the verdict rules stay in charge
    of ``ineligible`` and the model orders within each verdict, as the product lists them.

    >>> raw = pl.DataFrame({"query_id": ["a"] * 4 + ["b"] * 4, "nct_id": list("ABCDEFGH"),
    ...                     "bm25": [1.0, 2, 3, 4, 1, 2, 3, 4]})
    >>> r = TrialRanker(max_iter=20, min_samples_leaf=1).fit(raw, [0, 1, 2, 2, 0, 1, 2, 2])
    >>> s = r.predict(raw)
    >>> bool(s[3] > s[1] > s[0])
    True
    """

    def __init__(
        self,
        *,
        max_iter: int = 300,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 20,
        l2_regularization: float = 1.0,
        eligibility_weight: float = 3.0,
        ineligible_last: bool = True,
        random_state: int = 0,
    ):
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.eligibility_weight = eligibility_weight
        self.ineligible_last = ineligible_last
        self.random_state = random_state

    def _classifier(self, *, max_iter: int) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            random_state=self.random_state,
        )

    def fit(self, X: pl.DataFrame, y: Sequence[float]) -> TrialRanker:
        grade = np.asarray(y, dtype=float)
        self.features_ = PairFeatures().fit(X)
        names = self.features_.get_feature_names_out().tolist()
        self.verdict_column_ = names.index(VERDICT_COLUMN) if VERDICT_COLUMN in names else -1
        M = self.features_.transform(X)
        relevant = grade > 0
        if relevant.all() or not relevant.any():
            raise ConfigError("training needs both relevant (1, 2) and not relevant (0) pairs")
        # One thread: on small tables OpenMP threads only contend (10x slower on 2 busy cores).
        with _one_thread():
            self.relevance_ = self._classifier(max_iter=self.max_iter).fit(M, relevant)
            eligible = grade[relevant] == 2
            sub = M[relevant]
            # a column with no value among the relevant pairs carries nothing (and breaks binning)
            self.eligibility_columns_ = ~np.all(np.isnan(sub), axis=0)
            self.eligibility_ = (
                self._classifier(max_iter=max(1, self.max_iter // 2)).fit(
                    sub[:, self.eligibility_columns_], eligible
                )
                if 0 < eligible.sum() < eligible.size
                else None
            )
        self.training_queries_: list[str] = []
        return self

    def predict_matrix(self, M: np.ndarray) -> np.ndarray:
        """Scores of an already transformed feature matrix (for permutation importance)."""
        # all trees walked at once (matcher.forest): scikit-learn's numbers, bit for bit
        score = flat(self.relevance_).predict_proba(M)
        if self.eligibility_ is not None:
            eligible = flat(self.eligibility_).predict_proba(M[:, self.eligibility_columns_])
            score = score * (1 + self.eligibility_weight * eligible)
        if getattr(self, "ineligible_last", False) and getattr(self, "verdict_column_", -1) >= 0:
            ruled_out = M[:, self.verdict_column_] == INELIGIBLE_CODE
            score = np.where(ruled_out, score - (1 + self.eligibility_weight), score)
        return score

    def predict(self, X: Pairs) -> np.ndarray:
        return self.predict_matrix(self.features_.transform(X))


def out_of_fold(
    frame: pl.DataFrame, *, k: int = 5, ranker: TrialRanker | None = None, dealing: int = 0
) -> np.ndarray:
    """Scores for every pair from a model that never saw its patient (GroupKFold by patient).

    ``frame`` is a raw pair table with ``label``; returns predictions in row order.
    ``dealing`` 0 is ``GroupKFold``'s own assignment of patients to folds; any other number
    first shuffles the patients with that seed (another dealing, same protocol), which shows
    how much a metric owes to which patients share a fold.

    >>> dealt = [_dealt(np.array(["a", "b", "c", "a"]), d).tolist() for d in (0, 1)]
    >>> dealt[0], len(set(dealt[1])), dealt[1][0] == dealt[1][3]
    (['a', 'b', 'c', 'a'], 3, True)
    """
    groups = _dealt(frame[GROUP].to_numpy(), dealing)
    n_groups = len(set(groups.tolist()))
    if n_groups < 2:
        raise ConfigError(f"cross-validation needs at least 2 patients, got {n_groups}")
    folds = GroupKFold(n_splits=min(k, n_groups))
    y = frame["label"].to_numpy().astype(float)
    scores = np.zeros(frame.height)
    X = frame.drop([c for c in ("label", "verdict") if c in frame.columns])
    for train, test in folds.split(np.zeros(frame.height), y, groups):
        model = TrialRanker(**(ranker or TrialRanker()).get_params())
        model.fit(X[train], y[train])
        scores[test] = model.predict(X[test])
    return scores


def _dealt(groups: np.ndarray, dealing: int) -> np.ndarray:
    """The patient labels as ``GroupKFold`` sees them: unchanged for dealing 0, else each
    patient renamed by a seeded permutation (so the folds hold other patients together)."""
    if not dealing:
        return groups
    names = np.unique(groups)
    rank = np.random.default_rng(dealing).permutation(len(names))
    renamed = dict(zip(names.tolist(), rank.tolist(), strict=True))
    return np.array([renamed[g] for g in groups.tolist()])


def save_ranker(ranker: TrialRanker, path: Path) -> None:
    """Write the fitted ranker in skops format."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sio.dump(ranker, path)


def load_ranker(path: Path | None = None) -> TrialRanker:
    """Load a ranker saved by :func:`save_ranker` (the shipped one by default).

    Only the types listed in ``TRUSTED`` (plus skops' own defaults) may be loaded; a file
    needing anything else is refused with the list of what it wanted.
    """
    where = Path(path) if path else Path(__file__).parent / MODEL_PATH
    if not where.exists():
        raise ConfigError(
            "no ranking model found", where=str(where), hint="run `trialmatch train` to build it"
        )
    untrusted = sio.get_untrusted_types(file=where)
    extra = sorted(set(untrusted) - set(TRUSTED))
    if extra:
        raise ConfigError(f"the model file needs untrusted types {extra}", where=str(where))
    model = sio.load(where, trusted=TRUSTED)
    if not isinstance(model, TrialRanker):
        raise ConfigError(f"not a TrialRanker but {type(model).__name__}", where=str(where))
    return model
