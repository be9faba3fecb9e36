"""Whom a trial studies (its registered conditions) against the patient's record, on real
bundled trials: non-cancer trials are never ``eligible`` for a patient without the disease,
a coarse cancer name never counts as the patient's more specific cancer, and a broader
diagnosis asks which subtype."""

from __future__ import annotations

import pytest

from matcher import knowledge as kb
from matcher import match
from matcher.evaluate import evaluate
from matcher.facts import PatientFacts
from matcher.retrieve import vocab_condition_match
from matcher.studied import _extra_words, _qualifiers, conditions_criterion
from profiles.model import PatientProfile
from rules.corpus import bundled_trials
from tests.matcher.real import AS_OF, corpus, judge, profile, trial

EXAMPLES = kb.table("studied_conditions")["examples"]


def conditions(nct_id: str, name: str):
    m = judge(profile(name), nct_id)
    return m, next(o for o in m.outcomes if o.criterion.id == "ctgov-conditions")


@pytest.mark.parametrize(("text", "words"), EXAMPLES["coarse"])
def test_cancer_qualifiers_the_vocabulary_does_not_resolve(text, words):
    assert _qualifiers(text, kb.cancer_ids(text)) == words


@pytest.mark.parametrize("text", EXAMPLES["not_coarse"])
def test_cancers_named_as_the_vocabulary_knows_them(text):
    assert kb.cancer_ids(text) and _qualifiers(text, kb.cancer_ids(text)) == []


@pytest.mark.parametrize(("text", "words"), EXAMPLES["condition_extra_words"])
def test_conditions_with_extra_words_are_not_matched_by_id(text, words):
    assert _extra_words(text, kb.comorbidity_id(text)) == words


@pytest.mark.parametrize("text", EXAMPLES["condition_same"])
def test_conditions_named_as_the_vocabulary_knows_them(text):
    assert kb.comorbidity_id(text) and _extra_words(text, kb.comorbidity_id(text)) == []


@pytest.mark.parametrize("text", EXAMPLES["healthy"])
def test_healthy_volunteer_trials(text):
    t = trial("NCT05803083").model_copy(update={"conditions": [text], "condition_meshes": []})
    assert conditions_criterion(t).params == {"healthy": True, "mentions": [text]}


def test_no_non_cancer_trial_is_eligible_for_the_pancreatic_patient():
    report = match(profile("example"), bundled_trials(), as_of=AS_OF)
    assert report.counts["eligible"] == 0
    scores = {m.trial.nct_id: m.score for m in report.matches}
    # the seed pancreatic trial ranks above every trial studying another disease
    for nct in ("NCT05894499", "NCT05819398", "NCT05818137", "NCT05913700"):
        assert scores["NCT06532617"] > scores[nct]


@pytest.mark.parametrize("nct_id", ["NCT05894499", "NCT05819398"])
def test_a_covid_or_hidradenitis_study_asks_instead_of_passing(nct_id):
    m, o = conditions(nct_id, "example")
    assert m.verdict == "possibly_eligible"
    assert o.status == "unknown" and o.finding.mismatch
    assert o.explanation.startswith("The trial studies ")
    assert "does not list it" in o.explanation
    if nct_id == "NCT05894499":  # SARS-CoV-2: a condition the vocabulary knows
        assert o.question == "condition:covid19"
        assert o.to_dict()["question"]["question"] == "Do you have COVID-19?"
        assert m.score < 0.55  # halved share for the mismatch


def test_the_patient_with_the_studied_disease_meets_it():
    _, o = conditions("NCT05896748", "pdac-hiv")
    assert o.status == "met"
    assert o.explanation == (
        "The trial studies Human Immunodeficiency Virus Type 1 (HIV-1); your record lists HIV."
    )
    _, o = conditions("NCT05896748", "example")
    assert (o.status, o.question) == ("unknown", "condition:hiv")


def test_pulmonary_arterial_hypertension_is_not_the_patients_hypertension():
    m, o = conditions("NCT05818137", "example")
    assert "hypertension" in profile("example").conditions
    assert o.criterion.params["studied"][0]["id"] == "pulmonary_hypertension"
    assert o.status == "unknown" and m.verdict != "eligible"
    # a patient recording pulmonary arterial hypertension has the studied disease
    p = profile("example", conditions=["pulmonary arterial hypertension"])
    _, o = _outcome(p, trial("NCT05818137"))
    assert o.status == "met"


def test_a_healthy_volunteer_trial_is_not_for_a_cancer_patient():
    _, o = conditions("NCT05803083", "example")
    assert o.status == "unknown" and o.low_confidence  # never an exclusion on this alone
    assert "so you are not a healthy volunteer" in o.explanation


def test_mesh_ancestors_do_not_let_any_leukaemia_through():
    # conditions "Prolymphocytic Leukemia", "T-cell Leukemia"; MeSH adds plain "Leukemia"
    assert "leukemia" not in conditions_criterion(trial("NCT04411043")).params["cancers"]
    m, o = conditions("NCT04411043", "aml")
    assert m.verdict != "eligible" and o.status == "unknown"


def test_an_acute_leukaemia_trial_is_met_by_aml_and_an_all_trial_is_not():
    # "Acute Leukemia" now resolves to its own id, and AML is an acute leukaemia
    assert kb.cancer_ids("Acute Leukemia") == kb.cancer_ids("Leukemia, Acute") == ["acute_leukemia"]
    m, o = conditions("NCT05809050", "aml")  # conditions "Acute Leukemia"
    assert o.criterion.params["cancers"] == ["acute_leukemia"]
    assert o.status == "met" and m.verdict == "eligible"
    m, o = conditions("NCT05848687", "aml")  # "Lymphoblastic Leukemia": ALL, not AML
    assert "all" in o.criterion.params["cancers"]
    assert o.status == "unknown" and o.low_confidence and m.verdict != "eligible"


def test_an_acute_leukaemia_patient_asks_whether_it_is_the_aml_trials_subtype():
    p = profile("aml")
    dx = p.diagnoses[0].model_copy(update={"condition": "acute leukemia", "histology": None})
    m = match(p.model_copy(update={"diagnoses": [dx]}), [trial("NCT05458258")], as_of=AS_OF)
    o = next(o for o in m.matches[0].outcomes if o.criterion.id == "ctgov-conditions")
    assert o.status == "unknown" and o.question == "diagnosis:subtype"
    assert m.matches[0].verdict != "eligible"


def test_a_coarsely_known_cancer_is_unknown_not_met():
    # a leukaemia named with a qualifier the vocabulary does not resolve (real record, its
    # conditions field rewritten): known only as leukaemia, so AML is not confirmed
    t = trial("NCT05809050").model_copy(
        update={"conditions": ["Myelomonocytic Leukemia"], "condition_meshes": []}
    )
    assert conditions_criterion(t).params["coarse"] == ["leukemia"]
    m = match(profile("aml"), [t], as_of=AS_OF).matches[0]
    o = next(o for o in m.outcomes if o.criterion.id == "ctgov-conditions")
    assert o.status == "unknown" and o.finding.code == "condition.coarse"
    assert "the trial names a more specific kind than we can check" in o.explanation
    assert m.verdict != "eligible"


def test_the_patients_own_cancer_named_exactly_is_met():
    _, o = conditions("NCT05458258", "aml")  # "Acute Myeloid Leukemia", "Leukemia, Myeloid"
    assert o.status == "met"


def test_aml_patient_is_eligible_only_for_trials_of_aml_or_a_class_containing_it():
    report = match(profile("aml"), corpus("leukemia-100"), as_of=AS_OF)
    eligible = set()
    for m in report.matches:
        o = next(o for o in m.outcomes if o.criterion.id == "ctgov-conditions")
        cancers = o.criterion.params["cancers"]
        if m.verdict == "eligible":
            eligible.add(m.trial.nct_id)
            assert o.status == "met"
            assert any(kb.cancer_is_a("aml", c) for c in cancers), m.trial.nct_id
        if not any(kb.cancer_is_a("aml", c) for c in cancers):
            assert o.status != "met", m.trial.nct_id  # e.g. an ALL-only trial
    # "Acute Leukemia" and "Myeloid Leukemia" trials now count, not only AML-named ones
    assert {"NCT05809050", "NCT05309018", "NCT05458258"} <= eligible


def test_a_generic_cancer_trial_is_relevant_to_any_cancer_but_not_a_specific_match():
    neoplasms = trial("NCT05907980").condition_meshes  # MeSH "Neoplasms" only
    assert [m.term for m in neoplasms] == ["Neoplasms"]
    t = trial("NCT05809050").model_copy(
        update={"conditions": ["Cancer"], "condition_meshes": neoplasms}
    )
    assert conditions_criterion(t).params["cancers"] == ["cancer"]
    for name in ("aml", "example"):
        m = match(profile(name), [t], as_of=AS_OF).matches[0]
        o = next(o for o in m.outcomes if o.criterion.id == "ctgov-conditions")
        assert o.status == "met"
    assert vocab_condition_match(["acute myeloid leukemia"], t) == 0.7
    assert vocab_condition_match(["acute myeloid leukemia"], trial("NCT05458258")) == 1.0


@pytest.mark.parametrize(
    ("nct_id", "kept"),
    [("NCT05832827", ["thymic_cancer"]), ("NCT05883007", ["head_neck_cancer"])],
)
def test_a_histology_beside_a_site_never_stands_alone(nct_id, kept):
    # MeSH "Carcinoma" / conditions "Squamous Cell Carcinoma" only qualify the site
    assert conditions_criterion(trial(nct_id)).params["cancers"] == kept
    m, o = conditions(nct_id, "example")  # pancreatic ductal adenocarcinoma
    assert o.status == "unknown" and m.verdict != "eligible"
    assert vocab_condition_match(["pancreatic ductal adenocarcinoma"], trial(nct_id)) < 1.0


def test_a_histology_only_trial_meets_its_members_and_never_excludes_others():
    t = trial("NCT05809050").model_copy(
        update={"conditions": ["Adenocarcinoma"], "condition_meshes": []}
    )
    assert conditions_criterion(t).params["cancers"] == ["adenocarcinoma"]
    _, o = _outcome(profile("example"), t)  # pancreatic ductal adenocarcinoma is one
    assert o.status == "met"
    _, o = _outcome(profile("aml"), t)
    assert o.status == "unknown" and o.low_confidence


def _outcome(p, t):
    m = match(p, [t], as_of=AS_OF).matches[0]
    return m, next(o for o in m.outcomes if o.criterion.id == "ctgov-conditions")


@pytest.mark.parametrize(
    ("patient", "trial_cancer", "value"),
    [
        ("non-small cell lung cancer", "lung_cancer", True),  # patient more specific: met
        ("lung cancer", "nsclc", None),  # patient broader: which subtype?
        ("acute myeloid leukemia", "leukemia", True),
    ],
)
def test_hierarchy_both_directions(patient, trial_cancer, value):
    facts = PatientFacts.of(PatientProfile(diagnoses=[{"condition": patient}]), AS_OF)
    f = evaluate("condition", {"cancers": [trial_cancer]}, facts)
    assert f.value is value
    if value is None:
        assert f.question == "diagnosis:subtype"


def test_a_broader_diagnosis_asks_whether_it_is_the_trials_subtype():
    p = profile("nsclc-egfr")
    p = p.model_copy(
        update={
            "diagnoses": [
                p.diagnoses[0].model_copy(update={"condition": "lung cancer", "histology": None})
            ]
        }
    )
    m = match(p, [trial("NCT05693090")], as_of=AS_OF).matches[0]
    o = next(o for o in m.outcomes if o.criterion.id == "ctgov-conditions")
    assert o.status == "unknown" and o.question == "diagnosis:subtype"
    assert "is broader: is it non-small cell lung cancer?" in o.explanation
