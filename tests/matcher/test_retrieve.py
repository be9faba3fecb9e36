"""Retrieval on real bundled records: status, age, sex, distance, condition match, BM25."""

from __future__ import annotations

import gzip
import json

import pytest

from matcher.geo import SiteIndex, haversine_km, nearest_recruiting_site, zip_point
from matcher.retrieve import Bm25Index, condition_match, text_condition_match
from matcher.search import retrieve_trials
from profiles.model import PatientProfile
from rules.trial import Trial
from tests.conftest import BUNDLED


@pytest.fixture(scope="module")
def nsclc() -> list[Trial]:
    records = json.loads(gzip.decompress((BUNDLED / "nsclc-100.json.gz").read_bytes()))
    return [Trial.from_record(r) for r in records]


@pytest.fixture(scope="module")
def mixed() -> list[Trial]:
    records = json.loads(gzip.decompress((BUNDLED / "leukemia-100.json.gz").read_bytes()))
    return [Trial.from_record(r) for r in records]


def test_zip_codes_resolve_offline():
    assert zip_point("02114") == pytest.approx((42.36, -71.07), abs=0.05)
    assert zip_point("99999") is None


def test_haversine_is_symmetric_and_zero_on_itself():
    assert haversine_km(10, 20, 10, 20) == 0
    assert haversine_km(1, 2, 3, 4) == pytest.approx(haversine_km(3, 4, 1, 2))


def test_default_statuses_keep_only_recruiting(nsclc):
    p = PatientProfile(
        age=60, sex="female", diagnoses=[{"condition": "non-small cell lung cancer"}]
    )
    found, _, why = retrieve_trials(p, nsclc)
    assert found and {t.overall_status for t in found} <= {"RECRUITING", "NOT_YET_RECRUITING"}
    assert len(retrieve_trials(p, nsclc, statuses=None)[0]) > len(found)
    assert why.wrong_status == len(nsclc) - len(found) - why.age - why.sex


def test_age_outside_the_trial_fields_is_not_retrieved(nsclc):
    old = PatientProfile(age=95, diagnoses=[{"condition": "lung cancer"}])
    kept = {t.nct_id for t in retrieve_trials(old, nsclc, statuses=None)[0]}
    by_id = {t.nct_id: t for t in nsclc}
    capped = [t for t in nsclc if t.max_age_years is not None and t.max_age_years < 95]
    assert capped, "the real sample has trials with an upper age limit"
    assert not kept & {t.nct_id for t in capped}
    assert all(by_id[n].max_age_years is None or by_id[n].max_age_years >= 95 for n in kept)


def test_condition_match_ranks_leukemia_trials_above_lung(nsclc, mixed):
    terms = ["acute myeloid leukemia"]
    leuk = sorted(condition_match(terms, t) for t in mixed)
    lung = sorted(condition_match(terms, t) for t in nsclc)
    assert leuk[len(leuk) // 2] > lung[-1]


def test_text_condition_match_finds_trial_terms_in_a_note(mixed):
    t = next(t for t in mixed if "Acute Myeloid Leukaemia" in t.conditions)
    assert text_condition_match("a 61 yo woman with acute myeloid leukaemia, FLT3+", t) == 1.0
    assert text_condition_match("a 61 yo woman with asthma", t) < 0.7


def test_distance_filter_uses_recruiting_sites(nsclc):
    p = PatientProfile(
        age=60, diagnoses=[{"condition": "lung cancer"}], location={"postal_code": "10016"}
    )
    near, sites, why = retrieve_trials(p, nsclc, max_distance_km=1500)
    everywhere = retrieve_trials(p, nsclc)[0]
    assert len(near) < len(everywhere) and why.beyond > 0
    located = [t for t in near if sites[t.nct_id] is not None]
    assert located, "a recruiting site within 1,500 km of 10016 (Chicago) is in the sample"
    for trial in near:  # a trial with no located recruiting site is kept, its distance unknown
        site = sites[trial.nct_id]
        assert site is None or site.distance_km <= 1500
        assert site == nearest_recruiting_site(trial, zip_point("10016"))
    assert why.unlocated == len(near) - len(located)


@pytest.mark.parametrize("origin", ["10016", "94305", "77030", "60611", "98109"])
def test_site_index_gives_each_trials_own_nearest_site(nsclc, mixed, origin):
    """The vectorized index answers what the trial-by-trial search answers, for every trial."""
    trials = [*nsclc, *mixed]
    point = zip_point(origin)
    found = SiteIndex.build(trials).nearest(point)
    assert list(found) == [t.nct_id for t in trials]
    assert sum(site is not None for site in found.values()) > 50
    for trial in trials:
        assert found[trial.nct_id] == nearest_recruiting_site(trial, point), trial.nct_id


QUERIES = [
    "62-year-old woman with metastatic EGFR exon 19 deletion lung adenocarcinoma, brain "
    "metastases, progressed on osimertinib; ECOG 1; hypertension",
    "acute myeloid leukemia FLT3 ITD relapsed after allogeneic transplant, leukemia leukemia",
    "pregnant",
    "no word of this is in any trial: xyzzy",
    "",
]


@pytest.mark.parametrize("size", [1, 7, 100])
@pytest.mark.parametrize("part", ["document", "exclusion", "title"])
def test_bm25_scores_are_bm25s_own_bit_for_bit(nsclc, mixed, size, part):
    """The index scores only the query's words; the numbers must be bm25s's full index's."""
    import bm25s
    import numpy as np

    from matcher.pairs import split_criteria
    from matcher.retrieve import trial_document

    trials = [*nsclc, *mixed][100 - size // 2 : 100 - size // 2 + size]
    texts = {
        "document": [trial_document(t) for t in trials],
        "exclusion": [split_criteria(t.eligibility_criteria)[1] or "-" for t in trials],
        "title": [t.title for t in trials],
    }[part]
    reference = bm25s.BM25()
    reference.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
    ours = Bm25Index.build(trials, texts=texts)
    for query in QUERIES:
        words = bm25s.tokenize([query], stopwords="en", return_ids=False, show_progress=False)[0]
        words = [w for w in words if w in reference.vocab_dict]
        expected = np.asarray(reference.get_scores(words), float) if words else np.zeros(size)
        assert np.array_equal(ours.score_array(query), expected), query
    assert ours.score_array(QUERIES[0]).any() or part != "document"


def test_bm25_prefers_the_matching_trial(nsclc):
    index = Bm25Index.build(nsclc)
    scores = index.scores("EGFR exon 19 deletion osimertinib")
    best = max(scores, key=scores.__getitem__)
    trial = next(t for t in nsclc if t.nct_id == best)
    assert "egfr" in (trial.eligibility_criteria or "").lower() + trial.title.lower()


@pytest.mark.parametrize(
    ("patient", "trial_terms", "expected"),
    [
        ("NSCLC", ["Carcinoma, Non-Small-Cell Lung"], 1.0),
        ("squamous NSCLC", ["Lung Neoplasms"], 1.0),  # under the trial's cancer
        ("lung cancer", ["Carcinoma, Non-Small-Cell Lung"], 0.6),  # trial is a subtype
        ("melanoma", ["Carcinoma, Non-Small-Cell Lung"], 0.0),
        ("CHF", ["Heart Failure"], 1.0),
        ("gout", ["Heart Failure"], None),
    ],
)
def test_vocab_condition_match(patient, trial_terms, expected):
    from matcher.retrieve import vocab_condition_match

    trial = Trial(nct_id="NCT00000001", conditions=trial_terms)
    assert vocab_condition_match([patient], trial) == expected


def test_abbreviation_matches_mesh_heading_on_real_trials(nsclc):
    # the real NSCLC records: "NSCLC" alone reaches most of them through the vocabulary
    scores = [condition_match(["NSCLC"], t) for t in nsclc]
    assert sum(s == 1.0 for s in scores) >= 60
