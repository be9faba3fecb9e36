"""The compact, two-round evaluation of a batch gives exactly the matcher's verdicts, and a
stored corpus reaches Dask workers as a recipe with the same rows as the local engine.

Real bundled trials (all statuses), the real parser and matcher; patients from the test
cohort and the seeded synthetic cohort.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from benchmarks.synth_cohort import generate
from matcher.batch import (
    BatchOptions,
    MatcherEvaluator,
    Patient,
    Recipe,
    corpus_context,
    read_cohort,
    run_batch,
    select_trials,
    stored_corpus,
)
from matcher.batch.adapter import KEPT, MEMO
from matcher.batch.criteria import table_of
from matcher.batch.packed import UNREAD_FIELDS, slim
from matcher.batch.runner import build_context, context_rows
from matcher.batch.shortcut import PatientJudge, round_one_keys, ruled_out
from matcher.explain import question_text
from matcher.facade import judge_keys, match
from matcher.facts import PatientFacts
from profiles.model import PatientProfile
from rules.corpus import CorpusStore, bundled_trials
from rules.errors import ConfigError
from tests.conftest import TEST_DATA

AS_OF = date(2026, 11, 20)
COHORT = TEST_DATA / "batch" / "cohort.jsonl"


@pytest.fixture(scope="module")
def corpus():
    from rules.criteria import parse_trial

    trials = select_trials(bundled_trials(), None)
    parsed = {t.nct_id: list(parse_trial(t)) for t in trials if t.eligibility_criteria}
    return trials, parsed, MatcherEvaluator.of(trials, parsed)


def _profiles() -> list[PatientProfile]:
    synthetic = [PatientProfile.model_validate(p) for p in generate(40, seed=11, as_of=AS_OF)]
    tests = [r.profile for r in read_cohort(COHORT) if isinstance(r, Patient)]
    return synthetic + tests


@pytest.mark.parametrize("min_trials", [1, 3])
def test_batch_evaluation_equals_the_matcher_on_the_full_trials(corpus, min_trials, monkeypatch):
    """Slim trials, packed criteria, round one and the memo change nothing: kept trials,
    their explanations, verdict counts and questions are the plain matcher's."""
    import matcher.batch.shortcut as shortcut

    monkeypatch.setattr(shortcut, "MIN_TRIALS", min_trials)
    trials, parsed, evaluator = corpus
    ids = [t.nct_id for t in trials]
    from matcher.index import from_criteria, structured_criteria

    full = from_criteria(
        trials, [structured_criteria(t) + parsed.get(t.nct_id, []) for t in trials]
    )
    ruled_some = 0
    for profile in _profiles():
        ev = evaluator(profile, ids, AS_OF, 5)
        ref = match(profile, full, as_of=AS_OF, statuses=KEPT, top_k=5)
        assert ev.counts == dict(ref.counts), profile.id
        assert [(k.nct_id, k.verdict, k.score) for k in ev.kept] == [
            (m.trial.nct_id, m.verdict, float(m.score)) for m in ref.matches
        ]
        for k, m in zip(ev.kept, ref.matches, strict=True):
            assert k.ruling == tuple(o.criterion.text for o in m.decision.ruling)
            assert k.questions == tuple(question_text(q) for q in m.question_keys())
            assert k.n_met == sum(o.status == "met" for o in m.outcomes)
        assert ev.unlocks == [(q.question, q.nct_ids) for q in ref.questions]
        prepared = evaluator.subset(ids)
        judge = PatientJudge(MEMO)
        judge(round_one_keys(prepared, min_trials=1), PatientFacts.of(profile, AS_OF))
        ruled_some += int(ruled_out(prepared, judge.found).sum())
    assert ruled_some > 0  # round one does rule trials out on these patients


def test_round_one_rules_out_only_trials_the_matcher_calls_ineligible(corpus):
    trials, _, evaluator = corpus
    ids = [t.nct_id for t in trials]
    prepared = evaluator.subset(ids)
    for profile in _profiles()[:25]:
        facts = PatientFacts.of(profile, AS_OF)
        keys = round_one_keys(prepared, min_trials=1)
        out = ruled_out(prepared, judge_keys(keys, facts))
        report = match(profile, prepared, as_of=AS_OF)  # every verdict
        verdict = {m.trial.nct_id: m.verdict for m in report.matches}
        for i in np.flatnonzero(out).tolist():
            assert verdict[prepared.trials[i].nct_id] == "ineligible", profile.id


def test_slim_trials_keep_every_field_but_the_unread_ones():
    for t in bundled_trials()[:50]:
        s = slim(t)
        assert s.model_dump(exclude=set(UNREAD_FIELDS)) == t.model_dump(exclude=set(UNREAD_FIELDS))
        assert not s.sites and s.title == t.title


def test_context_rows_build_the_same_context(corpus):
    trials, _, evaluator = corpus
    crits = dict(zip([t.nct_id for t in trials], evaluator.criteria, strict=True))
    table = table_of(crits, trials=evaluator.trials)
    options = BatchOptions(as_of=AS_OF, statuses=None)
    a = build_context(evaluator.trials, options=options, evaluate=evaluator, criteria=table)
    b = build_context(
        evaluator.trials, options=options, evaluate=evaluator, criteria=context_rows(table)
    )
    assert context_rows(table).height < table.height
    assert a.criteria.equals(b.criteria) and a.relevance.equals(b.relevance)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("store")
    CorpusStore(data).ingest(bundled_trials())
    return data


def test_stored_corpus_on_dask_gives_the_local_rows(store: Path, tmp_path: Path):
    local_opts = BatchOptions(as_of=AS_OF, statuses=None, partition_size=10, top_k=5)
    dask_opts = BatchOptions(
        as_of=AS_OF, statuses=None, partition_size=10, top_k=5, engine="dask", workers=2
    )
    source = stored_corpus(options=dask_opts, data_dir=store)  # renews the parse cache
    local = run_batch(
        COHORT,
        tmp_path / "local.parquet",
        context=corpus_context(options=local_opts, data_dir=store),
        options=local_opts,
    )
    dask = run_batch(COHORT, tmp_path / "dask.parquet", context=source, options=dask_opts)
    assert source.trial_ids == sorted(t.nct_id for t in bundled_trials())
    assert dask.reconciles and dask.matched_patients == local.matched_patients == 40
    assert (dask.pairs_evaluated, dask.pairs_prescreened) == (
        local.pairs_evaluated,
        local.pairs_prescreened,
    )
    assert pl.read_parquet(tmp_path / "dask.parquet").equals(
        pl.read_parquet(tmp_path / "local.parquet")
    )
    assert (tmp_path / "dask.errors.csv").read_text() == (tmp_path / "local.errors.csv").read_text()


def test_a_recipe_refuses_a_corpus_that_changed(store: Path):
    options = BatchOptions(as_of=AS_OF, statuses=None)
    recipe = stored_corpus(options=options, data_dir=store).recipe
    changed = Recipe(**{**recipe.__dict__, "digest": "0" * 64})
    with pytest.raises(ConfigError, match="changed during the batch run"):
        changed.load()
