"""Vocabulary concepts shared by a patient and a trial's inclusion / exclusion text."""

from __future__ import annotations

from matcher.bench import Benchmark
from matcher.concepts import concept_hits, patient_concepts, text_concepts
from matcher.pairs import split_criteria
from profiles.model import PatientProfile
from profiles.text import extract_profile
from tests.conftest import TEST_DATA


def test_patient_concepts_carry_ancestors_and_classes():
    p = PatientProfile(
        diagnoses=[{"condition": "squamous NSCLC"}],
        conditions=["Crohn's disease"],
        therapies=[{"name": "Keytruda"}],
    )
    got = patient_concepts(p)
    assert {"squamous_nsclc", "nsclc", "lung_cancer", "crohns_disease"} <= got
    assert {"pembrolizumab", "anti_pd1", "immunotherapy"} <= got
    assert "solid_tumor" not in got  # too broad to tell trials apart


def test_trial_side_names_only_what_it_says():
    assert text_concepts("Prior nivolumab") == {"nivolumab"}


def test_real_patient_conditions_found_in_real_exclusions():
    bench = Benchmark.from_dir(TEST_DATA / "bench" / "trec-ct-2021")
    mine = patient_concepts(extract_profile(bench.queries["ct2021-7"]).profile)
    hits = [
        concept_hits(mine, *split_criteria(t.eligibility_criteria))["concepts_exclusion"]
        for t in bench.trials.values()
    ]
    assert max(hits) >= 1
