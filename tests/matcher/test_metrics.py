"""Metrics against hand-computed values and trec_eval conventions."""

from __future__ import annotations

import math

import polars as pl
import pytest

from matcher.metrics import (
    auroc_eligible_vs_excluded,
    evaluate_run,
    false_exclusion_rate,
    ndcg_at,
    per_query,
    precision_at,
    reciprocal_rank,
)


def test_ndcg_by_hand():
    # ranked labels 0, 2, 1: DCG = 2/log2(3) + 1/log2(4); ideal 2, 1, 0: 2 + 1/log2(3)
    expected = (2 / math.log2(3) + 0.5) / (2 + 1 / math.log2(3))
    assert ndcg_at([0, 2, 1]) == pytest.approx(expected)


def test_ndcg_cuts_at_k_but_ideal_uses_all_judged():
    labels = [0] * 10 + [2]
    assert ndcg_at(labels, k=10) == 0.0
    assert ndcg_at([2] + [0] * 10, k=10) == 1.0


def test_precision_divides_by_k_and_counts_only_label_2():
    assert precision_at([2, 1, 1, 2]) == pytest.approx(0.2)
    assert precision_at([2, 2], k=2) == 1.0


def test_reciprocal_rank_ignores_label_1():
    assert reciprocal_rank([1, 1, 0, 2]) == 0.25


def test_auroc_ignores_not_relevant_and_needs_both_classes():
    assert auroc_eligible_vs_excluded([0.1, 0.9, 0.5], [2, 0, 1]) == 0.0
    assert auroc_eligible_vs_excluded([0.1, 0.9], [2, 0]) is None


def test_false_exclusions_only_count_eligible_pairs():
    assert false_exclusion_rate(["ineligible", "ineligible", "eligible"], [1, 1, 2]) == 0.0
    assert false_exclusion_rate(["ineligible"], [0]) is None


def test_ties_are_broken_by_trial_id_whatever_the_input_order():
    a = pl.DataFrame(
        {"query_id": ["q"] * 2, "nct_id": ["NCT2", "NCT1"], "score": [1.0, 1.0], "label": [0, 2]}
    )
    assert per_query(a)["ndcg_10"][0] == 1.0
    assert per_query(a.reverse())["ndcg_10"][0] == 1.0


def test_run_means_over_patients_including_those_without_eligible_trials():
    run = pl.DataFrame(
        {
            "query_id": ["a", "a", "b"],
            "nct_id": ["NCT1", "NCT2", "NCT3"],
            "score": [1.0, 0.0, 1.0],
            "label": [2, 0, 0],
        }
    )
    m = evaluate_run(run)
    assert (m.ndcg_10, m.mrr, m.patients, m.pairs) == (0.5, 0.5, 2, 3)
    assert m.false_exclusion is None
