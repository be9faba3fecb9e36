"""Condition relevance: trials of other conditions set aside in bulk, on real bundled trials,
and the example cohort (8 patients across cancer types) read end to end."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from matcher.batch import run_batch
from matcher.batch.relevance import _data, is_generic_oncology, relevant_trials, trial_scope
from rules.corpus import bundled_trials
from rules.criteria import parse_trial
from tests.conftest import REPO
from tests.matcher.test_batch_runner import OPTIONS, context  # noqa: F401

DATA = json.loads((REPO / "matcher/batch/relevance.json").read_text())


@pytest.mark.parametrize("text", DATA["examples"]["generic"])
def test_generic_oncology_examples(text: str):
    assert is_generic_oncology(text)


@pytest.mark.parametrize("text", DATA["examples"]["not_generic"])
def test_not_generic_examples(text: str):
    assert not is_generic_oncology(text)


def test_every_word_has_a_generic_example():
    examples = " ".join(_data()["examples"]["generic"]).lower()
    covered = [w for w in _data()["generic_oncology_words"] if w in examples]
    assert len(covered) >= 6  # the examples exercise the list, not one word


@pytest.fixture(scope="module")
def trials():
    return {t.nct_id: t for t in bundled_trials()}


@pytest.mark.parametrize(
    ("nct_id", "scope", "has"),
    [
        ("NCT04736823", "cancers", "nsclc"),  # AK112 + chemotherapy in NSCLC
        ("NCT06532617", "cancers", "pdac"),  # cadonilimab, pancreatic
        # a skin disease whose criteria mention "Tumor Necrosis Factor inhibitor"
        ("NCT05819398", "not_cancer", None),
        # macular edema, though its derived MeSH terms list "Neoplasm Metastasis"
        ("NCT05850520", "not_cancer", None),
    ],
)
def test_scope_of_real_trials(trials, nct_id: str, scope: str, has: str | None):
    t = trials[nct_id]
    found, cancers = trial_scope(t, parse_trial(t))
    assert found == scope
    assert (has in cancers) if has else cancers == []


def test_relevant_trials_follow_the_hierarchy_both_ways(trials):
    chosen = [trials[n] for n in ("NCT04736823", "NCT06532617", "NCT05819398")]
    from matcher.batch.relevance import relevance_table

    table = relevance_table(chosen, {t.nct_id: parse_trial(t) for t in chosen})
    found = relevant_trials({1: ("lung_cancer",), 2: ("aml",), 3: ("pdac",), 4: ()}, table)
    assert found == {1: ["NCT04736823"], 2: [], 3: ["NCT06532617"]}


def test_example_cohort_verdicts_are_plausible(tmp_path: Path, context):  # noqa: F811
    out = tmp_path / "r.parquet"
    summary = run_batch(REPO / "examples/cohort.csv", out, context=context, options=OPTIONS)
    assert summary.reconciles and summary.matched_patients == 8 and summary.error_rows == 0
    rows = pl.read_parquet(out)
    scope = dict(context.relevance.select("nct_id", "cancers").rows())
    leukemia = {"leukemia", "aml", "all", "cll", "cml", "b_all", "t_all", "apl"}

    def kept(pid: str) -> list[str]:
        return rows.filter(pl.col("patient_id") == pid)["nct_id"].drop_nulls().to_list()

    for pid in ("nsclc-egfr-osi", "nsclc-pdl1-pembro"):
        ids = kept(pid)
        assert ids, f"{pid} has NSCLC trials to consider"
        assert sum("nsclc" in scope[n] for n in ids) >= len(ids) // 2
        assert not any(set(scope[n]) & leukemia for n in ids), "no leukemia trial kept"
    # the AML patient gets leukaemia trials, never a lung trial
    aml = kept("aml-flt3")
    assert aml and all(set(scope[n]) & (leukemia | {"hematologic_malignancy"}) for n in aml)
    # the leukaemia-only trials are set aside for the lung patients, counted as not relevant
    only_leukemia = [n for n, cs in scope.items() if cs and set(cs) <= leukemia]
    relevant = relevant_trials({1: ("nsclc",)}, context.relevance)[1]
    assert only_leukemia and not set(only_leukemia) & set(relevant)
    assert summary.pairs_not_relevant >= 2 * len(only_leukemia)
    # the cadonilimab pancreatic trial is kept for the pancreatic patient
    assert "NCT06532617" in kept("example-pdac-2l")
