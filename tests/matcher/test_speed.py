"""The fast path of ``matcher.match`` gives the same results as judging each trial in full.

One evaluation per distinct value proposition (``matcher.index.value_key``) must not change a
single status, verdict, score or question: checked on the bundled corpus through the real
parser for several real-trial profiles.
"""

from __future__ import annotations

import pytest

import matcher
from matcher.facade import _safe_evaluate
from matcher.facts import PatientFacts
from matcher.index import proposition, value_params
from rules.corpus import bundled_trials
from tests.matcher.real import AS_OF, profile

PROFILES = ["example", "aml", "nsclc-egfr", "pdac-hiv", "pdac-active-ra", "pdac-ecog2"]


@pytest.fixture(scope="module")
def prepared() -> matcher.PreparedTrials:
    return matcher.prepare(bundled_trials())


def _signature(f: matcher.Finding) -> tuple:
    return (f.value, f.clinician, f.assumed, f.questions(), f.ready_on)


@pytest.mark.parametrize("name", PROFILES)
def test_display_words_never_change_a_finding(prepared: matcher.PreparedTrials, name: str) -> None:
    facts = PatientFacts.of(profile(name), AS_OF)
    assert prepared.full_key is not None
    fulls = set(prepared.full_key.tolist())
    assert len(set(prepared.key.tolist())) < len(fulls)  # the value keys do share evaluations
    for k in fulls:
        kind, params = proposition(k)
        full = _safe_evaluate(kind, params, facts)
        lean = _safe_evaluate(kind, value_params(params), facts)
        assert _signature(full) == _signature(lean), (kind, params)


@pytest.mark.parametrize("name", PROFILES)
def test_fast_match_agrees_with_judging_each_trial(
    prepared: matcher.PreparedTrials, name: str
) -> None:
    p = profile(name)
    report = matcher.match(p, prepared, as_of=AS_OF)
    assert len(report.matches) == len(prepared)
    for m in report.matches:
        one = matcher.evaluate_trial(p, m.trial, as_of=AS_OF)
        assert (m.verdict, m.score) == (one.verdict, one.score), m.trial.nct_id
        assert [o.status for o in m.outcomes] == [o.status for o in one.outcomes]
        assert [o.explanation for o in m.outcomes] == [o.explanation for o in one.outcomes]
    assert report.counts == {
        v: sum(m.verdict == v for m in report.matches) for v in matcher.VERDICTS
    }


def test_order_is_score_then_nct_id(prepared: matcher.PreparedTrials) -> None:
    report = matcher.match(profile("example"), prepared, as_of=AS_OF)
    keys = [(-m.score, m.trial.nct_id) for m in report.matches]
    assert keys == sorted(keys)
    top = matcher.match(profile("example"), prepared, as_of=AS_OF, top_k=5)
    assert [m.trial.nct_id for m in top.matches] == [m.trial.nct_id for m in report.matches[:5]]
