"""The feature transformer and the ranker on the real benchmark slice."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from sklearn.base import clone

from matcher.bench import Benchmark, model_run, pair_table
from matcher.metrics import evaluate_run
from matcher.pairs import split_criteria
from matcher.rank import PairFeatures, TrialRanker, load_ranker, out_of_fold, save_ranker
from rules.errors import ConfigError
from tests.conftest import TEST_DATA


@pytest.fixture(scope="module")
def table() -> pl.DataFrame:
    return pair_table(Benchmark.from_dir(TEST_DATA / "bench" / "trec-ct-2021"))


def test_pair_table_has_one_row_per_judged_pair_and_rule_verdicts(table):
    assert table.height == 272
    assert set(table["verdict"].unique()) <= {"eligible", "possibly_eligible", "ineligible"}
    assert {"bm25", "bm25_exclusion", "age_fit", "rule_not_met", "rule_verdict"} <= set(
        table.columns
    )


def test_transformer_follows_sklearn_conventions(table):
    f = PairFeatures()
    assert f.get_params() == {"relative": f.relative} and not hasattr(f, "keep_")
    assert f.fit(table) is f
    X = f.transform(table)
    assert X.shape == (table.height, len(f.get_feature_names_out()))
    assert clone(f).get_params() == f.get_params()


def test_relative_features_are_per_patient(table):
    f = PairFeatures(relative=("bm25",)).fit(table)
    names = f.get_feature_names_out().tolist()
    X = f.transform(table)
    share = X[:, names.index("bm25_share")]
    by_patient = (
        table.with_columns(pl.Series("share", share))
        .group_by("query_id")
        .agg(pl.col("share").max())
    )
    assert np.allclose(by_patient["share"].to_numpy(), 1.0)


def test_all_missing_columns_are_dropped_not_fatal(table):
    f = PairFeatures().fit(table.with_columns(pl.lit(None, pl.Float64).alias("condition_score")))
    assert "condition_score" not in f.get_feature_names_out()


def test_missing_column_at_transform_is_a_clear_error(table):
    f = PairFeatures().fit(table)
    with pytest.raises(ConfigError, match="lacks feature"):
        f.transform(table.drop("bm25"))


def test_ranker_is_reproducible(table):
    X, y = table.drop(["label", "verdict"]), table["label"].to_numpy()
    a = TrialRanker(max_iter=30).fit(X, y).predict(X)
    b = TrialRanker(max_iter=30).fit(X, y).predict(X)
    assert np.array_equal(a, b)


def test_out_of_fold_never_scores_a_patient_with_a_model_that_saw_it(table):
    # A patient's scores must not change when its own labels are scrambled (it is held out).
    base = out_of_fold(table, k=5, ranker=TrialRanker(max_iter=30))
    first = table["query_id"][0]
    scrambled = table.with_columns(
        pl.when(pl.col("query_id") == first)
        .then(2 - pl.col("label"))
        .otherwise(pl.col("label"))
        .alias("label")
    )
    again = out_of_fold(scrambled, k=5, ranker=TrialRanker(max_iter=30))
    own = (table["query_id"] == first).to_numpy()
    assert np.array_equal(base[own], again[own])
    assert not np.array_equal(base[~own], again[~own])


def test_model_run_keeps_rule_verdicts(table):
    run = model_run(table, cv=3, seed_params={"max_iter": 30})
    assert run["verdict"].to_list() == table["verdict"].to_list()
    assert evaluate_run(run).patients == 10


def test_skops_round_trip_with_explicit_trusted_types(table, tmp_path):
    X, y = table.drop(["label", "verdict"]), table["label"].to_numpy()
    r = TrialRanker(max_iter=20).fit(X, y)
    r.training_queries_ = ["abc"]
    save_ranker(r, tmp_path / "m.skops")
    loaded = load_ranker(tmp_path / "m.skops")
    assert np.array_equal(loaded.predict(X), r.predict(X))
    assert loaded.training_queries_ == ["abc"]


def test_missing_model_file_says_how_to_build_it(tmp_path):
    with pytest.raises(ConfigError, match="trialmatch train"):
        load_ranker(tmp_path / "none.skops")


def test_split_criteria_on_a_real_trial():
    bench = Benchmark.from_dir(TEST_DATA / "bench" / "trec-ct-2021")
    texts = [t.eligibility_criteria or "" for t in bench.trials.values()]
    split = [split_criteria(t) for t in texts if "Exclusion Criteria" in t]
    assert split and all(e.lower().startswith("exclusion") for _, e in split)


def test_lost_exclusion_heading_still_splits_on_a_real_trial():
    # Some dumps replaced "Exclusion Criteria:" with a bare ":" line (NCT02487394 and others)
    bench = Benchmark.from_dir(TEST_DATA / "bench" / "trec-ct-2021")
    bare = [t for t in bench.trials.values() if "\n: \n" in (t.eligibility_criteria or "")]
    assert bare
    for t in bare:
        incl, excl = split_criteria(t.eligibility_criteria)
        assert excl.lstrip().startswith(":") and "inclusion" in incl.lower()


def test_rule_features_split_by_polarity_and_kind(table):
    assert (table["rule_inclusion_met_condition"] + table["rule_exclusion_met_condition"]).sum() > 0
    # every judged outcome is counted once in its polarity x status x kind cell
    kinds = [c for c in table.columns if c.startswith("rule_inclusion_not_met_")]
    kinds = [c for c in kinds if c != "rule_inclusion_not_met_conf"]
    assert table.select(pl.sum_horizontal(kinds)).to_series().to_list() == pytest.approx(
        table["rule_inclusion_not_met"].to_list()
    )
    ruled_out = table.filter(pl.col("verdict") == "ineligible")
    assert ruled_out.height and (ruled_out["rule_not_met"] > 0).all()


def test_vocabulary_features_are_present_and_informative(table):
    assert {"vocab_condition_score", "concepts_inclusion", "concepts_exclusion"} <= set(
        table.columns
    )
    # some patient has a condition the trial names among its exclusions
    assert table["concepts_exclusion"].max() >= 1


def test_two_stages_relevance_then_eligibility(table):
    X, y = table.drop(["label", "verdict"]), table["label"].to_numpy()
    r = TrialRanker(max_iter=30).fit(X, y)
    assert r.eligibility_ is not None
    s = r.predict(X)
    # in-sample sanity of the model's order (the pairs the rules rule out sit below all
    # others, whatever their label: tested below): judged pairs above not relevant ones,
    # eligible above excluded
    kept = (table["verdict"] != "ineligible").to_numpy()
    s, y_kept = s[kept], y[kept]
    assert s[y_kept == 2].mean() > s[y_kept == 1].mean() > s[y_kept == 0].mean()
    flat = TrialRanker(max_iter=30, eligibility_weight=0.0, ineligible_last=False)
    flat_scores = flat.fit(X, y).predict(X)
    assert np.allclose(flat_scores, r.relevance_.predict_proba(r.features_.transform(X))[:, 1])


def test_pairs_the_rules_call_ineligible_score_below_all_others(table):
    X, y = table.drop(["label", "verdict"]), table["label"].to_numpy()
    ruled_out = (table["verdict"] == "ineligible").to_numpy()
    assert 0 < ruled_out.sum() < table.height
    s = TrialRanker(max_iter=30).fit(X, y).predict(X)
    assert s[ruled_out].max() < 0 <= s[~ruled_out].min()
    # the model's order within the ineligible group is kept (a constant shift)
    free = TrialRanker(max_iter=30, ineligible_last=False).fit(X, y).predict(X)
    assert np.allclose(s[ruled_out], free[ruled_out] - 4.0)
    assert np.allclose(s[~ruled_out], free[~ruled_out])
    # without rule features there is no verdict to follow
    no_rules = X.drop([c for c in X.columns if c.startswith("rule_")])
    assert (TrialRanker(max_iter=30).fit(no_rules, y).predict(no_rules) >= 0).all()


def test_training_without_relevant_pairs_is_a_clear_error(table):
    X = table.drop(["label", "verdict"])
    with pytest.raises(ConfigError, match="relevant"):
        TrialRanker(max_iter=5).fit(X, np.zeros(table.height))


def test_small_folds_with_a_column_empty_among_relevant_pairs_still_fit():
    # regression: the PM 2018 slice in 3 folds left a feature all-missing among the
    # relevant pairs of a fold, which broke the eligibility stage's binning
    table = pair_table(Benchmark.from_dir(TEST_DATA / "bench" / "trec-pm-2018"))
    run = model_run(table, cv=3, seed_params={"max_iter": 30})
    assert run.height == 78 and run["score"].is_finite().all()


def test_shipped_model_matches_todays_feature_columns(table):
    """Retrain (`trialmatch train`) whenever pair or rule features change."""
    from matcher.rank import ID_COLUMNS

    shipped = load_ranker()
    today = [c for c in table.columns if c not in ID_COLUMNS]
    assert shipped.features_.feature_names_in_.tolist() == today
    scores = shipped.predict(table.drop(["label", "verdict"]))
    assert scores.shape == (table.height,) and np.isfinite(scores).all()
