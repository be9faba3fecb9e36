"""matcher.search.match_corpus on the bundled corpus: retrieval, verdict groups, model order."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.search import (
    VERDICT_ORDER,
    match_corpus,
    profile_query,
    retrieval_scores,
    retrieve_trials,
    take_prepared,
)
from profiles import PatientProfile, load_profile
from rules.corpus import bundled_trials
from rules.vocab import cancer_ids, cancer_is_a
from tests.conftest import REPO, TEST_DATA

AS_OF = date(2026, 11, 20)
EXAMPLE = REPO / "examples" / "profile.example.json"
PROFILES = TEST_DATA / "profiles_match"


@pytest.fixture(scope="module")
def corpus():
    return bundled_trials()


@pytest.fixture(scope="module")
def example_report(corpus):
    return match_corpus(load_profile(EXAMPLE), corpus, as_of=AS_OF)


GENERIC = {"cancer", "solid_tumor", "advanced_solid_tumor", "hematologic_malignancy"}


def _studies(trial, cancer: str) -> bool:
    """The trial names the cancer, a subtype, or a named group holding it (acute leukaemia)."""
    ids = {i for c in trial.conditions for i in cancer_ids(c)} - GENERIC
    return any(cancer_is_a(i, cancer) or cancer_is_a(cancer, i) for i in ids)


def test_pancreatic_example_puts_the_cadonilimab_trial_first(example_report):
    r = example_report
    assert r.ranking == "model"
    assert r.matches[0].trial.nct_id == "NCT06532617"
    assert r.matches[0].verdict == "possibly_eligible"
    for m in r.matches:  # nothing recruiting far away, finished, or about COVID
        assert m.trial.overall_status in ("RECRUITING", "NOT_YET_RECRUITING")
        words = (m.trial.title + " " + " ".join(m.trial.conditions)).lower()
        assert "covid" not in words and "hidradenitis" not in words


def test_retrieval_counts_add_up_and_distance_is_respected(example_report, corpus):
    r, why = example_report, example_report.retrieval
    assert why.total == len(corpus)
    assert why.kept == len(r.matches)
    assert (
        why.kept + why.wrong_status + why.age + why.sex + why.beyond + why.other_condition
        == why.total
    )
    assert why.max_distance_km == 300 and why.beyond > 0
    for m in r.matches:
        site = r.nearest[m.trial.nct_id]
        assert site is None or site.distance_km <= 300
    assert why.describe().startswith(f"{len(corpus) - why.wrong_status} of {len(corpus)} trials")


def test_verdict_groups_come_first_then_the_rank_score(example_report):
    r = example_report
    groups = [VERDICT_ORDER[m.verdict] for m in r.matches]
    assert groups == sorted(groups)
    for a, b in zip(r.matches, r.matches[1:], strict=False):
        if a.verdict == b.verdict:
            assert r.rank_scores[a.trial.nct_id] >= r.rank_scores[b.trial.nct_id]


def test_other_conditions_are_left_out_for_a_recognised_cancer(example_report):
    # the pancreatic patient is not offered the COVID-19, hidradenitis or leukaemia studies
    why = example_report.retrieval
    assert why.other_condition > 0
    assert "studying other conditions than your cancer" in why.describe()
    for m in example_report.matches:
        assert not any(w in " ".join(m.trial.conditions).lower()
                       for w in ("covid", "hidradenitis", "leukemia"))  # fmt: skip


def test_json_adds_nearest_site_and_rank_score_only(corpus):
    data = load_profile(PROFILES / "nsclc-egfr.json").model_dump(exclude_none=True)
    data["location"] = {"postal_code": "10016"}  # no distance limit: every site is measured
    nsclc = PatientProfile.model_validate(data)
    d = match_corpus(nsclc, corpus, as_of=AS_OF).to_dict()
    assert set(d) == {"matches", "questions"}
    located = [m for m in d["matches"] if m["nearest_site"]]
    assert located, "some retrieved trials have a located site near 10016"
    assert set(located[0]["nearest_site"]) == {"facility", "city", "country", "distance_km"}
    assert all(isinstance(m["rank_score"], float) for m in d["matches"])


def test_without_retrieval_every_trial_is_judged(corpus):
    p = load_profile(EXAMPLE)
    r = match_corpus(p, corpus[:40], as_of=AS_OF, retrieval=False, use_model=False)
    assert len(r.matches) == 40 and r.ranking == "retrieval"
    assert r.retrieval.kept == 40 and r.retrieval.wrong_status > 0  # counted, not cut


def test_any_status_and_top_k(corpus):
    p = load_profile(PROFILES / "aml.json")
    kept, _, why = retrieve_trials(p, corpus, statuses=None)
    assert why.wrong_status == 0 and len(kept) == len(corpus) - why.age - why.sex
    r = match_corpus(p, corpus, as_of=AS_OF, top_k=5, use_model=False)
    assert len(r.matches) == 5


@pytest.mark.parametrize(("profile", "cancer"), [("nsclc-egfr", "nsclc"), ("aml", "aml")])
def test_top_trials_study_the_patients_cancer(corpus, profile, cancer):
    r = match_corpus(load_profile(PROFILES / f"{profile}.json"), corpus, as_of=AS_OF, top_k=5)
    assert r.ranking == "model"
    on_topic = [m for m in r.matches if _studies(m.trial, cancer)]
    assert len(on_topic) >= 4, [(m.trial.nct_id, m.trial.conditions) for m in r.matches]


def test_profile_query_is_the_questionnaire_form_of_a_real_profile():
    text = profile_query(load_profile(PROFILES / "nsclc-egfr.json"))
    lines = text.splitlines()
    assert lines[0] == "Disease: non-small cell lung cancer"
    assert "EGFR (L858R)" in lines[1] and "ALK" not in lines[1]  # negative results are left out
    assert lines[2].startswith("Demographic: ") and lines[2].endswith("female")


def test_retrieval_score_prefers_the_patients_disease(corpus):
    p = load_profile(PROFILES / "aml.json")
    scores = retrieval_scores(p, corpus)
    aml = [scores[t.nct_id] for t in corpus if _studies(t, "aml")]
    lung = [scores[t.nct_id] for t in corpus if _studies(t, "nsclc")]
    assert min(aml) > max(lung)


def test_a_prepared_corpus_gives_the_same_report_and_is_not_reparsed(corpus, example_report):
    import matcher.index as index
    from matcher import prepare
    from rules.errors import ConfigError

    profile = load_profile(EXAMPLE)
    prepared = prepare(corpus)
    got = match_corpus(profile, corpus, as_of=AS_OF, prepared=prepared)
    assert got.to_dict() == example_report.to_dict()
    assert got.retrieval == example_report.retrieval
    # retrieval and the verdicts parse nothing when given the prepared corpus (the ranking
    # model's rule features evaluate the judged trials through the cached parse themselves)
    want = match_corpus(profile, corpus, as_of=AS_OF, use_model=False).to_dict()
    index._PARSED.clear()
    got = match_corpus(profile, corpus, as_of=AS_OF, use_model=False, prepared=prepared)
    assert not index._PARSED
    assert got.to_dict() == want
    # a slice keeps each trial's rows and criteria
    ids = [corpus[5].nct_id, corpus[2].nct_id]
    sub = take_prepared(prepared, ids)
    assert [t.nct_id for t in sub.trials] == ids
    assert sub.criteria == [prepared.criteria[5], prepared.criteria[2]]
    assert sub.key.tolist() == (
        prepared.key[prepared.trial_of == 5].tolist()
        + prepared.key[prepared.trial_of == 2].tolist()
    )
    with pytest.raises(ConfigError, match="not in the prepared trials"):
        take_prepared(take_prepared(prepared, ids[:1]), ids)
