"""The flat forest predicts what scikit-learn predicts, bit for bit, on the shipped ranker."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from benchmarks.synth_cohort import generate
from matcher.forest import FlatForest, flat
from matcher.pairs import pair_frame
from matcher.rank import load_ranker
from matcher.search import profile_query
from profiles.model import PatientProfile
from rules.corpus import bundled_trials
from rules.errors import ConfigError


@pytest.fixture(scope="module")
def matrix():
    """Real pair features: 6 synthetic patients x 60 bundled trials, through the shipped model."""
    ranker = load_ranker()
    trials = bundled_trials()[::4][:60]
    profiles = {
        f"p{i}": PatientProfile.model_validate(p)
        for i, p in enumerate(generate(6, seed=11, as_of=date(2026, 11, 20)))
    }
    pairs = pl.DataFrame(
        {
            "query_id": [q for q in profiles for _ in trials],
            "nct_id": [t.nct_id for _ in profiles for t in trials],
        }
    )
    table = pair_frame(
        pairs,
        texts={q: profile_query(p) for q, p in profiles.items()},
        profiles=profiles,
        trials={t.nct_id: t for t in trials},
    ).drop("verdict")
    return ranker, ranker.features_.transform(table)


def test_shipped_ranker_stages_are_equal_bit_for_bit(matrix):
    ranker, M = matrix
    assert np.isnan(M).any(), "missing values must be exercised"
    ours = flat(ranker.relevance_).predict_proba(M)
    assert np.array_equal(ours, ranker.relevance_.predict_proba(M)[:, 1])
    sub = M[:, ranker.eligibility_columns_]
    assert np.array_equal(
        flat(ranker.eligibility_).predict_proba(sub), ranker.eligibility_.predict_proba(sub)[:, 1]
    )
    assert len(set(ours.round(6).tolist())) > 10, "the scores must vary across pairs"


def test_one_row_and_many_rows_agree(matrix):
    ranker, M = matrix
    forest = flat(ranker.relevance_)
    whole = forest.raw(M)
    assert np.array_equal(np.array([forest.raw(M[i : i + 1])[0] for i in range(5)]), whole[:5])


def test_unsupported_models_are_refused():
    X = np.array([[0.0, 1], [1, 0], [2, 2], [0, 1]] * 10)
    multi = HistGradientBoostingClassifier(max_iter=3).fit(X, [0, 1, 2, 1] * 10)
    with pytest.raises(ConfigError, match="binary"):
        FlatForest.of(multi)


def test_feature_matrix_equals_the_polars_window_reference():
    """PairFeatures.transform (numpy) equals the per-patient polars window expressions it
    replaced, on a table of several patients with missing values."""
    from matcher.rank import GROUP

    ranker = load_ranker()
    features = ranker.features_
    trials = bundled_trials()
    rng = np.random.default_rng(0)
    profiles = {
        f"p{i}": PatientProfile.model_validate(p)
        for i, p in enumerate(generate(8, seed=5, as_of=date(2026, 11, 20)))
    }
    rows = [
        (q, trials[int(t)].nct_id)
        for q in profiles
        for t in rng.choice(len(trials), size=int(rng.integers(1, 30)), replace=False)
    ]
    table = pair_frame(
        pl.DataFrame(rows, schema=["query_id", "nct_id"], orient="row"),
        texts={q: profile_query(p) for q, p in profiles.items()},
        profiles=profiles,
        trials={t.nct_id: t for t in trials},
    ).drop("verdict")
    cols = [pl.col(c).cast(pl.Float64).fill_nan(None) for c in features.feature_names_in_]
    share = [
        (pl.col(c) / pl.col(c).max().over(GROUP)).fill_nan(None).alias(f"{c}_share")
        for c in features.relative_
    ]
    pct = [
        (pl.col(c).rank("average").over(GROUP) / pl.len().over(GROUP)).alias(f"{c}_pct")
        for c in features.relative_
    ]
    reference = table.select(GROUP, *cols).with_columns(*share).with_columns(*pct)
    expected = reference.drop(GROUP).to_numpy().astype(float)[:, features.keep_]
    got = features.transform(table)
    assert np.isnan(expected).any()
    assert np.array_equal(got, expected, equal_nan=True)
